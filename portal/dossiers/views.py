"""The investor's side of a dossier: start, draft, files, submit, follow, withdraw."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.dossiers import ConfirmForm, StartDossierForm, UploadForm, WithdrawForm, draft_form_class
from forms.officer import RatingForm
from portal import paging
from portal.accounts.models import Role
from portal.audit import operations as audit
from portal.catalogue import queries as catalogue
from portal.catalogue.models import RequiredDocument
from portal.documents import queries as slip_queries
from portal.documents.operations import ensure_rendered
from portal.dossiers import operations as ops
from portal.dossiers import queries
from portal.dossiers.models import SupplementItem
from portal.dossiers.workflow import State
from portal.extensions import db
from portal.projects import operations as project_ops
from portal.projects import queries as project_queries
from portal.services.unit_of_work import rollback
from portal.web import attempt, enterprise_required, roles_required, send_stored, writes_on_get

bp = Blueprint("dossiers", __name__, url_prefix="/dossiers")
investor_only = roles_required(Role.INVESTOR)


def _load(dossier_id: int):
    return queries.dossier_for(current_user, dossier_id) or abort(404)


@bp.get("/")
@investor_only
def index():
    state = request.args.get("state", "")
    chosen = State(state) if state in State.__members__.values() else None
    page = queries.dossiers_for(current_user, chosen, paging.position())
    return render_template("dossiers/index.html", page=page, state=chosen, states=list(State))


@bp.get("/new")
@investor_only
def choose():
    """The procedure picker on a project page: on to the start page of that procedure."""
    code = request.args.get("procedure", "")
    procedure = catalogue.procedure_by_code(code) or abort(404)
    return redirect(url_for("dossiers.new", procedure_code=procedure.code, project=request.args.get("project", type=int)))


@bp.route("/new/<procedure_code>", methods=["GET", "POST"])
@investor_only
@enterprise_required
def new(procedure_code: str):
    procedure = catalogue.procedure_by_code(procedure_code) or abort(404)
    projects = project_queries.projects_for(current_user)
    # An adjustment, transfer, re-issue or termination acts on a project's certificate.
    needs_certificate = procedure.requires_certificate
    holders = [p for p in projects if p.has_certificate]
    chosen = request.args.get("project", type=int)
    default = chosen or (holders[0].id if needs_certificate and holders else
                         0 if procedure.creates_project or not projects else projects[0].id)
    form = StartDossierForm(projects, catalogue.zones(), project_id=default, allow_new=not needs_certificate,
                            enterprises=current_user.enterprises)
    if form.validate_on_submit():
        try:
            if form.project_id.data:
                project = project_queries.project_for(current_user, form.project_id.data) or abort(404)
            else:
                project = project_ops.create_project(
                    enterprise_id=form.enterprise_id.data, created_by=current_user,
                    name_vi=form.new_project_name.data, zone_id=form.zone_id.data)
            dossier = ops.start_dossier(user=current_user, procedure=procedure, project=project)
        except ops.DossierError as exc:
            rollback()
            form.project_id.errors = [*form.project_id.errors, str(exc)]
        else:
            flash(_("Your draft dossier has been created. Attach the documents, then submit it."), "success")
            return redirect(url_for("dossiers.edit", dossier_id=dossier.id))
    return render_template("dossiers/new.html", form=form, procedure=procedure, needs_certificate=needs_certificate,
                           holders=holders)


@bp.route("/<int:dossier_id>/edit", methods=["GET", "POST"])
@investor_only
def edit(dossier_id: int):
    dossier = _load(dossier_id)
    if not dossier.can_edit(current_user):
        flash(_("A submitted dossier can no longer be changed."), "warning")
        return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    form = draft_form_class(dossier.version).for_dossier(dossier)
    if form.validate_on_submit():
        ops.save_draft(dossier, current_user, field_values=form.field_values, return_method=form.return_method.data)
        flash(_("The draft has been saved. You can come back to it at any time."), "success")
        return redirect(url_for("dossiers.edit", dossier_id=dossier.id))
    return render_template("dossiers/edit.html", dossier=dossier, form=form, upload_form=UploadForm(),
                           delete_form=ConfirmForm(), missing=ops.missing_items(dossier),
                           upload_result=session.pop("upload_result", None))


@bp.post("/<int:dossier_id>/documents/<int:document_id>/files")
@investor_only
def upload(dossier_id: int, document_id: int):
    dossier = _load(dossier_id)
    document = db.session.get(RequiredDocument, document_id) or abort(404)
    return _attach(lambda file: ops.add_file(dossier, current_user, document, file), f"doc-{document_id}",
                   url_for("dossiers.edit", dossier_id=dossier.id, _anchor=f"doc-{document_id}"))


MAX_FILES_AT_ONCE = 20


def _attach(store, target: str, back: str):
    """Store each chosen file with `store(file)` (at most MAX_FILES_AT_ONCE; a refused one
    leaves nothing and the others are kept), then say how it went next to the control that
    sent them (`target`, kept in the session for the page it goes back to) and at the top.
    The portal's script asks for JSON and shows the same words without leaving the page."""
    form = UploadForm()
    files = [f for f in request.files.getlist("file") if f and f.filename][:MAX_FILES_AT_ONCE]
    accepted, refused = [], []
    if not form.validate_on_submit() or not files:
        refused.append(" ".join(str(e) for e in form.file.errors) or _("Please choose a file."))
    for file in files if not refused else ():
        try:
            with db.session.begin_nested():
                accepted.append(_("%(name)s has been attached.", name=store(file).original_name))
        except ops.DossierError as exc:
            refused.append(str(exc))
    if request.accept_mimetypes.best == "application/json":
        return {"accepted": accepted, "refused": refused}, (200 if accepted or not refused else 400)
    session["upload_result"] = {"target": target, "accepted": accepted, "refused": refused}
    for message in accepted:
        flash(message, "success")
    for message in refused:
        flash(message, "error")
    return redirect(back)


