"""gunicorn settings for one app server instance (`gunicorn -c deploy/gunicorn.conf.py wsgi:app`).

Every value can be changed by the environment, as systemd units set it (README).
"""
import os

bind = os.environ.get("PORTAL_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "sync"
timeout = 120            # as nginx's proxy_read_timeout
graceful_timeout = 30    # a restart lets running requests finish
keepalive = 5
max_requests = 2000      # workers are replaced now and then, with jitter
max_requests_jitter = 200
# Only nginx talks to the instance; the portal itself reads X-Forwarded-* (PROXY_COUNT=1).
forwarded_allow_ips = "127.0.0.1"
accesslog = None         # the portal logs each request as JSON, without personal data
errorlog = "-"
# gunicorn's own lines (start, stop, a worker timed out) as JSON too, like the portal's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "pythonjsonlogger.json.JsonFormatter",
                            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"}}},
    "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
    "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False}},
    "root": {"level": "WARNING", "handlers": []},  # the portal puts its own handler there
}

# Prometheus: each worker's counts go to PROMETHEUS_MULTIPROC_DIR, its files marked when it exits.
from portal.services.observability import child_exit  # noqa: E402,F401  (a gunicorn hook)
