"""The plain data printed on each kind of slip, taken from a dossier when it is issued.

Slips follow the forms of Circular 03/2025/TT-VPCP (Appendix I) and are always in
Vietnamese: every text computed here is taken in Vietnamese, whatever the language of
the officer who issues the slip.
"""
from __future__ import annotations

import re

from flask_babel import force_locale

from portal.calendar import LOCAL_TZ, add_office_time, office_day, working_days_between
from portal.calendar.queries import overrides
from portal.catalogue.models import STEPS, Unit
from portal.catalogue.queries import organisation
from portal.db import utcnow
from portal.dossiers.workflow import Action, State
from portal.extensions import db
from portal.i18n import format_field_value
from portal.services.mail import external_url

NBSP = "\u00a0"


def _vi(value) -> str:
    """A translatable text in Vietnamese: a lazy string, or a function giving one (an enum's
    `title` is read when called, so it must be called inside)."""
    with force_locale("vi"):
        return str(value() if callable(value) else value)


def _moment(value) -> dict:
    local = value.astimezone(LOCAL_TZ)
    return {"hour": f"{local.hour:02d}", "minute": f"{local.minute:02d}", "date": local.strftime("%d/%m/%Y"),
            "day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": str(local.year)}


def keep_together(text: str, *phrases: str) -> str:
    """Bind the words of each phrase (the place name, "Kon Tum") with no-break spaces, so a
    slip header breaks its line between words that do not belong together."""
    for phrase in phrases:
        words = phrase.split()
        if len(words) > 1:
            pattern = r"\s+".join(re.escape(w) for w in words)
            text = re.sub(pattern, lambda m: NBSP.join(m.group(0).split()), text, flags=re.IGNORECASE)
    return text


def header(dossier) -> dict:
    org = organisation()
    desk = db.session.scalar(db.select(Unit).where(Unit.is_one_stop_desk.is_(True)).order_by(Unit.sort_order))
    place = org.place_name or ""
    return {
        "parent_agency": keep_together(org.parent_agency_vi, place),
        "agency": keep_together(org.name_vi, place),
        "desk": desk.name_vi if desk else org.name_vi,
        "place": place,
        "hotline": org.hotline,
        "code": dossier.code,
        "tracking_url": external_url("public.tracking", code=dossier.code, key=dossier.lookup_key),
        "lookup_key": dossier.lookup_key,
    }


def applicant(dossier) -> dict:
    enterprise, person = dossier.enterprise, dossier.created_by
    return {
        "name": enterprise.name,
        "enterprise_code": enterprise.enterprise_code or "",
        "representative": enterprise.legal_representative,
        "address": enterprise.address,
        "phone": person.phone,
        "email": person.email,
        "submitter": person.full_name,
    }


def signer(user) -> dict:
    """Name and title under a signature: the officer's position, else the role's title."""
    return {"name": user.full_name, "title": user.position or _vi(lambda: user.role.title),
            "unit": user.unit.name_vi if user.unit else "", "phone": user.phone, "email": user.email}


def agency_head() -> dict:
    """Who signs in the agency's name (the apology, a withdrawal notice): from the Board's data."""
    org = organisation()
    return {"name": org.head_name, "title": org.head_title_vi}


def _request_details(dossier) -> list[dict]:
    """The procedure's own fields as filled in: what was asked, amounts grouped the Vietnamese way."""
    version = dossier.version
    with force_locale("vi"):
        return [{"label": spec.get("label_vi") or spec["key"],
                 "value": format_field_value(spec, dossier.field_values.get(spec["key"]))}
                for spec in version.form_fields if dossier.field_values.get(spec["key"]) not in (None, "")]


def _base(dossier, number: str, issued=None) -> dict:
    procedure = dossier.procedure
    return {**header(dossier), "number": number, "issued": _moment(issued or utcnow()),
            "applicant": applicant(dossier), "procedure": procedure.name_vi,
            "procedure_code": procedure.national_code, "handling_unit": dossier.unit.name_vi,
            "details": _request_details(dossier),
            "received": _moment(dossier.received_at) if dossier.received_at else None}


def _reasons(text: str) -> list[str]:
    """Reasons typed one per line (with or without "1." or "-") as a list."""
    lines = [re.sub(r"^\s*(?:\d+[.)]|[-•*])\s*", "", line).strip() for line in (text or "").splitlines()]
    return [line for line in lines if line] or [text.strip()]


