"""The officers' workspace: queues by role, the dossier page with its actions, the book."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from forms import officer as forms
from portal import paging
from portal.accounts.models import OFFICER_ROLES, Role
from portal.audit import operations as audit
from portal.calendar import LOCAL_TZ, local_today
from portal.catalogue import queries as catalogue
from portal.calendar.queries import overrides
from portal.db import utcnow
from portal.documents import operations as slips
from portal.documents import queries as slip_queries
from portal.documents.builders import control_rows
from portal.documents.models import SlipKind
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.models import Channel
from portal.dossiers.operations import DossierError
from portal.dossiers.timeliness import of_dossier
from portal.dossiers.workflow import State
from portal.services import exports
from portal.services.storage import get_storage
from portal.web import attempt, roles_required, send_stored, writes_on_get

bp = Blueprint("officer", __name__, url_prefix="/officer")
officers_only = roles_required(*OFFICER_ROLES)

HOME = {Role.DESK_OFFICER: "officer.search", Role.DEPARTMENT_HEAD: "officer.unit",
        Role.SPECIALIST: "officer.mine", Role.BOARD_LEADER: "officer.approvals"}


@bp.get("/")
@officers_only
def index():
    return redirect(url_for(HOME[current_user.role]))


@bp.get("/desk")
@roles_required(Role.DESK_OFFICER)
def desk():
    return render_template("officer/desk.html", lists=queries.desk_queue(current_user, paging.position),
                           now=utcnow())


@bp.get("/unit")
@roles_required(Role.DEPARTMENT_HEAD)
def unit():
    now = utcnow()
    return render_template("officer/unit.html", lists=queries.unit_queue(current_user, paging.position), now=now,
                           loads=queries.specialist_loads(current_user.unit_id, now))


@bp.get("/mine")
@roles_required(Role.SPECIALIST)
def mine():
    return render_template("officer/mine.html", lists=queries.specialist_queue(current_user, paging.position),
                           now=utcnow())


@bp.get("/approvals")
@roles_required(Role.DEPARTMENT_HEAD, Role.BOARD_LEADER)
def approvals():
    return render_template("officer/approvals.html", page=queries.approvals_queue(current_user, paging.position),
                           now=utcnow())


# --- the search ---------------------------------------------------------------------------

@bp.get("/search")
@officers_only
def search():
    """Find any dossier the officer may see; the desk's first page."""
    user, now = current_user, utcnow()
    form = forms.SearchForm(catalogue.choices()["procedures"], queries.units_seen_by(user),
                            queries.specialists_seen_by(user), [s for s in State if s is not State.DRAFT],
                            formdata=request.args)
    page = queries.search(user, form.criteria(), now, paging.position()) if form.validate() else None
    return render_template("officer/search.html", form=form, page=page, now=now)


# --- one dossier ------------------------------------------------------------------------

def _load(dossier_id: int):
    return queries.dossier_for(current_user, dossier_id) or abort(404)


def _forms(dossier, bound: str = "") -> dict:
    """Every action form of the dossier page; the one named `bound` reads the request."""
    def make(name, cls, *args, **kwargs):
        return cls(*args, **kwargs) if name == bound else cls(*args, formdata=None, **kwargs)

    return {
        "receive": make("receive", forms.ReceiveForm, prefix="receive"),
        "supplement": make("supplement", forms.SupplementForm, dossier.version.documents),
        "refuse": make("refuse", forms.RefuseForm),
        "assign": make("assign", forms.AssignForm, queries.specialists_of(dossier.unit_id)),
        "propose": make("propose", forms.ProposeResultForm),
        "stop": make("stop", forms.ProposeStopForm),
        "approve": make("approve", forms.ApproveForm, irc_number=dossier.project.certificate_number,
                        amendment_no=dossier.project.next_amendment_no),
        "forward": make("forward", forms.ForwardForm),
        "decline": make("decline", forms.DeclineForm),
        "back": make("back", forms.SendBackForm),
        "return_": make("return_", forms.ReturnForm, handover=dossier.return_method.title),
        "apology": make("apology", forms.ApologyForm),
        "note": make("note", forms.NoteForm),
        "control": forms.ActionForm(prefix="control", formdata=None),
    }


