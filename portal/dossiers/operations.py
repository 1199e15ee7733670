"""Every change to a dossier: start, edit the draft, attach files, submit, receive, withdraw.

Operations take plain data, check the guards, write the event, flush (never commit)
and queue their side effects (mail, slip rendering) for after the commit.
"""
from __future__ import annotations

import uuid
from datetime import datetime, time
from typing import Optional

from flask import current_app
from flask_babel import gettext as _

from portal.calendar import OfficeHours
from portal.calendar import due_at as compute_due_at
from portal.calendar.queries import overrides
from portal.catalogue.models import Procedure, RequiredDocument
from portal.catalogue.queries import organisation
from portal.db import utcnow
from portal.documents import operations as slips
from portal.documents.models import SlipKind
from portal.dossiers import codes, notifications, uploads, workflow
from portal.dossiers.models import Dossier, DossierFile, FileKind, ReturnMethod, SupplementItem
from portal.dossiers.workflow import Action, State
from portal.extensions import db
from portal.projects.models import Project
from portal.services.storage import TooLarge, get_storage
from portal.services.unit_of_work import on_rollback


class DossierError(Exception):
    """A refused dossier action; `str(exc)` is a message for the user, nothing changed."""


def start_dossier(*, user, procedure: Procedure, project: Project) -> Dossier:
    """A new draft for `procedure` on `project`, routed to the procedure's handling unit."""
    if project.enterprise_id not in user.enterprise_ids:
        raise DossierError(_("This project does not belong to your enterprise."))
    if not procedure.is_in_force(utcnow().date()):
        raise DossierError(_("This procedure is not open for new dossiers."))
    dossier = Dossier(
        enterprise_id=project.enterprise_id,
        project=project,
        procedure=procedure,
        unit_id=procedure.unit_id,
        created_by=user,
        field_values={},
    )
    db.session.add(dossier)
    db.session.flush()
    return dossier


def save_draft(dossier: Dossier, user, *, field_values: dict, return_method: str) -> None:
    _check_editable(dossier, user)
    known = {spec["key"] for spec in dossier.procedure.form_fields}
    dossier.field_values = {k: v for k, v in field_values.items() if k in known}
    dossier.return_method = ReturnMethod(return_method)
    db.session.flush()


def add_file(dossier: Dossier, user, document: Optional[RequiredDocument], upload) -> DossierFile:
    """Attach a file to a draft for one of the procedure's documents."""
    _check_editable(dossier, user)
    if document is not None and document.procedure_id != dossier.procedure_id:
        raise DossierError(_("This document is not part of the procedure."))
    return store_upload(dossier, user, upload, document=document)


def store_upload(dossier: Dossier, user, upload, *, document: Optional[RequiredDocument] = None,
                 kind: FileKind = FileKind.APPLICATION, item: Optional[SupplementItem] = None) -> DossierFile:
    """Check `upload` and stream it to storage; refused files leave nothing behind."""
    config = current_app.config
    name = uploads.clean_filename(upload.filename)
    ext = uploads.extension(name)
    allowed = _allowed_extensions(document)
    if ext not in allowed:
        raise DossierError(_("Files of this type are not accepted. Accepted: %(types)s.",
                             types=", ".join(t.upper() for t in allowed)))
    content_type = uploads.sniff(upload.stream)
    if not content_type:
        raise DossierError(_("The file %(name)s is empty.", name=name))
    if not uploads.content_matches(ext, content_type):
        raise DossierError(_("The content of %(name)s is not a %(ext)s file.", name=name, ext=ext.upper()))

    max_file = config["MAX_FILE_MB"] * 1024 * 1024
    room = config["MAX_DOSSIER_MB"] * 1024 * 1024 - dossier.total_size
    storage = get_storage()
    key = f"dossiers/{dossier.id}/{uuid.uuid4().hex}.{ext}"
    try:
        stored = storage.save(key, upload.stream, max_size=min(max_file, room))
    except TooLarge:
        if room < max_file:
            raise DossierError(_("The dossier may hold at most %(n)d MB of files in all; this file does not fit.",
                                 n=config["MAX_DOSSIER_MB"])) from None
        raise DossierError(_("The file %(name)s is larger than %(n)d MB.", name=name,
                             n=config["MAX_FILE_MB"])) from None
    on_rollback(storage.delete, key)
    if stored.size == 0:
        storage.delete(key)
        raise DossierError(_("The file %(name)s is empty.", name=name))
    _inspect_stored(storage, key, ext, name)
    record = DossierFile(
        dossier=dossier, required_document=document, original_name=name, storage_key=key,
        content_type=content_type, size=stored.size, sha256=stored.sha256, uploaded_by_id=user.id,
        kind=kind, supplement_item_id=item.id if item else None,
    )
    db.session.add(record)
    db.session.flush()
    return record