def supplement(dossier, number: str, serial: int, request) -> dict:
    return {
        **_base(dossier, number),
        "items": [{"description": item.description, "reason": item.reason,
                   "document": item.required_document.name_vi if item.required_document else ""}
                  for item in request.items],
        "note": request.note,
        "officer": signer(request.requested_by),
        "during_processing": request.origin_state is not State.SUBMITTED,
    }


def refusal(dossier, number: str, serial: int, signed_by, at_reception: bool) -> dict:
    """Form 03: refusal to receive (at the desk) or to settle (after appraisal), every reason listed."""
    return {**_base(dossier, number), "reasons": _reasons(dossier.decision_note),
            "at_reception": at_reception, "signer": signer(signed_by)}


def apology(dossier, number: str, serial: int, original_due, reason: str) -> dict:
    """Form 04: the apology with the new appointment, signed for the agency."""
    return {**_base(dossier, number), "original_due": _moment(original_due), "new_due": _moment(dossier.due_at),
            "reason": reason, "signer": agency_head()}


_STAGES = {
    State.SUBMITTED: "Hồ sơ đã nộp, chưa được tiếp nhận",
    State.RECEIVED: "Hồ sơ đã được tiếp nhận, chờ phân công xử lý",
    State.IN_PROGRESS: "Hồ sơ đang được thẩm định, xử lý",
    State.SUPPLEMENT_REQUESTED: "Hồ sơ đang chờ tổ chức, cá nhân bổ sung",
    State.PENDING_APPROVAL: "Hồ sơ đã được xử lý, đang trình lãnh đạo phê duyệt",
}


def stop(dossier, number: str, serial: int, stage: State, withdrawal: bool, reason: str) -> dict:
    """Form 05: the notice of stopping — what was asked, the stage reached, the decision,
    and who signs it (the approver, or for a withdrawal the agency's head)."""
    if withdrawal:
        decision = "Dừng giải quyết hồ sơ theo đề nghị rút hồ sơ của tổ chức, cá nhân"
        signed_by = agency_head()
    else:
        decision = "Dừng giải quyết hồ sơ"
        signed_by = signer(dossier.decided_by) if dossier.decided_by else agency_head()
    return {**_base(dossier, number), "stage": _STAGES.get(stage) or _vi(lambda: stage.title), "withdrawal": withdrawal,
            "decision": decision, "reason": reason, "signer": signed_by}


def receipt(dossier, number: str, serial: int) -> dict:
    version = dossier.version
    documents = []
    for doc in version.documents:
        files = dossier.files_for(doc)
        if files:
            documents.append({"name": doc.name_vi, "originals": doc.originals, "copies": doc.copies,
                              "files": len(files)})
    extra = [f for f in dossier.files if f.required_document_id is None]
    if extra:
        documents.append({"name": "Tài liệu khác", "originals": 0, "copies": 0, "files": len(extra)})
    received = dossier.received_at
    return {
        **_base(dossier, number, issued=received),
        "documents": documents,
        "sets": version.dossier_sets,
        "time_limit_days": version.time_limit_days,
        "time_limit_kind": version.time_limit_kind.value,
        "time_limit_note": version.time_limit_note_vi,
        "due": _moment(dossier.due_at) if dossier.due_at else None,
        "return_method": dossier.return_method.value,
        "book": {"number": f"01/{dossier.book_year}", "serial": dossier.book_serial},
        "officer": dossier.received_by.full_name,
    }


# --- the process control slip (form 06) ---------------------------------------------------

def step_deadlines(dossier, hours) -> dict[str, object]:
    """When each step of the internal process must be done: the procedure's split of the
    time limit (DOMAIN.md's default: the desk 0.5 working day, the head's assignment 0.5,
    the specialist the rest, the head's review 1 when a leader signs after it, the
    signature 1, the return 0.5), forward from reception and back from the legal due date.
    A limit too short for the fixed steps (3 working days) shrinks them in proportion, so
    that they take half of it and the specialist keeps the other half."""
    if dossier.received_at is None or dossier.legal_due_at is None:
        return {}
    calendar = overrides()
    share = {step: dossier.version.step_share(step) for step in STEPS}
    available = working_days_between(office_day(dossier.received_at, calendar, hours),
                                     dossier.legal_due_at.astimezone(LOCAL_TZ).date(), calendar)
    fixed = sum(share.values())
    if fixed and fixed >= available:
        share = {step: days * available / (2 * fixed) for step, days in share.items()}
    reception = add_office_time(dossier.received_at, share["reception"], calendar, hours)
    assignment = add_office_time(reception, share["assignment"], calendar, hours)
    returned = dossier.legal_due_at
    signature = add_office_time(returned, -share["return"], calendar, hours)
    review = add_office_time(signature, -share["approval"], calendar, hours)
    processing = add_office_time(review, -share["review"], calendar, hours)
    return {"reception": reception, "assignment": assignment, "processing": processing, "review": review,
            "signature": signature, "return": returned}


