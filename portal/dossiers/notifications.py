"""E-mails to investors about their dossiers, in each recipient's language."""
from __future__ import annotations

from portal.services.mail import external_url, send_mail


def _investors(dossier):
    return [m.user for m in dossier.enterprise.members if m.user.is_active]


def _send(dossier, template: str, **extra) -> None:
    for user in _investors(dossier):
        send_mail(
            user.email, template, user.language, user=user, dossier=dossier,
            dossier_url=external_url("dossiers.detail", dossier_id=dossier.id),
            tracking_url=external_url("public.tracking", code=dossier.code, key=dossier.lookup_key),
            **extra,
        )


def submitted(dossier) -> None:
    _send(dossier, "dossiers/emails/submitted")


def received(dossier) -> None:
    _send(dossier, "dossiers/emails/received")


def withdrawn(dossier) -> None:
    _send(dossier, "dossiers/emails/withdrawn")


def status_changed(dossier, event) -> None:
    """Every change of status, told to the investor in the investor's language."""
    if event.from_state == event.to_state:
        if event.action != "apologize":
            return
    _send(dossier, "dossiers/emails/status_changed", event=event)


def assigned(dossier) -> None:
    specialist = dossier.assignee
    if specialist is not None and specialist.is_active:
        send_mail(specialist.email, "dossiers/emails/assigned", specialist.language, user=specialist,
                  dossier=dossier, officer_url=external_url("officer.dossier", dossier_id=dossier.id))


def reminder(officer, due_soon, overdue) -> None:
    send_mail(officer.email, "dossiers/emails/reminder", officer.language, user=officer,
              due_soon=due_soon, overdue=overdue, queue_url=external_url("officer.index"))
