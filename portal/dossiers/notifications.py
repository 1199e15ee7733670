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
