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
    and the desk the dossiers waiting for reception since an earlier day (run daily)."""
    from portal.dossiers.notifications import send_reminders

    click.echo(f"reminders sent: {send_reminders()}")
