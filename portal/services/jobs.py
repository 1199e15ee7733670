"""Work that should not hold a request: mail, the first rendering of slips, report files,
reminders, the monthly report and clean-ups.

With REDIS_URL set, each is a job on RQ, enqueued only once the request's commit has
succeeded, retried with growing delays (JOB_RETRY_DELAYS) and, when it keeps failing, kept
in RQ's failed-job registry, where administrators see its error and can retry it
(`/admin/jobs`). `flask worker` runs a worker; `flask scheduler` runs RQ's cron scheduler
for the daily and monthly jobs. Without Redis (the embedded default), or when Redis cannot
be reached, the job runs in this process right after the commit (mail after the response),
so a single machine needs nothing else.

Only functions marked `@task` can be jobs: a job names its function, and a worker runs
nothing else.
"""
from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable

from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from portal.paging import PAGE_SIZE, Page
from portal.services.unit_of_work import after_commit, after_response

TASKS: dict[str, Callable[..., Any]] = {}
# One line per job done, carrying the id of the request that asked for it (no arguments:
# they hold addresses and mail bodies).
log = logging.getLogger("portal.jobs")
log.setLevel(logging.INFO)


def task(func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark `func` as something a worker may run; its arguments must be plain values."""
    TASKS[f"{func.__module__}.{func.__qualname__}"] = func
    return func


def _name(func: Callable[..., Any]) -> str:
    name = f"{func.__module__}.{func.__qualname__}"
    if TASKS.get(name) is not func:
        raise ValueError(f"{name} is not a task")
    return name


def enqueue(func: Callable[..., Any], *args: Any, defer: bool = False, job_id: str | None = None) -> None:
    """Run `func(*args)` once the current unit of work has committed: as a job when there is
    a queue (named `job_id` when given, to be found again), else in this process, after the
    response when `defer` (mail)."""
    from portal.services.observability import current_request_id

    after_commit(dispatch, _name(func), args, defer, current_request_id(), job_id)


def dispatch(name: str, args: tuple, defer: bool = False, request_id: str | None = None,
             job_id: str | None = None) -> None:
    """Hand the job to RQ, or run it here when there is no queue or Redis is down."""
    from redis.exceptions import RedisError
    from rq import Retry

    queue = get_queue()
    if queue is not None:
        config = current_app.config
        try:
            queue.enqueue(run, name, args, request_id, description=name, job_id=job_id,
                          retry=Retry(max=len(config["JOB_RETRY_DELAYS"]), interval=config["JOB_RETRY_DELAYS"]),
                          job_timeout=config["JOB_TIMEOUT"], failure_ttl=30 * 24 * 3600, result_ttl=3600)
            return
        except RedisError as exc:
            current_app.logger.warning("job queue unreachable (%s): %s runs in this process", type(exc).__name__, name)
    if defer:
        after_response(run_here, name, args, request_id)
    else:
        run_here(name, args, request_id)


def task_named(name: str) -> Callable[..., Any]:
    """The task `name`, its module imported if needed (a worker has not loaded every module);
    only what `@task` marked is ever returned."""
    if name not in TASKS and name.startswith("portal."):
        import importlib

        importlib.import_module(name.rsplit(".", 1)[0])
    if name not in TASKS:
        raise LookupError(f"{name} is not a task")
    return TASKS[name]


def run_here(name: str, args: tuple, request_id: str | None = None) -> None:
    from portal.services.observability import bound_request_id

    with bound_request_id(request_id):
        _timed(name, args)


def _timed(name: str, args: tuple) -> None:
    started = time.perf_counter()
    task_named(name)(*args)
    log.info("job %s done in %.0f ms", name, (time.perf_counter() - started) * 1000, extra={"task": name})


def run(name: str, args: tuple, request_id: str | None = None) -> None:
    """What a worker runs: the task, in an application context of its own, its log lines
    carrying the id of the request that asked for it. A failure propagates (RQ retries)."""
    from portal.extensions import db
    from portal.services.observability import bound_request_id
    from portal.services.unit_of_work import rollback

    app = current_app._get_current_object() if has_app_context() else _worker_app()
    with app.app_context(), bound_request_id(request_id):
        if app.extensions.get("portal_worker_pid") not in (None, os.getpid()):
            db.engine.dispose(close=False)  # a forked work horse: never share the parent's connections
        try:
            _timed(name, args)
        except BaseException:
            rollback()
            raise
        finally:
            db.session.remove()


def _worker_app():
    from portal import create_app

    return create_app()


def redis_connection():
    """The Redis client of this process, or None without REDIS_URL."""
    app = current_app._get_current_object()
    url = app.config["REDIS_URL"]
    if not url:
        return None
    cached = app.extensions.get("portal_redis")
    if cached is None or cached[0] != (os.getpid(), url):
        from redis import Redis

        cached = ((os.getpid(), url), Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5))
        app.extensions["portal_redis"] = cached
    return cached[1]


def get_queue():
    """The portal's RQ queue, or None when jobs run in-process."""
    connection = redis_connection()
    if connection is None:
        return None
    from rq import Queue

    return Queue(current_app.config["JOB_QUEUE"], connection=connection)


def counts() -> dict[str, int] | None:
    """Jobs waiting and jobs kept after failing, for the metrics (None without a queue)."""
    queue = get_queue()
    if queue is None:
        return None
    return {"queued": queue.count, "failed": queue.failed_job_registry.count}


# --- jobs that kept failing, for the administrators ---------------------------------------

class JobError(Exception):
    """A job cannot be retried (it is no longer among the failed ones)."""


# What each task does, in the administrator's words.
TITLES = {
    "portal.services.mail.deliver": _l("Send an e-mail"),
    "portal.documents.operations.render_after_commit": _l("Render a slip"),
    "portal.dossiers.notifications.send_reminders": _l("Daily reminders to officers"),
    "portal.accounts.operations.expire_registrations": _l("Expire unconfirmed registrations"),
    "portal.reports.monthly.mail_monthly_report": _l("Mail the monthly report to the leaders"),
    "portal.reports.prepared.prepare": _l("Prepare a report file"),
    "portal.reports.prepared.remove_old_files": _l("Remove old report files"),
}


@dataclass(frozen=True)
class FailedJob:
    id: str
    task: str
    error: str
    enqueued_at: datetime | None
    ended_at: datetime | None

    @property
    def title(self) -> str:
        return str(TITLES.get(self.task, self.task))


def failed_jobs(position) -> Page | None:
    """The failed jobs, newest first, a page at a time with their total (None without a queue)."""
    from rq.job import Job

    queue = get_queue()
    if queue is None:
        return None
    registry = queue.failed_job_registry
    start = (position.number - 1) * PAGE_SIZE
    ids = registry.get_job_ids(start, start + PAGE_SIZE - 1, desc=True)
    rows = []
    for job in Job.fetch_many(ids, connection=queue.connection):
        if job is None:  # expired between the two calls
            continue
        result = job.latest_result()
        error = (result.exc_string or "") if result else (job.exc_info or "")
        lines = [line for line in error.strip().splitlines() if line.strip()]
        rows.append(FailedJob(job.id, job.description or "", lines[-1][:300] if lines else "",
                              job.enqueued_at, job.ended_at))
    return Page(rows, registry.count, position.number, PAGE_SIZE)


def retry_failed(job_id: str, admin) -> None:
    """Put a failed job back in the queue, as the administrator asked (audited)."""
    from rq.exceptions import InvalidJobOperation, NoSuchJobError

    from portal.audit import operations as audit

    queue = get_queue()
    if queue is None:
        raise JobError(_("There is no job queue: jobs run inside the portal."))
    try:
        job = queue.failed_job_registry.requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError):
        raise JobError(_("This job is no longer among the failed jobs.")) from None
    audit.record("jobs.retry", actor=admin, target=job_id, detail=job.description or "")
