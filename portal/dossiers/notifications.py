"""E-mails about dossiers, in each recipient's language.

What is mailed is declared by the transition table: the investor hears what concerns
the investor (received, supplement requested, refused, decided, apology, returned,
withdrawn); officers hear what they must act on next, and only they (the desk for a
new dossier, the specialist for an answered supplement, the awaited signer for a
proposal, the desk for a result to hand over). Internal steps are not mailed to the
investor.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.services import jobs
from portal.services.mail import external_url, send_mail

# What an officer is asked to do, by the table's `officer_mail`: (subject, sentence).
TASKS = {
    "new_dossier": (_l("new dossier to receive"),
                    _l("A new dossier is waiting for reception at the one-stop desk.")),
    "to_assign": (_l("to assign"), _l("The dossier has been received for your unit: assign it to a specialist.")),
    "assigned": (_l("assigned to you"), _l("The dossier has been assigned to you.")),
    "supplement_answered": (_l("supplement received"),
                            _l("The investor has sent the supplement: the dossier is back with you.")),
    "awaiting_approval": (_l("awaiting your decision"), _l("A proposal on this dossier is waiting for your decision.")),
    "sent_back": (_l("sent back to you"), _l("The proposal has been sent back to you; see the comment.")),
    "result_to_return": (_l("result to hand over"),
                         _l("The result is ready: hand it over to the investor and record how.")),
}


def _investors(dossier):
    return [m.user for m in dossier.enterprise.members if m.user.is_active]


def _to_investors(dossier, template: str, **extra) -> None:
    for user in _investors(dossier):
        send_mail(
            user.email, f"dossiers/emails/{template}", user.language, user=user, dossier=dossier,
            dossier_url=external_url("dossiers.detail", dossier_id=dossier.id),
            tracking_url=external_url("public.tracking", code=dossier.code, key=dossier.lookup_key),
            **extra,
        )


def transition(dossier, event) -> None:
    """The mails a move declares in the transition table, written as the dossier now is."""
    from portal.dossiers.queries import officers_to_act

    declared = event.action.transition
    if declared.investor_mail:
        _to_investors(dossier, declared.investor_mail, event=event)
    if declared.officer_mail:
        subject, sentence = TASKS[declared.officer_mail]
        for officer in officers_to_act(dossier):
            send_mail(officer.email, "dossiers/emails/to_act", officer.language, user=officer, dossier=dossier,
                      event=event, task=subject, sentence=sentence,
                      officer_url=external_url("officer.dossier", dossier_id=dossier.id))


def reminder(officer, due_soon, overdue, waiting) -> None:
    send_mail(officer.email, "dossiers/emails/reminder", officer.language, user=officer,
              due_soon=due_soon, overdue=overdue, waiting=waiting, queue_url=external_url("officer.index"))


@jobs.task
def send_reminders() -> int:
    """E-mail each officer the dossiers they must act on that are due tomorrow or overdue,
    and the desk the dossiers waiting for reception since an earlier day (daily)."""
    from datetime import datetime, time, timedelta

    from portal.accounts.models import OFFICER_ROLES, User
    from portal.calendar import LOCAL_TZ
    from portal.db import utcnow
    from portal.dossiers.queries import due_for_reminder
    from portal.extensions import db
    from portal.services.unit_of_work import commit

    now = utcnow()
    tomorrow_end = datetime.combine(now.astimezone(LOCAL_TZ).date() + timedelta(days=2), time.min, LOCAL_TZ)
    sent = 0
    officers = db.session.scalars(db.select(User).where(User.role.in_(OFFICER_ROLES), User.is_active.is_(True)))
    for officer in officers:
        due_soon, overdue, waiting = due_for_reminder(officer, now, tomorrow_end)
        if due_soon.total or overdue.total or waiting.total:
            reminder(officer, due_soon, overdue, waiting)
            sent += 1
    commit()
    return sent
