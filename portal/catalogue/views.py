"""The public catalogue of administrative procedures."""
from __future__ import annotations

import mimetypes

from flask import Blueprint, abort, render_template, request

from forms.catalogue import ProcedureSearchForm
from portal.calendar import local_today
from portal.catalogue import queries
from portal.catalogue.models import RequiredDocument
from portal.extensions import db
from portal.web import send_stored

bp = Blueprint("catalogue", __name__, url_prefix="/procedures")



@bp.get("/")
def index():
    form = ProcedureSearchForm(queries.fields(), queries.handling_units(), formdata=request.args)
    if not form.validate():
        form.q.data, form.field.data, form.unit.data = "", "", ""
    group = form.group.data if form.group.data in {"field", "unit"} else "field"
    procedures = queries.search_procedures(form.q.data or "", form.field.data or "", form.unit.data or "")
    return render_template(
        "catalogue/index.html",
        form=form,
        groups=queries.group_procedures(procedures, group),
        current=queries.versions_in_force(procedures, local_today()),
        total=len(procedures),
    )


@bp.get("/<code>")
def detail(code: str):
    """The version in force today, and a published later one announced with its date."""
    procedure = queries.procedure_by_code(code)
    if procedure is None:
        abort(404)
    today = local_today()
    version, upcoming = procedure.version_on(today), procedure.next_version(today)
    if version is None and upcoming is None:
        abort(404)
    return render_template("catalogue/detail.html", procedure=procedure, version=version, upcoming=upcoming)


@bp.get("/forms/<int:document_id>")
def blank_form(document_id: int):
    """The blank form the law provides for a document of a published version."""
    document = db.session.get(RequiredDocument, document_id)
    if document is None or not document.blank_form_key or not document.version.is_published:
        abort(404)
    kind = mimetypes.guess_type(document.blank_form_name)[0] or "application/octet-stream"
    return send_stored(document.blank_form_key, document.blank_form_name, kind, private=False)
