"""The plain data printed on each kind of slip, taken from a dossier when it is issued."""
from __future__ import annotations

from portal.calendar import LOCAL_TZ
from portal.catalogue.models import Unit
from portal.catalogue.queries import organisation
from portal.db import utcnow
from portal.extensions import db
from portal.services.mail import external_url


def _moment(value) -> dict:
    local = value.astimezone(LOCAL_TZ)
    return {"hour": f"{local.hour:02d}", "minute": f"{local.minute:02d}", "date": local.strftime("%d/%m/%Y"),
            "day": f"{local.day:02d}", "month": f"{local.month:02d}", "year": str(local.year)}


def header(dossier) -> dict:
    org = organisation()
    desk = db.session.scalar(db.select(Unit).where(Unit.is_one_stop_desk.is_(True)).order_by(Unit.sort_order))
    return {
        "parent_agency": org.parent_agency_vi,
        "agency": org.name_vi,
        "desk": desk.name_vi if desk else org.name_vi,
        "place": org.place_name,
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


def _base(dossier, number: str, issued=None) -> dict:
    return {**header(dossier), "number": number, "issued": _moment(issued or utcnow()),
            "applicant": applicant(dossier), "procedure": dossier.procedure.name_vi,
            "handling_unit": dossier.unit.name_vi}


def _officer(user) -> dict:
    return {"name": user.full_name, "unit": user.unit.name_vi if user.unit else "", "phone": user.phone,
            "email": user.email}


def supplement(dossier, number: str, serial: int, request) -> dict:
    return {
        **_base(dossier, number),
        "received": _moment(dossier.received_at) if dossier.received_at else None,
        "items": [{"description": item.description, "reason": item.reason,
                   "document": item.required_document.name_vi if item.required_document else ""}
                  for item in request.items],
        "note": request.note,
        "officer": _officer(request.requested_by),
        "during_processing": request.origin_state.value != "submitted",
    }


def refusal(dossier, number: str, serial: int) -> dict:
    return {**_base(dossier, number), "reason": dossier.decision_note,
            "officer": _officer(dossier.events[-1].actor)}


def apology(dossier, number: str, serial: int, original_due, reason: str) -> dict:
    return {**_base(dossier, number), "received": _moment(dossier.received_at),
            "original_due": _moment(original_due), "new_due": _moment(dossier.due_at), "reason": reason}


def stop(dossier, number: str, serial: int) -> dict:
    return {**_base(dossier, number), "received": _moment(dossier.received_at), "reason": dossier.decision_note,
            "decided_by": dossier.decided_by.full_name if dossier.decided_by else ""}


def control(dossier, number: str, serial: int, rows: list[dict]) -> dict:
    return {**_base(dossier, number), "received": _moment(dossier.received_at) if dossier.received_at else None,
            "due": _moment(dossier.due_at) if dossier.due_at else None, "rows": rows,
            "event_count": len(dossier.events)}


def receipt(dossier, number: str, serial: int) -> dict:
    procedure = dossier.procedure
    documents = []
    for doc in procedure.documents:
        files = dossier.files_for(doc)
        if files:
            documents.append({"name": doc.name_vi, "originals": doc.originals, "copies": doc.copies,
                              "files": len(files)})
    extra = [f for f in dossier.files if f.required_document_id is None]
    if extra:
        documents.append({"name": "Tài liệu khác", "originals": 0, "copies": 0, "files": len(extra)})
    received = dossier.received_at
    return {
        **header(dossier),
        "number": number,
        "issued": _moment(received),
        "applicant": applicant(dossier),
        "procedure": procedure.name_vi,
        "handling_unit": dossier.unit.name_vi,
        "documents": documents,
        "sets": procedure.dossier_sets,
        "time_limit_days": procedure.time_limit_days,
        "time_limit_kind": procedure.time_limit_kind.value,
        "time_limit_note": procedure.time_limit_note_vi,
        "received": _moment(received),
        "due": _moment(dossier.due_at) if dossier.due_at else None,
        "return_method": dossier.return_method.value,
        "book": {"number": f"01/{_moment(received)['year']}", "serial": serial},
        "officer": dossier.received_by.full_name,
    }


def control_rows(dossier, now) -> list[dict]:
    """One row per hand-off, read from the dossier's events (the slip is built from them)."""
    from portal.dossiers.timeliness import classify

    desk = header(dossier)["desk"]
    applicant_name = dossier.enterprise.name
    assignee = dossier.assignee.full_name if dossier.assignee else ""
    takers = {
        "submit": desk, "receive": dossier.unit.name_vi, "request_supplement": applicant_name,
        "refuse": applicant_name, "propose_result": "Lãnh đạo phê duyệt", "propose_stop": "Lãnh đạo phê duyệt",
        "approve": desk, "decline": desk, "send_back": assignee, "return_result": applicant_name,
        "apologize": applicant_name, "withdraw": desk,
    }
    rows = []
    for event in dossier.events:
        if event.action in ("assign", "reassign"):
            taker = event.note
        elif event.action == "resubmit":
            taker = desk if event.to_state.value == "submitted" else assignee
        else:
            taker = takers.get(event.action, "")
        actor = event.actor
        giver = applicant_name if actor is None or actor.role.value == "investor" else (
            actor.full_name + (f" ({actor.unit.name_vi})" if actor.unit else ""))
        result = ""
        if dossier.received_at and event.created_at >= dossier.received_at and dossier.due_at:
            result = classify(dossier.due_at, event.created_at, now).value
        local = _moment(event.created_at)
        rows.append({"giver": giver, "taker": taker, "time": f"{local['hour']}:{local['minute']} {local['date']}",
                     # Only what the investor may read: the slip is in the investor's list too.
                     "result": result, "note": event.public_note})
    return rows
