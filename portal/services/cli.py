"""Operator commands for the stored files and backups."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from portal.services import backup as backups

storage_cli = AppGroup("storage", help="Stored files.")


@storage_cli.command("check")
@click.option("--delete-strays", is_flag=True, help="Delete files that no row refers to.")
def check(delete_strays: bool) -> None:
    """Report files without rows and rows without files (exit 1 if any row lacks its file)."""
    from portal.services.storage import get_storage

    report = backups.storage_report()
    for key in report["files_without_rows"]:
        click.echo(f"file without row: {key}")
        if delete_strays:
            get_storage().delete(key)
    for key in report["rows_without_files"]:
        click.echo(f"row without file: {key}")
    click.echo(f"{len(report['files_without_rows'])} files without rows"
               f"{' (deleted)' if delete_strays and report['files_without_rows'] else ''}, "
               f"{len(report['rows_without_files'])} rows without files")
    if report["rows_without_files"]:
        raise SystemExit(1)


@click.command("backup")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Archive to write (.tar.gz).")
def backup(output: Path | None) -> None:
    """Write a consistent archive of the database and the stored files."""
    if output is None:
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
        output = Path(current_app.instance_path) / "backups" / f"portal-{stamp}.tar.gz"
    manifest = backups.make_backup(output)
    click.echo(f"{output}: database and {len(manifest['files'])} files")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask: replace the current data.")
def restore(archive: Path, yes: bool) -> None:
    """Replace the database and the stored files with those in ARCHIVE."""
    if not yes:
        click.confirm("This replaces the current database and files. Continue?", abort=True)
    manifest = backups.restore_backup(archive)
    click.echo(f"restored the database and {len(manifest['files'])} files from {archive}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty (tests, one-off runs).")
def worker(burst: bool) -> None:
    """Run a job worker on the Redis queue (REDIS_URL): mail, slips, reminders, clean-ups.
    Each job runs in a forked process; one that dies mid-job is retried."""
    import os

    from rq import Worker

    from portal.services.jobs import get_queue

    queue = get_queue()
    if queue is None:
        raise click.UsageError("REDIS_URL is not set: jobs run inside the portal's own processes")
    current_app.extensions["portal_worker_pid"] = os.getpid()
    # Delayed retries wait in RQ's scheduled registry: its scheduler (a child process) puts
    # them back on time. Retries without delay need none.
    delayed = any(current_app.config["JOB_RETRY_DELAYS"])
    Worker([queue], connection=queue.connection).work(burst=burst, with_scheduler=delayed)


# The recurring jobs, in the Board's time (Asia/Ho_Chi_Minh): (task, cron line).
RECURRING = (
    ("portal.dossiers.notifications.send_reminders", "0 7 * * 1-6"),   # before the desk opens
    ("portal.accounts.operations.expire_registrations", "30 2 * * *"),
    ("portal.reports.monthly.mail_monthly_report", "0 6 1 * *"),          # last month's report
    ("portal.reports.prepared.remove_old_files", "45 2 * * *"),            # report files asked for
)


@click.command("scheduler")
def scheduler() -> None:
    """Enqueue the recurring jobs on time (RQ's cron scheduler); run one, beside the workers."""
    import os
    import time

    from rq.cron import CronScheduler

    from portal.services.jobs import get_queue, run, task_named

    queue = get_queue()
    if queue is None:
        raise click.UsageError("REDIS_URL is not set: run the recurring commands from cron instead (README)")
    os.environ["TZ"] = "Asia/Ho_Chi_Minh"  # RQ reads cron lines in local time
    time.tzset()
    cron = CronScheduler(connection=queue.connection)
    for name, line in RECURRING:
        task_named(name)  # a name that is not a task stops the scheduler at once
        cron.register(run, queue.name, args=(name, (), None), cron=line, name=name)
    cron.start()
