"""The officers' operations on a dossier, and the investor's answer to a supplement request.

Like the investor-side operations: plain data in, the guard from the transition table,
one event per move, flush (never commit), slips and mails queued for after the commit.
Every refusal raises DossierError with a message for the user and changes nothing.
"""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from flask_babel import gettext as _

from portal.accounts.models import Role, User
from portal.calendar import due_at as compute_due_at
from portal.calendar.queries import overrides
from portal.db import utcnow
from portal.documents import operations as slips
from portal.documents.models import SlipKind
from portal.dossiers import notifications, workflow
from portal.dossiers.models import (
    Dossier, DossierNote, FileKind, Outcome, ServiceRating, SupplementItem, SupplementRequest,
)
from portal.dossiers.operations import DossierError, office_hours, store_upload
from portal.dossiers.timeliness import resume_due
from portal.dossiers.workflow import Action, State
from portal.extensions import db


def _move(dossier: Dossier, action: Action, actor, note: str = "", at: Optional[datetime] = None):
    try:
        event = workflow.apply(dossier, action, actor, note=note, at=at)
    except workflow.TransitionRefused:
        raise DossierError(_("You cannot do this on this dossier now.")) from None
    db.session.flush()
    notifications.status_changed(dossier, event)
    return event


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DossierError(message)
    return text


# --- one-stop desk ------------------------------------------------------------

def request_supplement(dossier: Dossier, officer, items: list[dict], note: str = "") -> SupplementRequest:
    """One request listing every missing or wrong item with its reason (slip 2).

    At the desk (status 1) the dossier is not received yet; during processing the
    clock stops until the investor answers.
    """
    if not workflow.can_apply(dossier, Action.REQUEST_SUPPLEMENT, officer):
        raise DossierError(_("You cannot do this on this dossier now."))
    cleaned = [
        {"document_id": item.get("document_id") or None, "description": (item.get("description") or "").strip(),
         "reason": (item.get("reason") or "").strip()}
        for item in items
    ]
    cleaned = [item for item in cleaned if item["description"] or item["reason"]]
    if not cleaned:
        raise DossierError(_("List at least one item to supplement, with its reason."))
    if any(not item["description"] or not item["reason"] for item in cleaned):
        raise DossierError(_("Each item needs what is to be supplemented and why."))
    now = utcnow()
    documents = {doc.id: doc for doc in dossier.procedure.documents}
    request = SupplementRequest(dossier=dossier, requested_by=officer, origin_state=dossier.state,
                                note=(note or "").strip(), created_at=now)
    for position, item in enumerate(cleaned, start=1):
        document = documents.get(item["document_id"])
        request.items.append(SupplementItem(position=position, required_document=document,
                                            description=item["description"], reason=item["reason"]))
    db.session.add(request)
    dossier.supplement_origin = dossier.state
    if dossier.state is State.IN_PROGRESS:
        dossier.paused_at = now
    _move(dossier, Action.REQUEST_SUPPLEMENT, officer, note=request.note, at=now)
    slips.issue(dossier, SlipKind.SUPPLEMENT, request=request)
    return request


def refuse_dossier(dossier: Dossier, officer, reason: str) -> None:
    """The desk refuses to receive the dossier, with the specific reason (slip 3)."""
    reason = _required(reason, _("Give the specific reason for the refusal."))
    now = utcnow()
    _move(dossier, Action.REFUSE, officer, note=reason, at=now)
    dossier.finished_at = now
    dossier.decision_note = reason
    slips.issue(dossier, SlipKind.REFUSAL)


def return_result(dossier: Dossier, officer, handover: str) -> None:
    """The desk hands the result over (status 10), recording how."""
    handover = _required(handover, _("Record how the result was handed over."))
    now = utcnow()
    _move(dossier, Action.RETURN_RESULT, officer, note=handover, at=now)
    dossier.returned_at = now
    dossier.handover = handover


# --- the investor's answer ------------------------------------------------------

