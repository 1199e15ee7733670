"""What only the administration changes: the legal versions of procedures.

(People, enterprises, the organisation and the calendar have their operations in their own
domains, `accounts`, `catalogue` and `calendar`, which the command line shares.)

A new version starts as a draft copied from the one in force; the administrator edits it
(values, documents, the investor's fields) and publishes it with its effective date. A
published version is never edited again: dossiers bound to it keep what they were told.
Publishing ends the version before it on the day before the new one starts, and refuses a
period that would overlap a later published version. Each step validates, audits, flushes.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Optional

from flask import current_app
from flask_babel import gettext as _

from portal.audit import operations as audit
from portal.catalogue.models import (
    STEPS, Procedure, ProcedureVersion, RequiredDocument, TimeLimitKind,
)
from portal.catalogue.operations import FIELD_TYPES, PROJECT_FIELDS
from portal.calendar import local_today
from portal.db import utcnow
from portal.extensions import db

# Columns a new draft copies from the version it starts from.
COPIED = ("legal_basis_vi", "legal_basis_en", "time_limit_days", "time_limit_kind", "time_limit_note_vi",
          "time_limit_note_en", "fee_amount", "fee_vi", "fee_en", "result_vi", "result_en", "online_level",
          "supplement_clock", "approval_chain", "processing_supplements", "step_days", "form_fields",
          "dossier_sets", "verify")
# What the version's form changes.
EDITABLE = tuple(name for name in COPIED if name not in ("step_days", "form_fields")) + ("effective_to",)
DOCUMENT_FIELDS = ("name_vi", "name_en", "note_vi", "note_en", "is_mandatory", "originals", "copies",
                   "accepted_types")
BLANK_FORM_TYPES = ["pdf", "docx", "doc", "xlsx"]


class VersionError(Exception):
    """A refused change; `field` names the form field it concerns (empty: the whole page)."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field



def _draft_only(version: ProcedureVersion) -> None:
    if version.is_published:
        raise VersionError(_("A published version cannot be changed: dossiers rely on it. Create a new version."))


def _touch(version: ProcedureVersion, action: str, actor, detail: str) -> None:
    version.edited_at = utcnow()
    audit.record(f"catalogue.version_{action}", actor=actor,
                 target=f"{version.procedure.code} v{version.number}", detail=detail)
    db.session.flush()


def new_draft(procedure: Procedure, actor) -> ProcedureVersion:
    """A draft copied from the version in force today (or the latest published one), with its
    documents; its dates are left for publishing."""
    if any(not v.is_published for v in procedure.versions):
        raise VersionError(_("This procedure already has a draft version: finish or discard it first."))
    published = [v for v in procedure.versions if v.is_published]
    source = procedure.version_on(local_today()) or (published[-1] if published else None)
    if source is None:
        raise VersionError(_("This procedure has no published version to start from."))
    draft = ProcedureVersion(number=max(v.number for v in procedure.versions) + 1,
                             **{name: getattr(source, name) for name in COPIED})
    draft.step_days, draft.form_fields, draft.verify = dict(source.step_days or {}), \
        [dict(spec) for spec in source.form_fields or ()], list(source.verify or ())
    for doc in source.documents:
        draft.documents.append(RequiredDocument(position=doc.position, blank_form_key=doc.blank_form_key,
                                                blank_form_name=doc.blank_form_name,
                                                **{name: getattr(doc, name) for name in DOCUMENT_FIELDS}))
    procedure.versions.append(draft)
    _touch(draft, "drafted", actor, f"from version {source.number}")
    return draft


def edit_draft(version: ProcedureVersion, values: dict, actor) -> list[str]:
    """Change a draft's values; the time limit, when there is one, is at least a day and
    leaves the specialist part of it after the fixed steps."""
    _draft_only(version)
    days = values.get("time_limit_days")
    if days is not None and days < 1:
        raise VersionError(_("The time limit is at least 1 day; leave it empty when the law sets none."),
                           "time_limit_days")
    step_days = {step: float(values[f"step_{step}"]) for step in STEPS if values.get(f"step_{step}") is not None}
    kind = values.get("time_limit_kind", version.time_limit_kind)
    if step_days and days and TimeLimitKind(kind).is_working_days and sum(step_days.values()) >= days:
        raise VersionError(_("The steps take %(steps)s of the %(days)d working days: leave the specialist some.",
                             steps=f"{sum(step_days.values()):g}", days=days), "step_approval")
    changed = [name for name in EDITABLE if name in values and getattr(version, name) != values[name]]
    for name in changed:
        setattr(version, name, values[name])
    if step_days != (version.step_days or {}):
        version.step_days = step_days
        changed.append("step_days")
    if changed:
        _touch(version, "edited", actor, ", ".join(changed))
    return changed


def save_document(version: ProcedureVersion, document: Optional[RequiredDocument], values: dict, position: int,
                  actor, blank_form=None) -> RequiredDocument:
    """Add or change a document of a draft, at `position` in the list (the others move)."""
    _draft_only(version)
    if document is None:
        document = RequiredDocument()
        version.documents.append(document)
    for name in DOCUMENT_FIELDS:
        if name in values:
            setattr(document, name, values[name])
    if blank_form is not None and blank_form.filename:
        _attach_blank_form(document, blank_form)
    elif values.get("remove_blank_form"):
        document.blank_form_key = document.blank_form_name = ""
    _reorder(version, document, position)
    _touch(version, "document_saved", actor, f"{document.position}. {document.name_vi}")
    return document


