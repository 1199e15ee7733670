"""What an operator watches: the probes, the Prometheus scrape, and one JSON log line per
request carrying the request's id and nothing personal."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
import textwrap
from contextlib import contextmanager

import pytest

from config import ROOT

BEARER = {"Authorization": "Bearer s3cret-metrics-token"}


@pytest.fixture
def make_app(app, database_url, tmp_path):
    """Another portal on the suite's database, with some settings changed."""
    from portal import create_app

    def _make(**overrides):
        settings = {"SQLALCHEMY_DATABASE_URI": database_url, "STORAGE_DIR": str(tmp_path / "storage"),
                    "RATELIMIT_STORAGE_URI": "memory://", **overrides}
        return create_app("testing", **settings)

    return _make


@contextmanager
def log_output():
    """What the portal's own log handler writes (its real formatter and filter), as lines."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "portal")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    lines: list[str] = []
    try:
        yield lines
    finally:
        handler.setStream(previous)
        lines.extend(buffer.getvalue().splitlines())


def request_lines(lines: list[str]) -> list[dict]:
    records = [json.loads(line) for line in lines]  # every line is one JSON object
    return [r for r in records if r["logger"] == "portal.requests"]


# --- probes ----------------------------------------------------------------------


def test_healthz_answers_ok_without_a_cookie(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert "Set-Cookie" not in response.headers


def test_readyz_is_ready_when_everything_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok" and body["checks"]["storage"] == "ok"
    assert body["checks"]["redis"] in ("ok", "not configured")
    assert "Set-Cookie" not in response.headers


def test_readyz_names_redis_when_it_is_down(make_app):
    portal = make_app(REDIS_URL="redis://:hunter2@127.0.0.1:1/0")
    response = portal.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "not ready"
    assert body["checks"] == {"database": "ok", "redis": "down: ConnectionError", "storage": "ok"}
    assert "hunter2" not in response.get_data(as_text=True)


@pytest.mark.parametrize("endpoint", ["gone bucket", "closed port"])
def test_readyz_names_storage_when_s3_refuses_or_is_unreachable(app, client, s3_bucket, monkeypatch, endpoint):
    from tests.conftest import free_port

    monkeypatch.setenv("STORAGE_TIMEOUT", "1")
    if endpoint == "closed port":
        monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    bucket = f"{s3_bucket}-gone" if endpoint == "gone bucket" else s3_bucket
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{bucket}/portal")
    try:
        response = client.get("/readyz")
    finally:
        app.extensions.pop("portal_storage", None)
    assert response.status_code == 503
    assert response.get_json()["checks"]["storage"] == "down: StorageUnavailable"
    assert response.get_json()["checks"]["database"] == "ok"


def test_readyz_is_ready_on_s3(app, client, s3_bucket, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{s3_bucket}/portal")
    try:
        response = client.get("/readyz")
    finally:
        app.extensions.pop("portal_storage", None)
    assert response.status_code == 200 and response.get_json()["checks"]["storage"] == "ok"


def test_without_a_database_healthz_lives_and_readyz_says_why(make_app, tmp_path):
    portal = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'missing' / 'portal.db'}")
    client = portal.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"] == "down: OperationalError"


# --- metrics ---------------------------------------------------------------------


def test_metrics_are_hidden_without_a_token_and_refused_with_a_wrong_one(app, client, monkeypatch):
    assert client.get("/metrics", headers=BEARER).status_code == 404
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token")
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer s3cret-metrics-tokem"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Basic s3cret-metrics-token"}).status_code == 401


def test_metrics_count_requests_by_route_and_dossiers_by_state(app, client, make_draft, monkeypatch):
    monkeypatch.setitem(app.config, "METRICS_TOKEN", "s3cret-metrics-token")
    make_draft()
    assert client.get("/procedures/QLDT-01").status_code == 200
    assert client.get("/no/such/page").status_code == 404
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers
    text = response.get_data(as_text=True)
    assert re.search(r'^portal_http_requests_total\{method="GET",route="/procedures/<code>",status="200"\} [1-9]',
                     text, re.M)
    assert 'route="unmatched",status="404"' in text
    assert "/no/such/page" not in text and "QLDT-01" not in text  # rules, never paths
    assert 'portal_http_request_duration_seconds_bucket{le="0.5",route="/procedures/<code>"}' in text
    assert re.search(r'^portal_dossiers\{state="draft"\} [1-9]', text, re.M)
    assert re.search(r'^portal_dossiers\{state="resolved"\} ', text, re.M)  # every state, even with none


SCRIPT = textwrap.dedent("""
    import sys
    sys.path.insert(0, sys.argv[1])
    from portal import create_app

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[2], STORAGE_DIR=sys.argv[3],
                     RATELIMIT_STORAGE_URI="memory://", METRICS_TOKEN="t")
    client = app.test_client()
    if sys.argv[4] == "scrape":
        print(client.get("/metrics", headers={"Authorization": "Bearer t"}).get_data(as_text=True))
    else:
        for _ in range(3):
            client.get("/healthz")
