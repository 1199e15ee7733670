"""Operations you can watch: request ids, JSON logs, health probes and Prometheus metrics.

- `/healthz` answers while the process lives (no database, no cookie): for a liveness probe.
- `/readyz` checks the database, Redis (when REDIS_URL is set) and the file storage, each
  with a short bound, and answers 503 naming the dependency that is down: for the load
  balancer. (The database's connect time is bounded by libpq: put `connect_timeout=3` in
  DATABASE_URL or set PGCONNECT_TIMEOUT.)
- `/metrics` is the Prometheus text, only when METRICS_TOKEN is set and sent as
  `Authorization: Bearer <token>` (404 without the setting: nothing to find).
- Every request gets an id (a proxy's valid `X-Request-ID`, else a new one), echoed in the
  response and carried by every log line; one INFO line per request names the route rule,
  never the path, query, address or form (no personal data in the logs).

Under gunicorn with several workers each process counts alone, so set
PROMETHEUS_MULTIPROC_DIR to an empty directory writable by the workers (prometheus_client
then keeps the counts in files there and /metrics adds every worker's up). The directory
must be emptied before gunicorn starts (old files would add old counts), and a worker's
files marked dead when it exits, in gunicorn.conf.py:

    from portal.services.observability import child_exit  # noqa: F401  (a gunicorn hook)

which runs `prometheus_client.multiprocess.mark_process_dead(worker.pid)`.
"""
from __future__ import annotations

import hmac
import logging
import os
import re
import time
import uuid
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from flask import Blueprint, Flask, Response, abort, current_app, g, jsonify, request
from flask.signals import request_finished, request_started
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

bp = Blueprint("ops", __name__)
log = logging.getLogger("portal.requests")

