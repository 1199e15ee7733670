"""The officers' workspace: queues by role, the dossier page with its actions, the book."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forms import officer as forms
from portal.accounts.models import OFFICER_ROLES, Role
from portal.audit import operations as audit
from portal.calendar import LOCAL_TZ
from portal.calendar.queries import overrides
from portal.db import utcnow
from portal.documents import operations as slips
from portal.documents import queries as slip_queries
from portal.documents.builders import control_rows
from portal.documents.models import SlipKind
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.operations import DossierError
from portal.dossiers.timeliness import of_dossier
from portal.dossiers.workflow import State
from portal.services.storage import get_storage
from portal.web import attempt, roles_required

bp = Blueprint("officer", __name__, url_prefix="/officer")
officers_only = roles_required(*OFFICER_ROLES)

HOME = {Role.DESK_OFFICER: "officer.desk", Role.DEPARTMENT_HEAD: "officer.unit",
        Role.SPECIALIST: "officer.mine", Role.BOARD_LEADER: "officer.approvals"}


@bp.get("/")
@officers_only
def index():
    return redirect(url_for(HOME[current_user.role]))


@bp.get("/desk")
@roles_required(Role.DESK_OFFICER)
def desk():
    return render_template("officer/desk.html", lists=queries.desk_queue(current_user), now=utcnow())


@bp.get("/unit")
@roles_required(Role.DEPARTMENT_HEAD)
def unit():
    now = utcnow()
    return render_template("officer/unit.html", lists=queries.unit_queue(current_user), now=now,
                           loads=queries.specialist_loads(current_user.unit_id, now))


@bp.get("/mine")
@roles_required(Role.SPECIALIST)
def mine():
    return render_template("officer/mine.html", lists=queries.specialist_queue(current_user), now=utcnow())


@bp.get("/approvals")
@roles_required(Role.DEPARTMENT_HEAD, Role.BOARD_LEADER)
def approvals():
    return render_template("officer/approvals.html", dossiers=queries.approvals_queue(current_user), now=utcnow())


# --- one dossier ------------------------------------------------------------------------

def _load(dossier_id: int):
    return queries.dossier_for(current_user, dossier_id) or abort(404)


def _forms(dossier, **given) -> dict:
    documents = dossier.procedure.documents
    built = {
        "receive": forms.ActionForm(prefix="receive"),
        "supplement": forms.SupplementForm(documents, formdata=None),
        "refuse": forms.RefuseForm(formdata=None),
        "assign": forms.AssignForm(queries.specialists_of(dossier.unit_id), formdata=None),
        "propose": forms.ProposeResultForm(formdata=None),
        "stop": forms.ProposeStopForm(formdata=None),
        "approve": forms.ApproveForm(formdata=None, irc_number=dossier.project.certificate_number),
        "forward": forms.ForwardForm(formdata=None),
        "decline": forms.DeclineForm(formdata=None),
        "back": forms.SendBackForm(formdata=None),
        "return_": forms.ReturnForm(formdata=None, handover=dossier.return_method.title),
        "apology": forms.ApologyForm(formdata=None),
        "note": forms.NoteForm(formdata=None),
        "control": forms.ActionForm(prefix="control"),
    }
    built.update(given)
    return built


def _page(dossier, status: int = 200, **given):
    now = utcnow()
    return render_template(
        "officer/dossier.html", dossier=dossier, forms=_forms(dossier, **given), now=now,
        timeliness=of_dossier(dossier, now, overrides()), slips=slip_queries.slips_of(dossier),
    ), status


@bp.get("/dossiers/<int:dossier_id>")
@officers_only
def dossier(dossier_id: int):
    return _page(_load(dossier_id))[0]


def _act(dossier_id: int, name: str, form, run, done: str):
    """Validate the action's form, run the operation, or show the page again with what was typed."""
    dossier = _load(dossier_id)
    if form.validate_on_submit() and attempt(lambda: run(dossier, form), DossierError):
        flash(done, "success")
        return redirect(url_for("officer.dossier", dossier_id=dossier.id))
    return _page(dossier, 200, **{name: form})


@bp.post("/dossiers/<int:dossier_id>/receive")
@roles_required(Role.DESK_OFFICER)
def receive(dossier_id: int):
    return _act(dossier_id, "receive", forms.ActionForm(prefix="receive"),
                lambda d, f: ops.receive_dossier(d, current_user), _("The dossier has been received; the receipt is issued."))


