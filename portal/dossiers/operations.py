"""Every change to a dossier, by every actor: the investor's draft, files, submission,
supplements and withdrawal; the desk's reception, refusal and return; the department's
assignment, proposals and decisions; the apology.

Operations take plain data, check the rules, write the event, flush (never commit) and
queue their side effects (mail, slip rendering) for after the commit. Every move goes
through `transition`: the guard of the transition table, then the operation's own
changes, then the event, the flush and the mail that the move declares. A refusal
raises DossierError with a message for the user, before anything is changed.
"""
from __future__ import annotations

import shutil
import tempfile
import uuid
from contextlib import contextmanager
from datetime import datetime, time
from typing import Iterator, Optional

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from portal.accounts.models import Role, User
from portal.calendar import LOCAL_TZ, OfficeHours, due_at, is_working_day, local_today, paused_days, shift
from portal.calendar.queries import overrides
from portal.catalogue import queries as catalogue_queries
from portal.catalogue.models import CertificateEffect, Procedure, ProcedureVersion, RequiredDocument, SupplementClock
from portal.catalogue.queries import organisation
from portal.db import utcnow
from portal.documents import operations as slips
from portal.documents.models import SlipKind
from portal.dossiers import codes, notifications, timeliness, uploads, workflow
from portal.dossiers.models import (
    Channel, Dossier, DossierEvent, DossierFile, DossierNote, FileKind, Outcome, ReturnMethod, ServiceRating, SupplementItem,
    SupplementRequest,
)
from portal.dossiers.workflow import Action, Proposal, State
from portal.extensions import db
from portal.projects import operations as project_ops
from portal.projects.models import Project
from portal.services.storage import CHUNK, Counted, StorageUnavailable, TooLarge, get_storage
from portal.services.unit_of_work import after_commit, on_rollback


class DossierError(Exception):
    """A refused dossier action; `str(exc)` is a message for the user, nothing changed."""


@contextmanager
def transition(dossier: Dossier, action: Action, actor, note: str = "",
               at: Optional[datetime] = None) -> Iterator[None]:
    """The one way a dossier moves. Checks the table's guard before anything changes;
    the caller then makes the move's own changes inside the block; on leaving it the
    event is written with the target state, flushed, and the move's mail queued (so a
    mail states the dossier as it now is: the new date, the decision)."""
    if not workflow.can_apply(dossier, action, actor):
        raise DossierError(_("You cannot do this on this dossier now."))
    from_state, moment = dossier.state, at or utcnow()
    yield
    target = workflow.target_of(dossier, action)
    event = DossierEvent(dossier=dossier, actor=actor, action=action, from_state=from_state, to_state=target,
                         note=(note or "").strip(), created_at=moment)
    dossier.state = target
    if target in GRADED_ENDS and dossier.received_at is not None and dossier.finished_at is not None:
        _fix_grade(dossier)
    db.session.add(event)
    db.session.flush()
    notifications.transition(dossier, event)


# The ends after reception that Decision 766 grades (a refusal at the desk was never received).
GRADED_ENDS = frozenset({State.RESOLVED, State.STOPPED, State.WITHDRAWN})


def _fix_grade(dossier: Dossier) -> None:
    """Grade the dossier once, when it ends: reports then read the stored grade and the
    working days it took, so a closed period's figures stay as they were reported."""
    dossier.grade = timeliness.of_dossier(dossier, dossier.finished_at, overrides(), office_hours())
    dossier.processing_days = timeliness.processing_days(dossier, overrides(), office_hours())


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise DossierError(message)
    return text


def office_hours() -> OfficeHours:
    config = current_app.config
    return OfficeHours(opens=time.fromisoformat(config["OFFICE_OPENS"]),
                       closes=time.fromisoformat(config["OFFICE_CLOSES"]))


# --- the investor's draft ------------------------------------------------------------