# Which step each hand-off closes (not graded: the investor's own moves, the apology).
_STEP_OF = {
    Action.RECEIVE: "reception", Action.ASSIGN: "assignment", Action.REASSIGN: "processing",
    Action.REQUEST_SUPPLEMENT: "processing", Action.PROPOSE_RESULT: "processing", Action.PROPOSE_STOP: "processing",
    Action.FORWARD: "review", Action.APPROVE: "signature", Action.DECLINE: "signature", Action.SEND_BACK: "signature",
    Action.RETURN_RESULT: "return",
}


def control_rows(dossier, now) -> list[dict]:
    """One row per hand-off, read from the dossier's events, each graded against the time
    allotted to its step."""
    from portal.accounts.models import Role
    from portal.dossiers.operations import office_hours
    from portal.dossiers.timeliness import classify

    desk = header(dossier)["desk"]
    applicant_name = dossier.enterprise.name
    assignee = dossier.assignee.full_name if dossier.assignee else ""
    leaders = _vi(lambda: Role.BOARD_LEADER.title)
    heads = f"{_vi(lambda: Role.DEPARTMENT_HEAD.title)} ({dossier.unit.name_vi})"
    deadlines = step_deadlines(dossier, office_hours())
    takers = {
        Action.SUBMIT: desk, Action.RECEIVE: dossier.unit.name_vi, Action.REQUEST_SUPPLEMENT: applicant_name,
        Action.REFUSE: applicant_name, Action.FORWARD: leaders, Action.APPROVE: desk, Action.DECLINE: desk,
        Action.SEND_BACK: assignee, Action.RETURN_RESULT: applicant_name, Action.APOLOGIZE: applicant_name,
        Action.WITHDRAW: desk,
    }
    rows = []
    for event in dossier.events:
        if event.action in (Action.ASSIGN, Action.REASSIGN):
            taker = event.note
        elif event.action is Action.RESUBMIT:
            taker = desk if event.to_state is State.SUBMITTED else assignee
        elif event.action in (Action.PROPOSE_RESULT, Action.PROPOSE_STOP):
            taker = heads if _first_reviewer_is_head(dossier) else leaders
        else:
            taker = takers.get(event.action, "")
        actor = event.actor
        giver = applicant_name if actor is None or actor.role is Role.INVESTOR else (
            actor.full_name + (f" ({actor.unit.name_vi})" if actor.unit else ""))
        step = _STEP_OF.get(event.action)
        if event.action is Action.REQUEST_SUPPLEMENT and event.from_state is State.SUBMITTED:
            step = None  # asked at the desk, before reception: no clock yet
        grade = classify(deadlines[step], event.created_at, now).value if step and step in deadlines else ""
        local = _moment(event.created_at)
        rows.append({"giver": giver, "taker": taker, "time": f"{local['hour']}:{local['minute']} {local['date']}",
                     "step_due": _moment(deadlines[step]) if grade else None,
                     # Only what the investor may read: the slip is in the investor's list too.
                     "result": grade, "note": event.public_note})
    return rows


def _first_reviewer_is_head(dossier) -> bool:
    from portal.accounts.models import Role
    from portal.dossiers.workflow import first_signer

    return first_signer(dossier.version.approval_chain) is Role.DEPARTMENT_HEAD


def control(dossier, number: str, serial: int, rows: list[dict]) -> dict:
    decided = dossier.decided_by
    return {**_base(dossier, number),
            "due": _moment(dossier.legal_due_at) if dossier.legal_due_at else None,
            "appointment": _moment(dossier.due_at) if dossier.due_at and dossier.due_at != dossier.legal_due_at
            else None,
            "approver": signer(decided) if decided else None, "rows": rows, "event_count": len(dossier.events)}

