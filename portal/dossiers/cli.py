"""`flask dossiers receive CODE --officer EMAIL`: reception from the command line."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.accounts.queries import user_by_email
from portal.dossiers import operations as ops
from portal.dossiers.queries import dossier_by_code
from portal.services.unit_of_work import commit

dossiers_cli = AppGroup("dossiers", help="Dossiers.")


@dossiers_cli.command("receive")
@click.argument("code")
@click.option("--officer", "email", required=True, help="Email of the one-stop desk officer receiving it.")
def receive(code: str, email: str) -> None:
    """Receive a submitted dossier: set its due date and issue the receipt."""
    dossier = dossier_by_code(code)
    if dossier is None:
        raise click.ClickException(f"no dossier with the code {code}")
    officer = user_by_email(email)
    if officer is None or not officer.is_active:
        raise click.ClickException(f"no active user {email}")
    try:
        ops.receive_dossier(dossier, officer)
    except ops.DossierError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    due = dossier.due_at.isoformat() if dossier.due_at else "no time limit"
    click.echo(f"received {dossier.code}; due {due}")


@dossiers_cli.command("remind")
def remind() -> None:
    """E-mail each officer the dossiers they must act on that are due tomorrow or overdue,
    and the desk the dossiers waiting for reception since an earlier day (run daily from cron)."""
    from datetime import datetime, time, timedelta

    from portal.accounts.models import OFFICER_ROLES, User
    from portal.calendar import LOCAL_TZ
    from portal.db import utcnow
    from portal.dossiers import notifications
    from portal.dossiers.queries import due_for_reminder
    from portal.extensions import db

    now = utcnow()
    tomorrow_end = datetime.combine(now.astimezone(LOCAL_TZ).date() + timedelta(days=2), time.min, LOCAL_TZ)
    sent = 0
    officers = db.session.scalars(db.select(User).where(User.role.in_(OFFICER_ROLES), User.is_active.is_(True)))
    for officer in officers:
        due_soon, overdue, waiting = due_for_reminder(officer, now, tomorrow_end)
        if due_soon.total or overdue.total or waiting.total:
            notifications.reminder(officer, due_soon, overdue, waiting)
            sent += 1
    commit()
    click.echo(f"reminders sent: {sent}")