def start_dossier(*, user, procedure: Procedure, project: Project) -> Dossier:
    """A new draft for `procedure` on `project`, routed to the procedure's handling unit.

    An adjustment, transfer, re-issue or termination needs a project that holds an
    investment registration certificate: refused here, when the investor starts it.
    """
    if project.enterprise_id not in user.enterprise_ids:
        raise DossierError(_("This project does not belong to your enterprise."))
    version = catalogue_queries.version_in_force(procedure.id, local_today())
    if version is None or not procedure.is_active:
        raise DossierError(_("This procedure is not open for new dossiers."))
    if procedure.requires_certificate and not project.has_certificate:
        raise DossierError(_("This procedure is for a project that already has an investment registration "
                             "certificate. Record the certificate on the project's page first, or choose "
                             "the procedure for a new certificate."))
    dossier = Dossier(
        enterprise_id=project.enterprise_id,
        project=project,
        procedure=procedure,
        version=version,
        unit_id=procedure.unit_id,
        created_by=user,
        field_values=_from_project(version, project),
    )
    db.session.add(dossier)
    db.session.flush()
    return dossier


def _from_project(version, project: Project) -> dict:
    """The dossier's own fields that the project already knows (capital, land area, schedule,
    workforce...), filled in to start with: the investor checks them rather than retypes them."""
    values = {}
    for spec in version.form_fields or ():
        known = getattr(project, spec.get("project_field") or "", None)
        if known not in (None, ""):
            values[spec["key"]] = str(known)
    return values


def save_draft(dossier: Dossier, user, *, field_values: dict, return_method: str) -> None:
    _check_editable(dossier, user)
    known = {spec["key"] for spec in dossier.version.form_fields}
    dossier.field_values = {k: v for k, v in field_values.items() if k in known}
    dossier.return_method = ReturnMethod(return_method)
    db.session.flush()


def add_file(dossier: Dossier, user, document: Optional[RequiredDocument], upload) -> DossierFile:
    """Attach a file to a draft for one of the procedure's documents."""
    _check_editable(dossier, user)
    if document is not None and document.version_id != dossier.version_id:
        raise DossierError(_("This document is not part of the procedure."))
    return store_upload(dossier, user, upload, document=document)


def store_upload(dossier: Dossier, user, upload, *, document: Optional[RequiredDocument] = None,
                 kind: FileKind = FileKind.APPLICATION, item: Optional[SupplementItem] = None) -> DossierFile:
    """Check `upload` and stream it to storage; refused files leave nothing behind."""
    config = current_app.config
    max_file = config["MAX_FILE_MB"] * 1024 * 1024
    room = config["MAX_DOSSIER_MB"] * 1024 * 1024 - dossier.total_size
    try:
        name, key, content_type, stored = save_checked(upload, allowed_extensions(document),
                                                       f"dossiers/{dossier.id}", min(max_file, room))
    except TooLarge:
        if room < max_file:
            raise DossierError(_("The dossier may hold at most %(n)d MB of files in all; this file does not fit.",
                                 n=config["MAX_DOSSIER_MB"])) from None
        raise DossierError(_("The file %(name)s is larger than %(n)d MB.",
                             name=uploads.clean_filename(upload.filename), n=config["MAX_FILE_MB"])) from None
    record = DossierFile(
        dossier=dossier, required_document=document, original_name=name, storage_key=key,
        content_type=content_type, size=stored.size, sha256=stored.sha256, uploaded_by_id=user.id,
        kind=kind, supplement_item_id=item.id if item else None,
    )
    db.session.add(record)
    db.session.flush()
    return record


