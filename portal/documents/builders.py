"""The plain data printed on each kind of slip, taken from a dossier when it is issued."""
from __future__ import annotations

from portal.calendar import LOCAL_TZ
from portal.catalogue.models import Unit
from portal.catalogue.queries import organisation
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
