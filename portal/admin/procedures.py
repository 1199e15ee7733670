"""Procedures and their legal versions in the administration: create a draft from the version
in force, edit it (values, documents, the investor's fields), publish it with its date."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from forms import admin as forms
from portal.admin.views import admins_only, bp
from portal.calendar import local_today
from portal.admin import operations as ops
from portal.catalogue.models import STEPS, ApprovalChain, OnlineLevel, Procedure, ProcedureVersion, \
    SupplementClock, TimeLimitKind
from portal.extensions import db
from portal.web import attempt, attempt_on


def _procedure(code: str) -> Procedure:
    return db.session.scalar(
        db.select(Procedure).where(Procedure.code == code)
        .options(selectinload(Procedure.versions).selectinload(ProcedureVersion.documents),
                 selectinload(Procedure.unit), selectinload(Procedure.field))) or abort(404)


def _find(code: str, number: int) -> tuple[Procedure, ProcedureVersion]:
    procedure = _procedure(code)
    return procedure, next((v for v in procedure.versions if v.number == number), None) or abort(404)


def _back_to_draft(code: str, number: int, operation, done: str):
    """Run a change with nothing to type (a removal) and go back to the version, saying how it went."""
    if attempt(operation, ops.VersionError):
        flash(done, "success")
    return redirect(url_for("admin.version", code=code, number=number))



@bp.get("/procedures")
@admins_only
def procedures():
    """Every procedure (17 in the seed: a short list), with its version in force today."""
    rows = db.session.scalars(db.select(Procedure).order_by(Procedure.code)
                              .options(selectinload(Procedure.versions), selectinload(Procedure.unit))).all()
    return render_template("admin/procedures.html", procedures=rows, today=local_today())


@bp.get("/procedures/<code>")
@admins_only
def procedure(code: str):
    found = _procedure(code)
    return render_template("admin/procedure.html", procedure=found, today=local_today())


@bp.post("/procedures/<code>/versions")
@admins_only
def new_version(code: str):
    found = _procedure(code)
    created = []
    if attempt(lambda: created.append(ops.new_draft(found, current_user)), ops.VersionError):
        flash(_("Draft version %(n)d has been created from the version in force. Change it, then publish it.",
                n=created[0].number), "success")
        return redirect(url_for("admin.version", code=code, number=created[0].number))
    return redirect(url_for("admin.procedure", code=code))


def _version_values(form) -> dict:
    values = {name: form[name].data for name in ops.EDITABLE if name in form}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    values.update(time_limit_kind=TimeLimitKind(form.time_limit_kind.data),
                  online_level=OnlineLevel(form.online_level.data),
                  approval_chain=ApprovalChain(form.approval_chain.data),
                  supplement_clock=SupplementClock(form.supplement_clock.data),
                  verify=list(form.verify.data or ()))
    values.update({f"step_{step}": form[f"step_{step}"].data for step in STEPS})
    return values


@bp.route("/procedures/<code>/versions/<int:number>", methods=["GET", "POST"])
@admins_only
def version(code: str, number: int):
    """A published version is shown as the public sees it, with the marks to verify; a draft
    has its form, its documents, its fields and the publishing form."""
    found, current = _find(code, number)
    form = forms.VersionForm(obj=current)
    if request.method == "GET":
        for name in ("time_limit_kind", "online_level", "approval_chain", "supplement_clock"):
            form[name].data = getattr(current, name).value
        for step in STEPS:
            form[f"step_{step}"].data = (current.step_days or {}).get(step)
    refused = request.method == "POST" and current.is_published
    if refused:
        flash(_("A published version cannot be changed: dossiers rely on it. Create a new version."), "error")
    elif form.validate_on_submit() and attempt_on(
            form, lambda: ops.edit_draft(current, _version_values(form), current_user), ops.VersionError):
        flash(_("The draft has been saved."), "success")
        return redirect(url_for("admin.version", code=code, number=number))
    return render_template("admin/version.html", procedure=found, version=current, form=form,
                           publish_form=forms.PublishForm(formdata=None), today=local_today()), (
        400 if form.errors or refused else 200)


@bp.post("/procedures/<code>/versions/<int:number>/publish")
@admins_only
def publish_version(code: str, number: int):
    found, current = _find(code, number)
    publish_form = forms.PublishForm()
    ended = []
    if publish_form.validate_on_submit() and attempt_on(publish_form, lambda: ended.append(ops.publish(
            current, publish_form.effective_from.data, publish_form.effective_to.data, current_user)),
            ops.VersionError):
        flash(_("Version %(n)d is published, in force from %(date)s.", n=number,
                date=current.effective_from.strftime("%d/%m/%Y")), "success")
        if ended[0] is not None:
            flash(_("Version %(n)d ends on %(date)s; dossiers started under it keep it to their end.",
                    n=ended[0].number, date=ended[0].effective_to.strftime("%d/%m/%Y")), "info")
        return redirect(url_for("admin.procedure", code=code))
    form = forms.VersionForm(obj=current, formdata=None)
    return render_template("admin/version.html", procedure=found, version=current, form=form,
                           publish_form=publish_form, today=local_today()), 400


@bp.post("/procedures/<code>/versions/<int:number>/discard")
@admins_only
def discard_version(code: str, number: int):
    _found, current = _find(code, number)
    if attempt(lambda: ops.discard(current, current_user), ops.VersionError):
        flash(_("The draft has been discarded."), "success")
        return redirect(url_for("admin.procedure", code=code))
    return redirect(url_for("admin.version", code=code, number=number))


# --- a draft's documents and fields -----------------------------------------------------

@bp.route("/procedures/<code>/versions/<int:number>/documents/new", methods=["GET", "POST"],
          defaults={"document_id": None})
@bp.route("/procedures/<code>/versions/<int:number>/documents/<int:document_id>", methods=["GET", "POST"])
@admins_only
def version_document(code: str, number: int, document_id: int | None):
    found, current = _find(code, number)
    document = None
    if document_id is not None:
        document = next((d for d in current.documents if d.id == document_id), None) or abort(404)
    form = forms.DocumentForm(obj=document)
    if request.method == "GET" and document is None:
        form.position.data, form.originals.data, form.copies.data = len(current.documents) + 1, 1, 0
    return _draft_item(found, current, form, lambda: ops.save_document(
        current, document, form.data, form.position.data, current_user, blank_form=form.blank_form.data),
        _("The document has been saved."), _("A required document"), document, multipart=True)


def _draft_item(found, current, form, save, done: str, heading: str, item, multipart: bool = False):
    """A document or a field of a draft: saved (a refusal goes on its field), or the form again."""
    if form.validate_on_submit() and attempt_on(form, save, ops.VersionError):
        flash(done, "success")
        return redirect(url_for("admin.version", code=found.code, number=current.number))
    return render_template("admin/version_item.html", procedure=found, version=current, form=form, item=item,
                           heading=heading, multipart=multipart), (400 if form.errors else 200)


@bp.post("/procedures/<code>/versions/<int:number>/documents/<int:document_id>/remove")
@admins_only
def remove_version_document(code: str, number: int, document_id: int):
    _found, current = _find(code, number)
    document = next((d for d in current.documents if d.id == document_id), None) or abort(404)
    return _back_to_draft(code, number, lambda: ops.remove_document(current, document, current_user),
                          _("The document has been removed from the draft."))


@bp.route("/procedures/<code>/versions/<int:number>/fields/new", methods=["GET", "POST"], defaults={"index": None})
@bp.route("/procedures/<code>/versions/<int:number>/fields/<int:index>", methods=["GET", "POST"])
@admins_only
def version_field(code: str, number: int, index: int | None):
    found, current = _find(code, number)
    specs = current.form_fields or []
    if index is not None and not 0 <= index < len(specs):
        abort(404)
    form = forms.FieldForm(data=specs[index] if index is not None and request.method == "GET" else None)
    names = ("key", "label_vi", "label_en", "type", "required", "project_field")
    return _draft_item(found, current, form, lambda: ops.save_field(
        current, index, {name: form[name].data for name in names}, current_user),
        _("The field has been saved."), _("A field the investor fills in"), index)


@bp.post("/procedures/<code>/versions/<int:number>/fields/<int:index>/remove")
@admins_only
def remove_version_field(code: str, number: int, index: int):
    _found, current = _find(code, number)
    if not 0 <= index < len(current.form_fields or []):
        abort(404)
    return _back_to_draft(code, number, lambda: ops.remove_field(current, index, current_user),
                          _("The field has been removed from the draft."))