def save_checked(upload, allowed: list[str], folder: str, max_size: int) -> tuple[str, str, str, object]:
    """Check an uploaded file's name, type and content, stream it under `folder` and open it
    as what it claims to be: (clean name, storage key, content type, stored). A refusal
    (DossierError, or TooLarge past `max_size`) leaves nothing stored; so does a rollback."""
    name = uploads.clean_filename(upload.filename)
    ext = uploads.extension(name)
    if ext not in allowed:
        raise DossierError(_("Files of this type are not accepted. Accepted: %(types)s.",
                             types=", ".join(t.upper() for t in allowed)))
    content_type = uploads.sniff(upload.stream)
    if not content_type:
        raise DossierError(_("The file %(name)s is empty.", name=name))
    if not uploads.content_matches(ext, content_type):
        raise DossierError(_("The content of %(name)s is not a %(ext)s file.", name=name, ext=ext.upper()))
    key = f"{folder}/{uuid.uuid4().hex}.{ext}"
    # Checked in a local scratch copy first: the storage only ever receives a file that
    # passed every check, and a refusal leaves nothing anywhere.
    with tempfile.NamedTemporaryFile(prefix="upload-", suffix=f".{ext}") as scratch:
        size = _spool(upload.stream, scratch, max_size)
        if size == 0:
            raise DossierError(_("The file %(name)s is empty.", name=name))
        _inspect(scratch.name, ext, name)
        scratch.seek(0)
        storage = get_storage()
        try:
            stored = storage.save(key, scratch)
        except StorageUnavailable:
            current_app.logger.exception("storage refused an upload")
            raise DossierError(_("The file %(name)s could not be stored just now. Nothing was saved; "
                                 "please try again in a few minutes.", name=name)) from None
    on_rollback(storage.delete, key)
    return name, key, content_type, stored


def _spool(stream, out, max_size: int) -> int:
    """Copy the upload to `out` in chunks; past `max_size` raise TooLarge (out is discarded)."""
    source = Counted(stream, max_size)
    shutil.copyfileobj(source, out, CHUNK)
    out.flush()
    return source.size


def remove_file(dossier: Dossier, user, record: DossierFile) -> None:
    """Remove a file from a draft; the stored bytes go once the removal is committed."""
    _check_editable(dossier, user)
    dossier.files.remove(record)
    db.session.flush()
    after_commit(get_storage().delete, record.storage_key)