@bp.post("/dossiers/<int:dossier_id>/supplement")
@officers_only
def supplement(dossier_id: int):
    dossier = _load(dossier_id)
    return _act(dossier_id, "supplement", forms.SupplementForm(dossier.procedure.documents),
                lambda d, f: ops.request_supplement(d, current_user, f.item_data, f.note.data),
                _("The supplement request has been sent to the investor."))


@bp.post("/dossiers/<int:dossier_id>/refuse")
@roles_required(Role.DESK_OFFICER)
def refuse(dossier_id: int):
    return _act(dossier_id, "refuse", forms.RefuseForm(),
                lambda d, f: ops.refuse_dossier(d, current_user, f.reason.data),
                _("The dossier has been refused; the refusal slip is issued."))


@bp.post("/dossiers/<int:dossier_id>/assign")
@roles_required(Role.DEPARTMENT_HEAD)
def assign(dossier_id: int):
    dossier = _load(dossier_id)
    specialists = {s.id: s for s in queries.specialists_of(dossier.unit_id)}
    return _act(dossier_id, "assign", forms.AssignForm(specialists.values()),
                lambda d, f: ops.assign(d, current_user, specialists.get(f.specialist.data)),
                _("The dossier has been assigned."))


@bp.post("/dossiers/<int:dossier_id>/propose-result")
@roles_required(Role.SPECIALIST)
def propose_result(dossier_id: int):
    return _act(dossier_id, "propose", forms.ProposeResultForm(),
                lambda d, f: ops.propose_result(d, current_user, f.draft.data, f.note.data),
                _("The draft result has been sent for approval."))


@bp.post("/dossiers/<int:dossier_id>/propose-stop")
@roles_required(Role.SPECIALIST)
def propose_stop(dossier_id: int):
    return _act(dossier_id, "stop", forms.ProposeStopForm(),
                lambda d, f: ops.propose_stop(d, current_user, f.reason.data),
                _("The proposal to stop has been sent for approval."))


@bp.post("/dossiers/<int:dossier_id>/approve")
@roles_required(Role.DEPARTMENT_HEAD, Role.BOARD_LEADER)
def approve(dossier_id: int):
    return _act(dossier_id, "approve", forms.ApproveForm(),
                lambda d, f: ops.approve(d, current_user, f.result.data, f.irc_number.data, f.irc_date.data,
                                                f.note.data),
                _("Approved."))


@bp.post("/dossiers/<int:dossier_id>/forward")
@roles_required(Role.DEPARTMENT_HEAD)
def forward(dossier_id: int):
    return _act(dossier_id, "forward", forms.ForwardForm(),
                lambda d, f: ops.forward(d, current_user, f.comment.data),
                _("The proposal has been forwarded to the Board leaders."))


@bp.post("/dossiers/<int:dossier_id>/decline")
@roles_required(Role.DEPARTMENT_HEAD, Role.BOARD_LEADER)
def decline(dossier_id: int):
    return _act(dossier_id, "decline", forms.DeclineForm(),
                lambda d, f: ops.decline(d, current_user, f.reasons.data), _("Recorded as not approved."))


@bp.post("/dossiers/<int:dossier_id>/send-back")
@roles_required(Role.DEPARTMENT_HEAD, Role.BOARD_LEADER)
def send_back(dossier_id: int):
    return _act(dossier_id, "back", forms.SendBackForm(),
                lambda d, f: ops.send_back(d, current_user, f.comment.data),
                _("The dossier has been sent back to the specialist."))


@bp.post("/dossiers/<int:dossier_id>/return")
@roles_required(Role.DESK_OFFICER)
def return_result(dossier_id: int):
    return _act(dossier_id, "return_", forms.ReturnForm(),
                lambda d, f: ops.return_result(d, current_user, f.handover.data),
                _("The return of the result has been recorded."))


@bp.post("/dossiers/<int:dossier_id>/apology")
@officers_only
def apology(dossier_id: int):
    def run(d, f):
        new_due = datetime.combine(f.new_date.data, f.new_time.data or time(7, 0), LOCAL_TZ)
        ops.issue_apology(d, current_user, new_due, f.reason.data)

    return _act(dossier_id, "apology", forms.ApologyForm(), run,
                _("The apology with the new appointment has been issued."))


@bp.post("/dossiers/<int:dossier_id>/notes")
@officers_only
def add_note(dossier_id: int):
    return _act(dossier_id, "note", forms.NoteForm(),
                lambda d, f: ops.add_note(d, current_user, f.text.data), _("The note has been added."))