""")


def test_metrics_add_up_the_workers_in_multiprocess_mode(app, database_url, tmp_path):
    folder = tmp_path / "prometheus"
    folder.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(folder), "INSTANCE_PATH": str(tmp_path)}

    def run(mode):
        return subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), database_url, str(tmp_path / "files"), mode],
                              capture_output=True, text=True, check=True, cwd=ROOT, env=env).stdout

    run("work")
    run("work")  # two workers, three probes each
    assert 'portal_http_requests_total{method="GET",route="/healthz",status="200"} 6.0' in run("scrape")


# --- request ids and logs --------------------------------------------------------


def test_each_request_logs_one_json_line_with_its_id_and_nothing_personal(client):
    with log_output() as lines:
        response = client.post("/account/login?next=/dossiers/&email=khach.hang@example.com",
                               data={"email": "khach.hang@example.com", "password": "sai-mat-khau-1"})
    (line,) = request_lines(lines)
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"])
    assert line["level"] == "INFO"
    assert (line["method"], line["route"], line["status"]) == ("POST", "/account/login", response.status_code)
    assert isinstance(line["duration_ms"], float)
    output = "\n".join(lines)
    assert "khach.hang" not in output and "next=" not in output and "127.0.0.1" not in output


def test_an_unexpected_error_is_logged_as_json_with_its_traceback_and_request_id(app, client, monkeypatch):
    def broken():
        raise RuntimeError("the disk caught fire")

    monkeypatch.setitem(app.view_functions, "public.home", broken)
    with log_output() as lines:
        response = client.get("/", headers={"X-Request-ID": "lb-7f3a.1"})
    assert response.status_code == 500
    records = [json.loads(line) for line in lines]
    (error,) = [r for r in records if r["level"] == "ERROR"]
    assert error["message"] == "unhandled error" and error["request_id"] == "lb-7f3a.1"
    assert "Traceback" in error["exc_info"] and "the disk caught fire" in error["exc_info"]
    assert request_lines(lines)[0]["status"] == 500


def test_the_probe_is_not_in_the_request_log(client):
    with log_output() as lines:
        assert client.get("/healthz").status_code == 200
    assert request_lines(lines) == []


def test_a_valid_incoming_request_id_is_kept_and_others_replaced(client):
    assert client.get("/healthz", headers={"X-Request-ID": "edge-42_A.b"}).headers["X-Request-ID"] == "edge-42_A.b"
    for bad in ("x" * 65, "abc def", "id;rm -rf", "mã-số"):
        answered = client.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert re.fullmatch(r"[0-9a-f]{32}", answered), bad


def test_background_work_carries_the_id_of_its_request(app):
    from portal.services.observability import bound_request_id, current_request_id

    assert current_request_id() is None
    with log_output() as lines, bound_request_id("job-from-req-1"):
        assert current_request_id() == "job-from-req-1"
        app.logger.warning("sending the slip")
    assert current_request_id() is None
    (record,) = [json.loads(line) for line in lines]
    assert record["request_id"] == "job-from-req-1" and record["message"] == "sending the slip"


def test_text_logs_stay_plain_lines(app, make_app):
    from portal.services.observability import configure_logging

    try:
        portal = make_app(LOG_FORMAT="text")
        with log_output() as lines:
            response = portal.test_client().get("/procedures/")
        (line,) = [line for line in lines if "portal.requests" in line]
        assert f"[{response.headers['X-Request-ID']}] GET /procedures/ 200" in line
        assert not line.startswith("{")
    finally:
        configure_logging(app)  # the suite's JSON handler again