# --- request ids ---------------------------------------------------------------

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# What a proxy may hand over: short, and nothing that could forge a log line.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def bound_request_id(value: str | None) -> Iterator[str | None]:
    """Carry a request's id into work done elsewhere (a background job), so that its log
    lines can be found with the request that started it."""
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Put the current request id on every record (on the handler: records of every logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current_request_id() or "-"
        return True


# --- logging -------------------------------------------------------------------


def configure_logging(app: Flask) -> None:
    """One handler on the root logger, to stderr (gunicorn and systemd collect it): a JSON
    object per line for LOG_FORMAT=json, plain lines for "text". Idempotent, as tests
    create many apps."""
    from flask.logging import default_handler

    handler = logging.StreamHandler()
    handler.name = "portal"
    handler.addFilter(RequestIdFilter())
    if app.config["LOG_FORMAT"] == "json":
        from pythonjsonlogger.json import JsonFormatter

        handler.setFormatter(JsonFormatter(
            "%(asctime)s %(levelname)s %(name)s %(message)s",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"}))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.name == "portal"]:
        root.removeHandler(old)
    root.addHandler(handler)
    # Only the request lines are raised to INFO: the other loggers keep their levels (the
    # audit trail's INFO lines name addresses and e-mails; the database keeps those).
    log.setLevel(logging.INFO)
    app.logger.removeHandler(default_handler)  # its lines now go through the root's handler


# --- metrics -------------------------------------------------------------------

# Not in prometheus_client's global registry: each scrape builds its own (below).
REQUESTS = Counter("portal_http_requests", "HTTP requests answered.", ["method", "route", "status"], registry=None)
LATENCY = Histogram("portal_http_request_duration_seconds", "Time to answer a request.", ["route"], registry=None)
# Anything else would let a client invent label values without end.
METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}


class PortalCollector:
    """Figures counted at scrape time, in the scraping request's app context."""

    def collect(self):
        from portal.dossiers.models import Dossier
        from portal.dossiers.workflow import State
        from portal.extensions import db

        try:
            found = db.session.execute(db.select(Dossier.state, db.func.count()).group_by(Dossier.state)).all()
        except Exception:  # /readyz says the database is down; the request counts still go out
            current_app.logger.warning("metrics: dossiers not counted", exc_info=True)
            db.session.rollback()
        else:
            dossiers = GaugeMetricFamily("portal_dossiers", "Dossiers by state.", labels=["state"])
            counts = dict.fromkeys(State, 0) | dict(found)  # every state, even with none
            for state, count in counts.items():
                dossiers.add_metric([str(state)], count)
            yield dossiers
        jobs = _job_counts()
        if isinstance(jobs, dict):
            yield GaugeMetricFamily("portal_jobs_queued", "Background jobs waiting.", value=jobs["queued"])
            yield GaugeMetricFamily("portal_jobs_failed", "Background jobs failed.", value=jobs["failed"])


def _job_counts() -> dict | None:
    from portal.services import jobs

    try:
        return jobs.counts()  # None without Redis
    except Exception:  # Redis down: /readyz says so; the other figures still go out
        current_app.logger.warning("metrics: jobs not counted", exc_info=True)
        return None


def child_exit(server, worker) -> None:
    """gunicorn hook: a dead worker's live gauges stop counting (multiprocess mode)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


# --- per request ---------------------------------------------------------------

# Probes ask every few seconds: their lines would bury the others (DEBUG only).
QUIET = {"ops.healthz"}


def _started(app: Flask, **_extra) -> None:
    wanted = request.headers.get("X-Request-ID", "")
    request_id = wanted if VALID_REQUEST_ID.fullmatch(wanted) else uuid.uuid4().hex
    g._observed = (time.perf_counter(), request_id, _request_id.set(request_id))


def _finished(app: Flask, response: Response, **_extra) -> None:
    started, request_id, _token = g._observed
    seconds = time.perf_counter() - started
    route = request.url_rule.rule if request.url_rule else "unmatched"
    method = request.method if request.method in METHODS else "other"
    status = response.status_code
    response.headers["X-Request-ID"] = request_id
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)
    duration_ms = round(seconds * 1000, 1)
    log.log(logging.DEBUG if request.endpoint in QUIET else logging.INFO, "%s %s %s %.1f ms",
            method, route, status, duration_ms,
            extra={"method": method, "route": route, "status": status, "duration_ms": duration_ms})


def _torn_down(exc: BaseException | None = None) -> None:
    observed = g.pop("_observed", None)
    if observed:
        _request_id.reset(observed[2])


# --- views ---------------------------------------------------------------------


@bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


def _database() -> None:
    from portal.extensions import db

    db.session.execute(db.text("SELECT 1"))


def _redis() -> str | None:
    """A PING on the process's own client (jobs and mail share it; it connects within 1 s)."""
    from portal.services.jobs import redis_connection

    connection = redis_connection()
    if connection is None:
        return "not configured"
    connection.ping()
    return None


def _storage() -> None:
    """A listing of an empty folder: S3 answers it only when it is reachable, the bucket
    exists and the credentials may read it (a HEAD of a missing key says 404 either way)."""
    from portal.services.storage import get_storage

    next(iter(get_storage().iter_keys("readyz/")), None)


CHECKS = {"database": _database, "redis": _redis, "storage": _storage}


@bp.get("/readyz")
def readyz():
    """Ready when every dependency answers. The body names only the exception's class:
    messages can carry host names and URLs (the log keeps them for the operator)."""
    checks = {}
    for name, check in CHECKS.items():
        try:
            checks[name] = check() or "ok"
        except Exception as exc:
            current_app.logger.warning("readiness: %s is down", name, exc_info=True)
            checks[name] = f"down: {type(exc).__name__}"
    ready = not any(value.startswith("down") for value in checks.values())
    return jsonify(status="ready" if ready else "not ready", checks=checks), 200 if ready else 503


@bp.get("/metrics")
def metrics():
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        abort(404)
    scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
        return Response("Unauthorized\n", 401, {"WWW-Authenticate": "Bearer"}, mimetype="text/plain")
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(registry)  # every worker's counts, from their files
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(PortalCollector())
    return Response(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def init_app(app: Flask) -> None:
    """Logging first (what the rest of create_app logs is formatted), then the hooks. Signals
    rather than before/after_request: they run around all of those, whatever their order,
    so the status logged is the one sent (after the commit in finish_request)."""
    from portal.extensions import limiter

    configure_logging(app)
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    app.teardown_request(_torn_down)
    limiter.exempt(bp)  # probes and scrapes come often, from few addresses
    app.register_blueprint(bp)
