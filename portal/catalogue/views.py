"""The public catalogue of administrative procedures."""
from __future__ import annotations

from flask import Blueprint, abort, render_template, request

from forms.catalogue import ProcedureSearchForm
from portal.catalogue import queries

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
        total=len(procedures),
    )


@bp.get("/<code>")
def detail(code: str):
    procedure = queries.procedure_by_code(code)
    if procedure is None:
        abort(404)
    return render_template("catalogue/detail.html", procedure=procedure)
