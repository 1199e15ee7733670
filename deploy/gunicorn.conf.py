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

# Prometheus: each worker's counts go to PROMETHEUS_MULTIPROC_DIR, its files marked when it exits.
from portal.services.observability import child_exit  # noqa: E402,F401  (a gunicorn hook)