def _page(dossier, built: dict, status: int = 200):
    now = utcnow()
    return render_template(
        "officer/dossier.html", dossier=dossier, forms=built, now=now,
        timeliness=of_dossier(dossier, now, overrides()), slips=slip_queries.slips_of(dossier),
    ), status


@bp.get("/dossiers/<int:dossier_id>")
@officers_only
def dossier(dossier_id: int):
    dossier = _load(dossier_id)
    return _page(dossier, _forms(dossier))[0]


@dataclass(frozen=True)
class PageAction:
    """One action of the dossier page: its path, its form, who may post it, the operation
    it calls with the form's data, and what the officer is told when it is done."""

    path: str
    form: str
    roles: frozenset[Role]
    run: Callable[[object, object], object]
    done: object


def _assign(dossier, form):
    chosen = next((s for s in queries.specialists_of(dossier.unit_id) if s.id == form.specialist.data), None)
    ops.assign(dossier, current_user, chosen)


def _apologize(dossier, form):
    new_due = datetime.combine(form.new_date.data, form.new_time.data or time(7, 0), LOCAL_TZ)
    ops.issue_apology(dossier, current_user, new_due, form.reason.data)


_DESK, _HEAD = frozenset({Role.DESK_OFFICER}), frozenset({Role.DEPARTMENT_HEAD})
_SPECIALIST = frozenset({Role.SPECIALIST})
_SIGNERS = frozenset({Role.DEPARTMENT_HEAD, Role.BOARD_LEADER})

# endpoint -> the action; every one is a POST to /officer/dossiers/<id>/<path>.
PAGE_ACTIONS = {
    "receive": PageAction("receive", "receive", _DESK, lambda d, f: ops.receive_dossier(d, current_user, channel=Channel(f.channel.data)),
                          _l("The dossier has been received; the receipt is issued.")),
    "supplement": PageAction("supplement", "supplement", OFFICER_ROLES,
                             lambda d, f: ops.request_supplement(d, current_user, f.item_data, f.note.data),
                             _l("The supplement request has been sent to the investor.")),
    "refuse": PageAction("refuse", "refuse", _DESK, lambda d, f: ops.refuse_dossier(d, current_user, f.reason.data),
                         _l("The dossier has been refused; the refusal slip is issued.")),
    "assign": PageAction("assign", "assign", _HEAD, _assign, _l("The dossier has been assigned.")),
    "propose_result": PageAction("propose-result", "propose", _SPECIALIST,
                                 lambda d, f: ops.propose_result(d, current_user, f.draft.data, f.note.data),
                                 _l("The draft result has been sent for approval.")),
    "propose_stop": PageAction("propose-stop", "stop", _SPECIALIST,
                               lambda d, f: ops.propose_stop(d, current_user, f.reason.data),
                               _l("The proposal to stop has been sent for approval.")),
    "forward": PageAction("forward", "forward", _HEAD, lambda d, f: ops.forward(d, current_user, f.comment.data),
                          _l("The proposal has been forwarded to the Board leaders.")),
    "approve": PageAction("approve", "approve", _SIGNERS,
                          lambda d, f: ops.approve(d, current_user, f.result.data, f.irc_number.data, f.irc_date.data,
                                                   f.note.data, f.amendment_no.data), _l("Approved.")),
    "decline": PageAction("decline", "decline", _SIGNERS, lambda d, f: ops.decline(d, current_user, f.reasons.data),
                          _l("Recorded as not approved.")),
    "send_back": PageAction("send-back", "back", _SIGNERS, lambda d, f: ops.send_back(d, current_user, f.comment.data),
                            _l("The dossier has been sent back to the specialist.")),
    "return_result": PageAction("return", "return_", _DESK,
                                lambda d, f: ops.return_result(d, current_user, f.handover.data),
                                _l("The return of the result has been recorded.")),
    "apology": PageAction("apology", "apology", OFFICER_ROLES, _apologize,
                          _l("The apology with the new appointment has been issued.")),
    "add_note": PageAction("notes", "note", OFFICER_ROLES, lambda d, f: ops.add_note(d, current_user, f.text.data),
                           _l("The note has been added.")),
}