@bp.post("/dossiers/<int:dossier_id>/control-slip")
@officers_only
def control_slip(dossier_id: int):
    """Issue the process control slip as the events stand now (a new slip when they changed)."""
    dossier = _load(dossier_id)
    if forms.ActionForm(prefix="control").validate_on_submit():
        latest = next((s for s in reversed(slip_queries.slips_of(dossier)) if s.kind is SlipKind.CONTROL), None)
        if latest is None or latest.data.get("event_count") != len(dossier.events):
            latest = slips.issue(dossier, SlipKind.CONTROL, rows=control_rows(dossier, utcnow()))
        return redirect(url_for("dossiers.download_slip", dossier_id=dossier.id, slip_id=latest.id))
    return redirect(url_for("officer.dossier", dossier_id=dossier.id))


@bp.get("/dossiers/<int:dossier_id>/files/<int:file_id>/view")
@officers_only
def view_file(dossier_id: int, file_id: int):
    """PDF and images open in the browser, sandboxed; other files are downloaded."""
    record = queries.file_for(current_user, dossier_id, file_id) or abort(404)
    storage = get_storage()
    if not storage.exists(record.storage_key):
        abort(404)
    audit.record("file.view", actor=current_user, target=f"dossier {dossier_id} file {file_id}",
                 detail=record.original_name)
    inline = record.is_inline_viewable
    response = send_file(storage.local_path(record.storage_key), mimetype=record.content_type,
                         as_attachment=not inline, download_name=record.original_name, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    if inline:
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    return response


# --- the tracking book -------------------------------------------------------------------

# The columns of the tracking book form (sổ theo dõi hồ sơ).
BOOK_COLUMNS = (_l("No."), _l("Dossier code"), _l("Procedure"), _l("Sets"), _l("Applicant"),
                _l("Address and phone"), _l("Handling unit"), _l("Received on"), _l("Result due"),
                _l("Transferred to the handling unit on"), _l("Result received from the unit on"),
                _l("Returned on"), _l("Note"))


def _book_rows(user, start, end) -> list[list[str]]:
    def fmt(value):
        return value.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if value else ""

    rows = []
    for d in queries.tracking_book(user, start, end):
        enterprise, person = d.enterprise, d.created_by
        contact = ", ".join(part for part in (enterprise.address, person.phone) if part)
        if d.state is State.REFUSED:
            note = _("Refused at reception on %(when)s: %(reason)s", when=fmt(d.book_entered_at),
                     reason=d.decision_note)
        else:
            note = d.state.title if d.state.is_final or d.outcome else ""
        rows.append([str(d.book_serial), d.code, d.procedure.name, str(d.procedure.dossier_sets), enterprise.name,
                     contact, d.unit.name, fmt(d.received_at), fmt(d.due_at), fmt(d.received_at),
                     fmt(d.finished_at if d.outcome else None), fmt(d.returned_at), note])
    return rows


BOOK_FIRST_DAY, BOOK_LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)


def _book_range():
    form = forms.BookForm(formdata=request.args)
    today = utcnow().astimezone(LOCAL_TZ).date()
    form.validate()
    start = min(max(form.start.data or today.replace(day=1), BOOK_FIRST_DAY), BOOK_LAST_DAY)
    end = min(max(form.end.data or today, BOOK_FIRST_DAY), BOOK_LAST_DAY)
    if end < start:
        start, end = end, start
    if (end - start).days > 366:
        start = end - timedelta(days=366)
    form.start.data, form.end.data = start, end
    return form, start, end


@bp.get("/book")
@officers_only
def book():
    form, start, end = _book_range()
    return render_template("officer/book.html", form=form, rows=_book_rows(current_user, start, end),
                           columns=[str(c) for c in BOOK_COLUMNS])


@bp.get("/book.csv")
@officers_only
def book_csv():
    _form, start, end = _book_range()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([str(c) for c in BOOK_COLUMNS])
    writer.writerows(_book_rows(current_user, start, end))
    # A BOM so spreadsheet programs read the Vietnamese text as UTF-8.
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="so-theo-doi-{start}-{end}.csv"'})


@bp.get("/book.xlsx")
@officers_only
def book_xlsx():
    from openpyxl import Workbook
    from openpyxl.styles import Font

    _form, start, end = _book_range()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "So theo doi"
    sheet.append([_("Dossier tracking book"), f"{start:%d/%m/%Y} – {end:%d/%m/%Y}"])
    sheet["A1"].font = Font(bold=True)
    sheet.append([str(c) for c in BOOK_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in _book_rows(current_user, start, end):
        sheet.append(row)
    for column, width in zip("ABCDEFGHIJKLM", (6, 28, 50, 6, 35, 35, 30, 17, 17, 17, 17, 17, 30)):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=f"so-theo-doi-{start}-{end}.xlsx",
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