def add_supplement_file(dossier: Dossier, user, item: SupplementItem, upload):
    request = dossier.open_supplement
    if (request is None or item.request_id != request.id
            or not workflow.can_apply(dossier, Action.RESUBMIT, user)):
        raise DossierError(_("This dossier is not waiting for a supplement from you."))
    return store_upload(dossier, user, upload, document=item.required_document, kind=FileKind.SUPPLEMENT,
                        item=item)


def resubmit_supplement(dossier: Dossier, user) -> None:
    """Send the supplement back; the dossier returns where it was and the clock resumes."""
    request = dossier.open_supplement
    if request is None or not workflow.can_apply(dossier, Action.RESUBMIT, user):
        raise DossierError(_("This dossier is not waiting for a supplement from you."))
    answered = {f.supplement_item_id for f in dossier.files if f.kind is FileKind.SUPPLEMENT}
    missing = [item for item in request.items if item.id not in answered]
    if missing:
        raise DossierError(_("Attach at least one file for every item: %(items)s.",
                             items="; ".join(item.description for item in missing)))
    now = utcnow()
    request.answered_at = now
    if dossier.paused_at is not None and dossier.due_at is not None:
        procedure = dossier.procedure
        kind = procedure.time_limit_kind.value
        if procedure.supplement_clock.value == "restart":
            dossier.due_at = compute_due_at(now, procedure.time_limit_days, kind, overrides(), office_hours())
        else:
            dossier.due_at = resume_due(dossier.due_at, dossier.paused_at, now, kind, overrides(), office_hours())
    dossier.paused_at = None
    _move(dossier, Action.RESUBMIT, user, at=now)
    dossier.supplement_origin = None


# --- department: assignment and processing -------------------------------------------

def assign(dossier: Dossier, head, specialist: Optional[User]) -> None:
    """The head gives the dossier to a specialist of the unit (or to another one)."""
    if (specialist is None or specialist.role is not Role.SPECIALIST or not specialist.is_active
            or specialist.unit_id != dossier.unit_id):
        raise DossierError(_("Choose a specialist of the handling unit."))
    action = Action.REASSIGN if dossier.state is State.IN_PROGRESS else Action.ASSIGN
    if action is Action.REASSIGN and dossier.assignee_id == specialist.id:
        raise DossierError(_("The dossier is already assigned to this specialist."))
    dossier.assignee = specialist
    _move(dossier, action, head, note=specialist.full_name)
    notifications.assigned(dossier)


def propose_result(dossier: Dossier, specialist, draft_upload, note: str = "") -> None:
    """The specialist attaches the draft result and sends it for approval."""
    if not workflow.can_apply(dossier, Action.PROPOSE_RESULT, specialist):
        raise DossierError(_("You cannot do this on this dossier now."))
    if draft_upload is None or not getattr(draft_upload, "filename", ""):
        raise DossierError(_("Attach the draft result document."))
    store_upload(dossier, specialist, draft_upload, kind=FileKind.DRAFT_RESULT)
    dossier.proposal, dossier.proposal_note = "result", (note or "").strip()
    _move(dossier, Action.PROPOSE_RESULT, specialist, note=dossier.proposal_note)


def propose_stop(dossier: Dossier, specialist, reason: str) -> None:
    """The specialist proposes to stop processing; the head or leader decides."""
    reason = _required(reason, _("Give the reason for stopping."))
    if not workflow.can_apply(dossier, Action.PROPOSE_STOP, specialist):
        raise DossierError(_("You cannot do this on this dossier now."))
    dossier.proposal, dossier.proposal_note = "stop", reason
    _move(dossier, Action.PROPOSE_STOP, specialist, note=reason)


def add_note(dossier: Dossier, officer, text: str) -> DossierNote:
    """An internal note, seen only by officers."""
    if not dossier.can_add_note(officer):
        raise DossierError(_("You cannot do this on this dossier now."))
    note = DossierNote(dossier=dossier, author=officer, text=_required(text, _("Write the note first.")))
    db.session.add(note)
    db.session.flush()
    return note