def remove_document(version: ProcedureVersion, document: RequiredDocument, actor) -> None:
    _draft_only(version)
    version.documents.remove(document)
    _reorder(version, None, 0)
    _touch(version, "document_removed", actor, document.name_vi)


def _reorder(version: ProcedureVersion, moved: Optional[RequiredDocument], position: int) -> None:
    """Number the documents 1..n, `moved` at `position` (two flushes: the positions are unique)."""
    ordered = [d for d in sorted(version.documents, key=lambda d: (d.position or 10**6, d.id or 10**6))
               if d is not moved]
    if moved is not None:
        ordered.insert(max(0, min(position - 1, len(ordered))), moved)
    for offset, doc in enumerate(ordered, start=1):
        doc.position = -offset
    db.session.flush()
    for doc in ordered:
        doc.position = -doc.position
    version.documents.sort(key=lambda d: d.position)


def _attach_blank_form(document: RequiredDocument, upload) -> None:
    from portal.dossiers.operations import DossierError, save_checked
    from portal.services.storage import TooLarge

    limit = current_app.config["MAX_FILE_MB"] * 1024 * 1024
    try:
        name, key, _type, _stored = save_checked(upload, BLANK_FORM_TYPES, "forms", limit)
    except TooLarge:
        raise VersionError(_("The file is larger than %(n)d MB.", n=current_app.config["MAX_FILE_MB"]),
                           "blank_form") from None
    except DossierError as exc:
        raise VersionError(str(exc), "blank_form") from None
    document.blank_form_key, document.blank_form_name = key, name


def save_field(version: ProcedureVersion, index: Optional[int], spec: dict, actor) -> None:
    """Add (index None) or change one of the investor's own fields of a draft; its key is
    unique in the version (the dossier keeps values under it)."""
    _draft_only(version)
    fields = [dict(f) for f in version.form_fields or ()]
    others = [f["key"] for i, f in enumerate(fields) if i != index]
    if spec["key"] in others:
        raise VersionError(_("Another field already has the key %(key)s.", key=spec["key"]), "key")
    if spec.get("type") not in FIELD_TYPES or spec.get("project_field") not in (None, "", *PROJECT_FIELDS):
        raise VersionError(_("Choose the kind of field."), "type")
    clean = {k: v for k, v in spec.items() if v not in (None, "")} | {"required": bool(spec.get("required"))}
    if index is None:
        fields.append(clean)
    else:
        fields[index] = clean
    version.form_fields = fields
    _touch(version, "field_saved", actor, spec["key"])


def remove_field(version: ProcedureVersion, index: int, actor) -> None:
    _draft_only(version)
    fields = [dict(f) for f in version.form_fields or ()]
    removed = fields.pop(index)
    version.form_fields = fields
    _touch(version, "field_removed", actor, removed["key"])


def publish(version: ProcedureVersion, effective_from: Optional[date], effective_to: Optional[date],
            actor) -> Optional[ProcedureVersion]:
    """Publish a draft in force from `effective_from` (today or later). The version before
    it ends the day before; a later published version must start after this one ends.
    Returns the version that was ended, if one was."""
    _draft_only(version)
    if effective_from is None:
        raise VersionError(_("Give the date the version takes effect."), "effective_from")
    if effective_from < local_today():
        raise VersionError(_("A version takes effect today or later: dossiers already started keep theirs."),
                           "effective_from")
    if effective_to is not None and effective_to < effective_from:
        raise VersionError(_("The end comes before the start."), "effective_to")
    documents = [{"is_mandatory": d.is_mandatory} for d in version.documents]
    if version.time_limit_days is not None and version.time_limit_days < 1:
        raise VersionError(_("The time limit is at least 1 day; leave it empty when the law sets none."))
    if not any(d["is_mandatory"] for d in documents):
        raise VersionError(_("A version needs at least one mandatory document."))
    published = [v for v in version.procedure.versions if v.is_published]
    for later in (v for v in published if v.effective_from >= effective_from):
        if effective_to is None or effective_to >= later.effective_from:
            raise VersionError(_("Version %(n)d is published from %(date)s: this one must end before that day.",
                               n=later.number, date=later.effective_from.strftime("%d/%m/%Y")), "effective_to")
    earlier = [v for v in published if v.effective_from < effective_from]
    ended = max(earlier, key=lambda v: v.effective_from, default=None)
    if ended is not None and (ended.effective_to is None or ended.effective_to >= effective_from):
        ended.effective_to = effective_from - timedelta(days=1)
        _touch(ended, "ended", actor, f"until {ended.effective_to:%d/%m/%Y}, replaced by version {version.number}")
    else:
        ended = None
    version.effective_from, version.effective_to = effective_from, effective_to
    version.published_at = utcnow()
    _touch(version, "published", actor, f"from {effective_from:%d/%m/%Y}"
           + (f" to {effective_to:%d/%m/%Y}" if effective_to else ""))
    return ended


def discard(version: ProcedureVersion, actor) -> None:
    _draft_only(version)
    audit.record("catalogue.version_discarded", actor=actor, target=f"{version.procedure.code} v{version.number}")
    version.procedure.versions.remove(version)
    db.session.flush()