def _inspect(path: str, ext: str, name: str) -> None:
    """Open the uploaded file as what it claims to be, and scan it when a scanner is set."""
    try:
        uploads.check_structure(ext, path,
                                isolated=current_app.config["UPLOAD_CHECK_ISOLATED"])
    except uploads.TooComplex:
        raise DossierError(_("%(name)s is too large or too complex to be checked (at most %(pages)d pages, "
                             "%(pixels)d million pixels an image). Split it or reduce it, then attach it again.",
                             name=name, pages=uploads.MAX_PDF_PAGES,
                             pixels=uploads.MAX_IMAGE_PIXELS // 1_000_000)) from None
    except uploads.BadStructure:
        raise DossierError(_("%(name)s is damaged or is not a real %(ext)s file.", name=name,
                             ext=ext.upper())) from None
    socket_path = current_app.config.get("CLAMD_SOCKET")
    if not socket_path:
        return
    from portal.services.antivirus import ScanUnavailable, scan

    try:
        with open(path, "rb") as handle:
            found = scan(handle, socket_path)
    except ScanUnavailable:
        current_app.logger.error("virus scanner unavailable at %s", socket_path)
        raise DossierError(_("The file could not be checked for viruses just now. Please try again later.")) from None
    if found:
        current_app.logger.warning("upload refused: %s found in %r", found, name)
        raise DossierError(_("%(name)s contains a virus and was not accepted.", name=name))


def missing_items(dossier: Dossier) -> list[str]:
    """Everything that stops the dossier from being submitted, in words for the investor."""
    missing = [
        _("No file for: %(document)s", document=doc.name)
        for doc in dossier.version.documents
        if doc.is_mandatory and not dossier.files_for(doc)
    ]
    for spec in dossier.version.form_fields:
        if spec.get("required") and not str(dossier.field_values.get(spec["key"], "")).strip():
            missing.append(_("Not filled in: %(field)s", field=dossier.version.field_label(spec)))
    return missing


def submit_dossier(dossier: Dossier, user) -> None:
    """File the draft: it gets its code, lookup key and national status 1 (submitted)."""
    if not dossier.can_submit(user):
        raise DossierError(_("This dossier has already been submitted or cannot be submitted by you."))
    if missing_items(dossier):
        raise DossierError(_("The dossier is not complete yet."))
    now = utcnow()
    with transition(dossier, Action.SUBMIT, user, at=now):
        dossier.code = codes.dossier_code(organisation().agency_code, now)
        dossier.lookup_key = codes.lookup_key()
        dossier.submitted_at = now


def withdraw_dossier(dossier: Dossier, user, reason: str) -> None:
    """The investor withdraws the dossier before a result exists (national status 7);
    the desk's notice of stopping, at the applicant's request, is issued."""
    if not dossier.can_withdraw(user):
        raise DossierError(_("This dossier can no longer be withdrawn."))
    reason = _required(reason, _("Please give the reason for withdrawing."))
    now = utcnow()
    stage = dossier.state
    with transition(dossier, Action.WITHDRAW, user, note=reason, at=now):
        dossier.finished_at = now
    slips.issue(dossier, SlipKind.STOP, stage=stage, withdrawal=True, reason=reason)


# --- the one-stop desk ---------------------------------------------------------------

def _enter_in_book(dossier: Dossier, at: datetime) -> None:
    """The dossier's line in the desk's tracking book: numbered once, in the year of entry."""
    year = at.astimezone(LOCAL_TZ).year
    dossier.book_year = year
    dossier.book_serial = codes.next_number("book", str(year))
    dossier.book_entered_at = at


def receive_dossier(dossier: Dossier, officer, at: Optional[datetime] = None, note: str = "",
                    channel: Channel = Channel.ONLINE) -> None:
    """The one-stop desk receives the dossier: reception time, due date, the book and the
    receipt. `channel` records how it reached the Board (online, or a paper dossier brought
    to the desk or posted and entered here), which the service report splits by."""
    if not dossier.can_receive(officer):
        raise DossierError(_("This dossier cannot be received now."))
    now = at or utcnow()
    version = dossier.version
    with transition(dossier, Action.RECEIVE, officer, note=note, at=now):
        dossier.received_at = now
        dossier.received_by = officer
        dossier.channel = Channel(channel)
        if version.time_limit_days:
            dossier.legal_due_at = dossier.due_at = due_at(
                now, version.time_limit_days, version.time_limit_kind.value, overrides(), office_hours())
        _enter_in_book(dossier, now)
    slips.issue(dossier, SlipKind.RECEIPT)


def refuse_dossier(dossier: Dossier, officer, reason: str) -> None:
    """The desk refuses to receive the dossier, with the specific reason (slip 3); the
    refusal has its line in the tracking book."""
    reason = _required(reason, _("Give the specific reason for the refusal."))
    now = utcnow()
    with transition(dossier, Action.REFUSE, officer, note=reason, at=now):
        dossier.finished_at = now
        dossier.decision_note = reason
        _enter_in_book(dossier, now)
    slips.issue(dossier, SlipKind.REFUSAL, signed_by=officer, at_reception=True)


def return_result(dossier: Dossier, officer, handover: str) -> None:
    """The desk hands the result over (status 10), recording how."""
    handover = _required(handover, _("Record how the result was handed over."))
    now = utcnow()
    with transition(dossier, Action.RETURN_RESULT, officer, note=handover, at=now):
        dossier.returned_at = now
        dossier.handover = handover


# --- supplements -----------------------------------------------------------------------

def request_supplement(dossier: Dossier, officer, items: list[dict], note: str = "") -> SupplementRequest:
    """One request listing every missing or wrong item with its reason (slip 2).

    At the desk (status 1) the dossier is not received yet; during processing the clock
    stops until the investor answers. The law allows one request during processing
    (Decision 766): a second is refused unless the procedure allows more, and then it
    makes the dossier late.
    """
    if not workflow.can_apply(dossier, Action.REQUEST_SUPPLEMENT, officer):
        raise DossierError(_("You cannot do this on this dossier now."))
    if dossier.state is State.IN_PROGRESS:
        allowed = dossier.version.processing_supplements
        if len(dossier.processing_supplements) >= allowed:
            raise DossierError(_("A supplement was already requested during processing. The law allows one "
                                 "request listing everything at once; this procedure allows %(n)d.", n=allowed))
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
    documents = {doc.id: doc for doc in dossier.version.documents}
    note = (note or "").strip()
    with transition(dossier, Action.REQUEST_SUPPLEMENT, officer, note=note, at=now):
        request = SupplementRequest(dossier=dossier, requested_by=officer, origin_state=dossier.state,
                                    note=note, created_at=now)
        for position, item in enumerate(cleaned, start=1):
            request.items.append(SupplementItem(position=position, required_document=documents.get(item["document_id"]),
                                                description=item["description"], reason=item["reason"]))
        db.session.add(request)
        dossier.supplement_origin = dossier.state
        if dossier.state is State.IN_PROGRESS:
            dossier.paused_at = now
        if dossier.late_at is None:
            dossier.late_at = timeliness.late_since(dossier, overrides(), office_hours())
    slips.issue(dossier, SlipKind.SUPPLEMENT, request=request)
    return request


def add_supplement_file(dossier: Dossier, user, item: SupplementItem, upload):
    request = dossier.open_supplement
    if (request is None or item.request_id != request.id
            or not workflow.can_apply(dossier, Action.RESUBMIT, user)):
        raise DossierError(_("This dossier is not waiting for a supplement from you."))
    return store_upload(dossier, user, upload, document=item.required_document, kind=FileKind.SUPPLEMENT,
                        item=item)


def resubmit_supplement(dossier: Dossier, user) -> None:
    """Send the supplement back; the dossier returns where it was and the clock resumes,
    the due date moved by the office days the wait took (calendar.due_at)."""
    request = dossier.open_supplement
    if request is None or not workflow.can_apply(dossier, Action.RESUBMIT, user):
        raise DossierError(_("This dossier is not waiting for a supplement from you."))
    answered = {f.supplement_item_id for f in dossier.files if f.kind is FileKind.SUPPLEMENT}
    missing = [item for item in request.items if item.id not in answered]
    if missing:
        raise DossierError(_("Attach at least one file for every item: %(items)s.",
                             items="; ".join(item.description for item in missing)))
    now = utcnow()
    with transition(dossier, Action.RESUBMIT, user, at=now):
        request.answered_at = now
        if dossier.paused_at is not None and dossier.legal_due_at is not None:
            _resume_clock(dossier, now)
        dossier.paused_at = None
    dossier.supplement_origin = None


def _resume_clock(dossier: Dossier, now: datetime) -> None:
    version = dossier.version
    limit, kind = version.time_limit_days, version.time_limit_kind.value
    if version.supplement_clock is SupplementClock.RESTART:
        legal = due_at(now, limit, kind, overrides(), office_hours())
    else:
        waits = [(r.created_at, r.answered_at) for r in dossier.processing_supplements if r.answered_at]
        legal = due_at(dossier.received_at, limit, kind, overrides(), office_hours(), pauses=waits)
    if dossier.apology_issued_at is None:
        dossier.due_at = legal
    else:  # the apology's appointment moves by the same wait
        dossier.due_at = shift(dossier.due_at, paused_days(dossier.paused_at, now, kind, overrides(), office_hours()),
                               kind, overrides())
    dossier.legal_due_at = legal


# --- the department: assignment, processing, decisions -----------------------------------

def assign(dossier: Dossier, head, specialist: Optional[User]) -> None:
    """The head gives the dossier to a specialist of the unit (or to another one)."""
    if (specialist is None or specialist.role is not Role.SPECIALIST or not specialist.is_active
            or specialist.unit_id != dossier.unit_id):
        raise DossierError(_("Choose a specialist of the handling unit."))
    action = Action.REASSIGN if dossier.state is State.IN_PROGRESS else Action.ASSIGN
    if action is Action.REASSIGN and dossier.assignee_id == specialist.id:
        raise DossierError(_("The dossier is already assigned to this specialist."))
    with transition(dossier, action, head, note=specialist.full_name):
        dossier.assignee = specialist


def _propose(dossier: Dossier, specialist, action: Action, proposal: Proposal, note: str, draft=None) -> None:
    with transition(dossier, action, specialist, note=note):
        if proposal is Proposal.RESULT:
            if draft is None or not getattr(draft, "filename", ""):
                raise DossierError(_("Attach the draft result document."))
            store_upload(dossier, specialist, draft, kind=FileKind.DRAFT_RESULT)
        dossier.proposal, dossier.proposal_note = proposal, (note or "").strip()
        dossier.awaiting_signer = workflow.first_signer(dossier.version.approval_chain)


def propose_result(dossier: Dossier, specialist, draft_upload, note: str = "") -> None:
    """The specialist attaches the draft result and sends it to whoever decides first."""
    _propose(dossier, specialist, Action.PROPOSE_RESULT, Proposal.RESULT, note, draft=draft_upload)


def propose_stop(dossier: Dossier, specialist, reason: str) -> None:
    """The specialist proposes to stop processing; whoever signs the procedure's results decides."""
    reason = _required(reason, _("Give the reason for stopping."))
    _propose(dossier, specialist, Action.PROPOSE_STOP, Proposal.STOP, reason)


def forward(dossier: Dossier, head, comment: str) -> None:
    """The department head has reviewed the proposal and forwards it, with a comment, to a
    Board leader, who signs results the head may not sign (an IRC, for instance)."""
    if not workflow.can_apply(dossier, Action.FORWARD, head) and workflow.can_apply(dossier, Action.SEND_BACK, head):
        raise DossierError(_("This proposal is for you to decide, not to forward."))
    comment = _required(comment, _("Give your review comment for the Board leader."))
    with transition(dossier, Action.FORWARD, head, note=comment):
        dossier.awaiting_signer = Role.BOARD_LEADER


def realign_awaited_signers() -> int:
    """After the catalogue changed who signs a procedure: a proposal that waits for someone
    no longer in its procedure's chain goes to the chain's first signer. Three UPDATEs,
    whatever the number of dossiers; returns how many moved."""
    moved = 0
    for chain, (reviewer, signer) in workflow.SIGNERS.items():
        in_chain = [role for role in (reviewer, signer) if role is not None]
        versions = db.select(ProcedureVersion.id).where(ProcedureVersion.approval_chain == chain)
        moved += db.session.execute(
            sa.update(Dossier)
            .where(Dossier.state == State.PENDING_APPROVAL, Dossier.version_id.in_(versions),
                   sa.or_(Dossier.awaiting_signer.is_(None), Dossier.awaiting_signer.not_in(in_chain)))
            .values(awaiting_signer=workflow.first_signer(chain))
            .execution_options(synchronize_session=False)
        ).rowcount
    return moved


def _check_signer(dossier: Dossier, approver, action: Action) -> None:
    """A clear refusal for the head of a procedure whose result a Board leader signs."""
    if (not workflow.can_apply(dossier, action, approver)
            and workflow.can_apply(dossier, Action.FORWARD, approver)):
        raise DossierError(_("The result of this procedure is signed by a Board leader: review it and forward "
                             "it with your comment, or send it back."))


def approve(dossier: Dossier, approver, result_upload=None, irc_number: str = "",
            irc_date=None, note: str = "", amendment_no: Optional[int] = None) -> None:
    """Approve the proposal: the result is ready (status 9), or processing stops (status 8).

    A result that grants, amends, re-issues or ends an investment registration certificate
    adds its entry to the project's certificate record, and a new or amended certificate
    copies what it certifies (capital, land area, schedule) from the dossier's fields.
    """
    _check_signer(dossier, approver, Action.APPROVE)
    stopping = dossier.is_stop_proposal
    now = utcnow()
    decision = dossier.proposal_note if stopping else (note or "").strip()
    stage = dossier.state
    with transition(dossier, Action.APPROVE, approver, note=decision, at=now):
        if not stopping:
            if result_upload is None or not getattr(result_upload, "filename", ""):
                raise DossierError(_("Attach the signed result document."))
            _record_certificate(dossier, approver, irc_number, irc_date, amendment_no)
            store_upload(dossier, approver, result_upload, kind=FileKind.RESULT)
        dossier.outcome = Outcome.STOPPED if stopping else Outcome.APPROVED
        dossier.decided_by = approver
        dossier.decision_note = decision
        dossier.finished_at = now
        dossier.awaiting_signer = None
    if stopping:
        slips.issue(dossier, SlipKind.STOP, stage=stage, withdrawal=False, reason=decision)


def _record_certificate(dossier: Dossier, approver, number: str, issued_on, amendment_no) -> None:
    procedure, project = dossier.procedure, dossier.project
    effect = procedure.certificate_effect
    if effect is CertificateEffect.NONE:
        return
    # The certified values first: the entry records the figures of the certificate it makes.
    if effect is CertificateEffect.ISSUE or effect.is_amendment:
        project_ops.apply_certified_values(project, dossier.version.form_fields, dossier.field_values)
    try:
        project_ops.record_certificate(project, effect, number, issued_on, dossier_id=dossier.id,
                                       recorded_by=approver, amendment_no=amendment_no)
    except project_ops.ProjectError as exc:
        raise DossierError(str(exc)) from None


def decline(dossier: Dossier, approver, reasons: str) -> None:
    """Not approved after appraisal: the result is a written refusal with every reason
    (slip 3, signed by the approver), which the investor downloads; status 9."""
    _check_signer(dossier, approver, Action.DECLINE)
    reasons = _required(reasons, _("Give the reasons for not approving."))
    now = utcnow()
    with transition(dossier, Action.DECLINE, approver, note=reasons, at=now):
        dossier.outcome = Outcome.NOT_APPROVED
        dossier.decided_by = approver
        dossier.decision_note = reasons
        dossier.finished_at = now
        dossier.awaiting_signer = None
    slips.issue(dossier, SlipKind.REFUSAL, signed_by=approver, at_reception=False)


def send_back(dossier: Dossier, approver, comment: str) -> None:
    """Back to the specialist with a comment."""
    comment = _required(comment, _("Say what the specialist should change."))
    with transition(dossier, Action.SEND_BACK, approver, note=comment):
        dossier.proposal, dossier.proposal_note, dossier.awaiting_signer = None, "", None


def add_note(dossier: Dossier, officer, text: str) -> DossierNote:
    """An internal note, seen only by officers."""
    if not dossier.can_add_note(officer):
        raise DossierError(_("You cannot do this on this dossier now."))
    note = DossierNote(dossier=dossier, author=officer, text=_required(text, _("Write the note first.")))
    db.session.add(note)
    db.session.flush()
    return note


# --- late dossiers -------------------------------------------------------------------

def issue_apology(dossier: Dossier, officer, new_due: datetime, reason: str) -> None:
    """The apology and new appointment (slip 4), once per dossier, before the due date
    passes. The new appointment is a working day, within office hours, after the current
    one; the legal due date (which grades the dossier) does not move."""
    if not workflow.can_apply(dossier, Action.APOLOGIZE, officer):
        if dossier.apology_issued_at is not None:
            raise DossierError(_("An apology has already been issued for this dossier; "
                                 "the date can be moved only once."))
        raise DossierError(_("You cannot do this on this dossier now."))
    reason = _required(reason, _("Give the reason for the delay."))
    now = utcnow()
    if dossier.due_at is None:
        raise DossierError(_("This dossier has no due date to move."))
    if now > dossier.due_at:
        raise DossierError(_("The due date has passed: an apology with a new appointment must be issued before it."))
    local, hours = new_due.astimezone(LOCAL_TZ), office_hours()
    if not is_working_day(local.date(), overrides()):
        raise DossierError(_("The new appointment must be on a working day: %(date)s is a day off.",
                             date=local.strftime("%d/%m/%Y")))
    if not hours.opens <= local.time().replace(tzinfo=None) <= hours.closes:
        raise DossierError(_("The new appointment must be within office hours (%(opens)s to %(closes)s).",
                             opens=hours.opens.strftime("%H:%M"), closes=hours.closes.strftime("%H:%M")))
    if new_due <= dossier.due_at:
        raise DossierError(_("The new appointment must be later than the current one (%(due)s).",
                             due=dossier.due_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y")))
    version = dossier.version
    latest = shift(dossier.legal_due_at or dossier.due_at, version.time_limit_days or 0,
                   version.time_limit_kind.value, overrides())
    if new_due.astimezone(LOCAL_TZ).date() > latest.astimezone(LOCAL_TZ).date():
        raise DossierError(_("The new appointment cannot be later than %(date)s: the due date plus the "
                             "procedure's time limit once more.",
                             date=latest.astimezone(LOCAL_TZ).strftime("%d/%m/%Y")))
    original = dossier.due_at
    with transition(dossier, Action.APOLOGIZE, officer, note=reason, at=now):
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


def allowed_extensions(document: Optional[RequiredDocument]) -> list[str]:
    """The file types a document accepts: its own list within the portal's, else the portal's."""
    configured = list(current_app.config["ALLOWED_EXTENSIONS"])
    if document is not None and document.accepted_types:
        narrowed = [t.strip().lower() for t in document.accepted_types.split(",") if t.strip()]
        return [t for t in narrowed if t in configured] or configured
    return configured


def _check_editable(dossier: Dossier, user) -> None:
    if not dossier.can_edit(user):
        raise DossierError(_("A submitted dossier can no longer be changed."))


# --- grades of dossiers that ended before they were stored ------------------------------

def ungraded_after(last_id: int, batch: int) -> list[Dossier]:
    """The next `batch` received dossiers (by id, after `last_id`) that have no stored
    processing time although they ended, or that asked for a supplement during processing
    and have no lateness recorded (migration 0010 found them so)."""
    from sqlalchemy.orm import joinedload, selectinload

    ended = sa.and_(Dossier.state.in_([*GRADED_ENDS, State.RETURNED]), Dossier.finished_at.is_not(None),
                    Dossier.processing_days.is_(None))
    asked = sa.and_(Dossier.late_at.is_(None), Dossier.id.in_(
        sa.select(SupplementRequest.dossier_id).where(SupplementRequest.origin_state != State.SUBMITTED)))
    return list(db.session.scalars(
        sa.select(Dossier)
        .where(Dossier.id > last_id, Dossier.received_at.is_not(None), sa.or_(ended, asked))
        .options(joinedload(Dossier.procedure), selectinload(Dossier.supplement_requests))
        .order_by(Dossier.id).limit(batch)))


def grade_older(dossiers: list[Dossier]) -> int:
    """Store what the portal now fixes as dossiers move (their lateness under Decision 766,
    and for those that ended, their grade and processing time); returns how many ended."""
    ended = 0
    for dossier in dossiers:
        if dossier.late_at is None:
            dossier.late_at = timeliness.late_since(dossier, overrides(), office_hours())
        if dossier.finished_at is not None and dossier.processing_days is None:
            _fix_grade(dossier)
            ended += 1
    db.session.flush()
    return ended


def mark_transfers() -> int:
    """Certificate entries of transfer procedures recorded as plain amendments before the
    catalogue named transfers apart: they become transfers. One UPDATE; returns how many."""
    from portal.projects.models import CertificateEntry

    transfers = (sa.select(Dossier.id).join(Procedure, Procedure.id == Dossier.procedure_id)
                 .where(Procedure.certificate_effect == CertificateEffect.TRANSFER))
    return db.session.execute(
        sa.update(CertificateEntry)
        .where(CertificateEntry.kind == CertificateEffect.AMEND, CertificateEntry.dossier_id.in_(transfers))
        .values(kind=CertificateEffect.TRANSFER).execution_options(synchronize_session=False)).rowcount