# --- head or Board leader: the decision -------------------------------------------------

def approve(dossier: Dossier, approver, result_upload=None, irc_number: str = "",
            irc_date=None, note: str = "") -> None:
    """Approve the proposal: the result is ready (status 9), or processing stops (status 8)."""
    if not workflow.can_apply(dossier, Action.APPROVE, approver):
        raise DossierError(_("You cannot do this on this dossier now."))
    stopping = dossier.proposal == "stop"
    if not stopping:
        if result_upload is None or not getattr(result_upload, "filename", ""):
            raise DossierError(_("Attach the signed result document."))
        if dossier.procedure.issues_irc and (not (irc_number or "").strip() or irc_date is None):
            raise DossierError(_("Record the number and date of the investment registration certificate."))
        store_upload(dossier, approver, result_upload, kind=FileKind.RESULT)
        if dossier.procedure.issues_irc:
            dossier.project.irc_number = irc_number.strip()
            dossier.project.irc_date = irc_date
    now = utcnow()
    dossier.outcome = Outcome.STOPPED if stopping else Outcome.APPROVED
    dossier.decided_by = approver
    dossier.decision_note = dossier.proposal_note if stopping else (note or "").strip()
    dossier.finished_at = now
    _move(dossier, Action.APPROVE, approver, note=dossier.decision_note, at=now)
    if stopping:
        slips.issue(dossier, SlipKind.STOP)


def decline(dossier: Dossier, approver, reasons: str) -> None:
    """Not approved: the result is a refusal with reasons (also status 9)."""
    reasons = _required(reasons, _("Give the reasons for not approving."))
    now = utcnow()
    dossier.outcome = Outcome.NOT_APPROVED
    dossier.decided_by = approver
    dossier.decision_note = reasons
    dossier.finished_at = now
    _move(dossier, Action.DECLINE, approver, note=reasons, at=now)


def send_back(dossier: Dossier, approver, comment: str) -> None:
    """Back to the specialist with a comment."""
    comment = _required(comment, _("Say what the specialist should change."))
    _move(dossier, Action.SEND_BACK, approver, note=comment)
    dossier.proposal, dossier.proposal_note = None, ""


# --- late dossiers -------------------------------------------------------------------

def issue_apology(dossier: Dossier, officer, new_due: datetime, reason: str) -> None:
    """The apology with a new appointment date (slip 4); allowed once per dossier."""
    reason = _required(reason, _("Give the reason for the delay."))
    if not workflow.can_apply(dossier, Action.APOLOGIZE, officer):
        if dossier.apology_issued_at is not None:
            raise DossierError(_("An apology has already been issued for this dossier; the date can be moved only once."))
        raise DossierError(_("You cannot do this on this dossier now."))
    if dossier.due_at is None or new_due <= dossier.due_at or new_due <= utcnow():
        raise DossierError(_("The new appointment must be later than the current one and in the future."))
    original = dossier.due_at
    now = utcnow()
    _move(dossier, Action.APOLOGIZE, officer, note=reason, at=now)
    dossier.apology_issued_at = now
    dossier.due_at = new_due
    slips.issue(dossier, SlipKind.APOLOGY, original_due=original, reason=reason)


# --- the investor's rating ----------------------------------------------------------

def rate_service(dossier: Dossier, user, score: int, comment: str = "") -> ServiceRating:
    if not dossier.can_rate(user):
        raise DossierError(_("You can rate the service once the result has been returned."))
    if db.session.scalar(db.select(ServiceRating.id).where(ServiceRating.dossier_id == dossier.id)):
        raise DossierError(_("This dossier has already been rated. Thank you."))
    if score not in range(1, 6):
        raise DossierError(_("Choose from 1 to 5."))
    rating = ServiceRating(dossier_id=dossier.id, user_id=user.id, score=score, comment=(comment or "").strip())
    db.session.add(rating)
    db.session.flush()
    return rating
