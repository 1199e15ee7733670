"""Rate limits on login, registration, reset, confirmation mail and tracking; in Redis
when REDIS_URL is set (tested against the Redis server running on this machine)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import uuid

import pytest

from config import ROOT
from portal.extensions import limiter

LIMITED = [
    ("LOGIN_RATE_LIMIT", "/account/login", {"email": "x@example.com", "password": "sai-mat-khau-1"}),
    ("REGISTER_RATE_LIMIT", "/account/register", {"email": "x@example.com"}),
    ("EMAIL_RATE_LIMIT", "/account/forgot", {"email": "x@example.com"}),
    ("EMAIL_RATE_LIMIT", "/account/confirm/resend", {"email": "x@example.com"}),
    ("RESET_RATE_LIMIT", "/account/reset/not-a-token", {}),
    ("TRACKING_RATE_LIMIT", "/tracking?code=X&key=Y", None),
]


@pytest.mark.parametrize("setting, url, data", LIMITED, ids=[u for _, u, _ in LIMITED])
def test_each_sensitive_form_is_rate_limited(app, client, db, setting, url, data):
    saved = app.config[setting]
    app.config[setting] = "2 per minute"
    try:
        send = (lambda: client.get(url)) if data is None else (lambda: client.post(url, data=data))
        answers = [send().status_code for _ in range(3)]
    finally:
        app.config[setting] = saved
        limiter.reset()
    assert answers[2] == 429 and 429 not in answers[:2]


SCRIPT = textwrap.dedent("""
    import json, sys
    sys.path.insert(0, sys.argv[1])
    from flask_migrate import upgrade
    from portal import create_app
    app = create_app("testing", SQLALCHEMY_DATABASE_URI="sqlite:///" + sys.argv[2],
                     RATELIMIT_STORAGE_URI=sys.argv[3], RATELIMIT_KEY_PREFIX=sys.argv[4],
                     TRACKING_RATE_LIMIT="3 per minute")
    with app.app_context():
        upgrade()
    client = app.test_client()
    statuses = [client.get("/tracking?code=X&key=Y").status_code for _ in range(4)]
    print(json.dumps(statuses))
""")


def test_limits_are_kept_in_redis_when_configured(tmp_path):
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    server = redis.Redis.from_url(url)
    server.ping()  # Redis runs on these machines (.ci/run starts it if needed)
    prefix = f"portal-test-{uuid.uuid4().hex}"
    try:
        run = lambda: subprocess.run(  # noqa: E731 - two separate processes share the counter
            [sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path / "db.sqlite"), url, prefix],
            capture_output=True, text=True, check=True, cwd=ROOT)
        first = json.loads(run().stdout.strip().splitlines()[-1])
        assert first == [404, 404, 404, 429]
        assert server.keys(f"*{prefix}*"), "no rate-limit counters in Redis"
        second = json.loads(run().stdout.strip().splitlines()[-1])
        assert second == [429, 429, 429, 429]  # another process sees the same counters
    finally:
        for key in server.scan_iter(f"*{prefix}*"):
            server.delete(key)


def test_with_redis_down_the_limits_fall_back_to_each_process(tmp_path):
    from tests.conftest import free_port

    down = f"redis://127.0.0.1:{free_port()}/0"  # nothing listens there
    result = subprocess.run([sys.executable, "-c", SCRIPT, str(ROOT), str(tmp_path / "db.sqlite"), down, "x"],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [404, 404, 404, 429]  # served, and still limited