@bp.post("/<int:dossier_id>/files/<int:file_id>/delete")
@investor_only
def delete_file(dossier_id: int, file_id: int):
    dossier = _load(dossier_id)
    record = queries.file_for(current_user, dossier.id, file_id) or abort(404)
    if ConfirmForm().validate_on_submit():
        if attempt(lambda: ops.remove_file(dossier, current_user, record), ops.DossierError):
            flash(_("%(name)s has been removed.", name=record.original_name), "success")
    return redirect(url_for("dossiers.edit", dossier_id=dossier.id))


@bp.route("/<int:dossier_id>/submit", methods=["GET", "POST"])
@investor_only
def submit(dossier_id: int):
    dossier = _load(dossier_id)
    form = ConfirmForm()
    if dossier.state is not State.DRAFT:
        flash(_("This dossier has already been submitted."), "info")
        return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    missing = ops.missing_items(dossier)
    if form.validate_on_submit() and not missing:
        if attempt(lambda: ops.submit_dossier(dossier, current_user), ops.DossierError):
            flash(_("Your dossier has been submitted. Its code is %(code)s.", code=dossier.code), "success")
        return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    return render_template("dossiers/submit.html", dossier=dossier, form=form, missing=missing)


@bp.get("/<int:dossier_id>")
def detail(dossier_id: int):
    if not current_user.is_authenticated:
        from portal.extensions import login_manager

        return login_manager.unauthorized()
    return _detail(_load(dossier_id))


def _detail(dossier, status: int = 200, **given):
    from portal.dossiers.models import ServiceRating

    rated = db.session.scalar(db.select(ServiceRating).where(ServiceRating.dossier_id == dossier.id))
    context = {"withdraw_form": WithdrawForm(), "rating_form": RatingForm(), "upload_form": UploadForm(),
               "send_form": ConfirmForm(), "upload_result": session.pop("upload_result", None), **given}
    return render_template("dossiers/detail.html", dossier=dossier, slips=slip_queries.slips_of(dossier),
                           rating=rated, **context), status


@bp.post("/<int:dossier_id>/withdraw")
@investor_only
def withdraw(dossier_id: int):
    dossier = _load(dossier_id)
    form = WithdrawForm()
    if form.validate_on_submit():
        if attempt(lambda: ops.withdraw_dossier(dossier, current_user, form.reason.data), ops.DossierError):
            flash(_("The dossier has been withdrawn."), "success")
            return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    return _detail(dossier, withdraw_form=form)


@bp.post("/<int:dossier_id>/supplement/<int:item_id>/files")
@investor_only
def supplement_upload(dossier_id: int, item_id: int):
    dossier = _load(dossier_id)
    item = db.session.get(SupplementItem, item_id) or abort(404)
    return _attach(lambda file: ops.add_supplement_file(dossier, current_user, item, file), f"item-{item_id}",
                   url_for("dossiers.detail", dossier_id=dossier.id, _anchor=f"item-{item_id}"))


@bp.post("/<int:dossier_id>/supplement/send")
@investor_only
def supplement_send(dossier_id: int):
    dossier = _load(dossier_id)
    if ConfirmForm().validate_on_submit():
        if attempt(lambda: ops.resubmit_supplement(dossier, current_user), ops.DossierError):
            flash(_("The supplement has been sent."), "success")
    return redirect(url_for("dossiers.detail", dossier_id=dossier.id))


@bp.post("/<int:dossier_id>/rating")
@investor_only
def rate(dossier_id: int):
    dossier = _load(dossier_id)
    form = RatingForm()
    if form.validate_on_submit():
        give_rating = lambda: ops.rate_service(dossier, current_user, form.score.data, form.comment.data)  # noqa: E731
        if attempt(give_rating, ops.DossierError):
            flash(_("Thank you for rating the service."), "success")
            return redirect(url_for("dossiers.detail", dossier_id=dossier.id))
    return _detail(dossier, rating_form=form)


@bp.get("/<int:dossier_id>/files/<int:file_id>")
@writes_on_get  # officers' reads are audited
def download_file(dossier_id: int, file_id: int):
    record = queries.file_for(current_user, dossier_id, file_id)
    if record is None or not record.visible_to(current_user):
        abort(404)
    if current_user.is_officer:  # officers reading investors' files are on record
        audit.record("file.download", actor=current_user, target=f"dossier {dossier_id} file {file_id}",
                     detail=record.original_name)
    return send_stored(record.storage_key, record.original_name, record.content_type)


@bp.get("/<int:dossier_id>/slips/<int:slip_id>.pdf")
@writes_on_get  # the first download renders and stores the slip
def download_slip(dossier_id: int, slip_id: int):
    slip = slip_queries.slip_for(current_user, dossier_id, slip_id) or abort(404)
    ensure_rendered(slip)
    return send_stored(slip.storage_key, slip.filename, "application/pdf")


@bp.get("/<int:dossier_id>/slips/<int:slip_id>.en.pdf")
def download_slip_translation(dossier_id: int, slip_id: int):
    """An English courtesy translation of a slip, beside its Vietnamese original (the legal
    text): rendered on request, marked as a translation on every page, never stored."""
    from flask import Response

    from portal.documents.operations import courtesy_translation

    slip = slip_queries.slip_for(current_user, dossier_id, slip_id) or abort(404)
    name = slip.filename.removesuffix(".pdf") + ".en.pdf"
    return Response(courtesy_translation(slip), mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, no-store"})