def remove_file(dossier: Dossier, user, record: DossierFile) -> None:
    """Remove a file from a draft; the stored bytes go once the removal is committed."""
    from portal.services.unit_of_work import after_commit

    _check_editable(dossier, user)
    dossier.files.remove(record)
    db.session.flush()
    after_commit(get_storage().delete, record.storage_key)


def _inspect_stored(storage, key: str, ext: str, name: str) -> None:
    """Open the stored file as what it claims to be, and scan it when a scanner is set."""
    try:
        uploads.check_structure(ext, storage.local_path(key))
    except uploads.BadStructure:
        storage.delete(key)
        raise DossierError(_("%(name)s is damaged or is not a real %(ext)s file.", name=name,
                             ext=ext.upper())) from None
    socket_path = current_app.config.get("CLAMD_SOCKET")
    if not socket_path:
        return
    from portal.services.antivirus import ScanUnavailable, scan

    try:
        with storage.open(key) as handle:
            found = scan(handle, socket_path)
    except ScanUnavailable:
        current_app.logger.error("virus scanner unavailable at %s", socket_path)
        storage.delete(key)
        raise DossierError(_("The file could not be checked for viruses just now. Please try again later.")) from None
    if found:
        storage.delete(key)
        current_app.logger.warning("upload refused: %s found in %r", found, name)
        raise DossierError(_("%(name)s contains a virus and was not accepted.", name=name))


def missing_items(dossier: Dossier) -> list[str]:
    """Everything that stops the dossier from being submitted, in words for the investor."""
    missing = [
        _("No file for: %(document)s", document=doc.name)
        for doc in dossier.procedure.documents
        if doc.is_mandatory and not dossier.files_for(doc)
    ]
    for spec in dossier.procedure.form_fields:
        if spec.get("required") and not str(dossier.field_values.get(spec["key"], "")).strip():
            missing.append(_("Not filled in: %(field)s", field=dossier.procedure.field_label(spec)))
    return missing


def submit_dossier(dossier: Dossier, user) -> None:
    """File the draft: it gets its code, lookup key and national status 1 (submitted)."""
    if not dossier.can_submit(user):
        raise DossierError(_("This dossier has already been submitted or cannot be submitted by you."))
    missing = missing_items(dossier)
    if missing:
        raise DossierError(_("The dossier is not complete yet."))
    now = utcnow()
    org = organisation()
    dossier.code = codes.dossier_code(org.agency_code, now)
    dossier.lookup_key = codes.lookup_key()
    dossier.submitted_at = now
    workflow.apply(dossier, Action.SUBMIT, user, at=now)
    db.session.flush()
    notifications.submitted(dossier)


def receive_dossier(dossier: Dossier, officer, at: Optional[datetime] = None, note: str = "") -> None:
    """The one-stop desk receives the dossier: reception time, due date and the receipt."""
    if not dossier.can_receive(officer):
        raise DossierError(_("This dossier cannot be received now."))
    now = at or utcnow()
    procedure = dossier.procedure
    dossier.received_at = now
    dossier.received_by = officer
    if procedure.time_limit_days:
        dossier.due_at = compute_due_at(now, procedure.time_limit_days, procedure.time_limit_kind.value,
                                        overrides(), office_hours())
    workflow.apply(dossier, Action.RECEIVE, officer, note=note, at=now)
    db.session.flush()
    slips.issue(dossier, SlipKind.RECEIPT)
    notifications.received(dossier)


def withdraw_dossier(dossier: Dossier, user, reason: str) -> None:
    """The investor withdraws the dossier before a result exists (national status 7)."""
    if not dossier.can_withdraw(user):
        raise DossierError(_("This dossier can no longer be withdrawn."))
    if not reason.strip():
        raise DossierError(_("Please give the reason for withdrawing."))
    now = utcnow()
    workflow.apply(dossier, Action.WITHDRAW, user, note=reason.strip(), at=now)
    dossier.finished_at = now
    db.session.flush()
    notifications.withdrawn(dossier)


def office_hours() -> OfficeHours:
    config = current_app.config
    return OfficeHours(opens=time.fromisoformat(config["OFFICE_OPENS"]),
                       closes=time.fromisoformat(config["OFFICE_CLOSES"]))


def _allowed_extensions(document: Optional[RequiredDocument]) -> list[str]:
    configured = list(current_app.config["ALLOWED_EXTENSIONS"])
    if document is not None and document.accepted_types:
        narrowed = [t.strip().lower() for t in document.accepted_types.split(",") if t.strip()]
        return [t for t in narrowed if t in configured] or configured
    return configured


def _check_editable(dossier: Dossier, user) -> None:
    if not dossier.can_edit(user):
        raise DossierError(_("A submitted dossier can no longer be changed."))