def _action_view(action: PageAction):
    """Validate the action's form, run the operation, or show the page again with what was typed."""
    def view(dossier_id: int):
        dossier = _load(dossier_id)
        built = _forms(dossier, bound=action.form)
        form = built[action.form]
        if form.validate_on_submit() and attempt(lambda: action.run(dossier, form), DossierError):
            flash(str(action.done), "success")
            return redirect(url_for("officer.dossier", dossier_id=dossier.id))
        return _page(dossier, built)

    return roles_required(*action.roles)(view)


for _endpoint, _action in PAGE_ACTIONS.items():
    bp.add_url_rule(f"/dossiers/<int:dossier_id>/{_action.path}", _endpoint, _action_view(_action), methods=["POST"])


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
@writes_on_get  # the read is audited
def view_file(dossier_id: int, file_id: int):
    """PDF and images open in the browser, sandboxed; other files are downloaded."""
    record = queries.file_for(current_user, dossier_id, file_id) or abort(404)
    if not get_storage().exists(record.storage_key):
        abort(404)  # before the audit line: nothing was read
    audit.record("file.view", actor=current_user, target=f"dossier {dossier_id} file {file_id}",
                 detail=record.original_name)
    inline = record.is_inline_viewable
    response = send_stored(record.storage_key, record.original_name, record.content_type, inline=inline)
    if inline:
        response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'; object-src 'self'"
    return response


# --- the tracking book -------------------------------------------------------------------

# The columns of the tracking book form (sổ theo dõi hồ sơ).
BOOK_COLUMNS = (_l("No."), _l("Dossier code"), _l("Procedure"), _l("Sets"), _l("Applicant"),
                _l("Address and phone"), _l("Handling unit"), _l("Received on"), _l("Result due"),
                _l("Transferred to the handling unit on"), _l("Result received from the unit on"),
                _l("Returned on"), _l("Note"))


def _book_rows(dossiers):
    """The book's rows, typed (numbers, texts, moments): the page, CSV and XLSX format them."""
    def at(moment):
        return moment.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y") if moment else ""

    for d in dossiers:
        enterprise, person = d.enterprise, d.created_by
        contact = ", ".join(part for part in (enterprise.address, person.phone) if part)
        if d.state is State.REFUSED:
            note = _("Refused at reception on %(when)s: %(reason)s", when=at(d.book_entered_at),
                     reason=d.decision_note)
        else:
            note = d.state.title if d.state.is_final or d.outcome else ""
        yield [d.book_serial, d.code, d.procedure.name, d.version.dossier_sets, enterprise.name,
               contact, d.unit.name, d.received_at, d.due_at, d.received_at,
               d.finished_at if d.outcome else None, d.returned_at, note]


BOOK_FIRST_DAY, BOOK_LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
LARGE_EXPORT_ROWS = 5_000  # the page warns that the files will take a while


def _book_range():
    form = forms.BookForm(formdata=request.args)
    today = local_today()
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
    page = queries.tracking_book_page(current_user, start, end, paging.position())
    rows = [[exports.as_text(cell) for cell in row] for row in _book_rows(page.rows)]
    return render_template("officer/book.html", form=form, page=page, rows=rows, large=LARGE_EXPORT_ROWS,
                           columns=[str(c) for c in BOOK_COLUMNS])


@bp.get("/book.csv")
@officers_only
def book_csv():
    _form, start, end = _book_range()
    return exports.csv_response([str(c) for c in BOOK_COLUMNS],
                                _book_rows(queries.tracking_book_all(current_user, start, end)),
                                f"so-theo-doi-{start}-{end}.csv")


@bp.get("/book.xlsx")
@officers_only
def book_xlsx():
    _form, start, end = _book_range()
    return exports.xlsx_response(_("Dossier tracking book"), f"{start:%d/%m/%Y} – {end:%d/%m/%Y}",
                                 [str(c) for c in BOOK_COLUMNS],
                                 _book_rows(queries.tracking_book_all(current_user, start, end)),
                                 f"so-theo-doi-{start}-{end}.xlsx", widths=(6, 28, 50, 6, 35, 35, 30, 17, 17, 17, 17,
                                                                               17, 30))
