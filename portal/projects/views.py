"""Investors' projects: list, create, edit, and one page with the licence and every dossier."""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms.projects import ProjectForm
from portal import paging
from portal.accounts.models import Role
from portal.catalogue import queries as catalogue
from portal.dossiers import queries as dossier_queries
from portal.projects import operations as ops
from portal.projects import queries
from portal.services.unit_of_work import rollback
from portal.web import enterprise_required, roles_required

bp = Blueprint("projects", __name__, url_prefix="/projects")


@bp.get("/")
@roles_required(Role.INVESTOR)
def index():
    return render_template("projects/index.html", projects=queries.projects_for(current_user))


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.INVESTOR)
@enterprise_required
def new():
    form = ProjectForm(catalogue.zones(), enterprises=current_user.enterprises)
    if form.validate_on_submit():
        project = _save(form, lambda: ops.create_project(enterprise_id=form.enterprise_id.data,
                                                         created_by=current_user, **form.project_data))
        if project is not None:
            flash(_("The project has been saved."), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None, is_certified=False)


def _save(form, write):
    """Save the project and the certificate the investor declares, both or neither (the
    declaration only while the Board has recorded nothing)."""
    try:
        project = write()
        if not ops.is_certified(project):
            ops.declare_certificate(project, current_user, form.certificate_number.data, form.certificate_date.data)
    except ops.ProjectError as exc:
        rollback()
        form.certificate_date.errors = [*form.certificate_date.errors, str(exc)]
        return None
    return project


@bp.get("/<int:project_id>")
@roles_required(Role.INVESTOR)
def detail(project_id: int):
    project = queries.project_for(current_user, project_id) or abort(404)
    dossiers = dossier_queries.dossiers_for(current_user, project_id=project.id, at=paging.position("d"), name="d")
    return render_template("projects/detail.html", project=project, dossiers=dossiers,
                           timeline=dossier_queries.project_timeline(current_user, project.id, paging.position("t"),
                                                                     name="t"),
                           procedures=catalogue.search_procedures())


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@roles_required(Role.INVESTOR)
def edit(project_id: int):
    project = queries.project_for(current_user, project_id) or abort(404)
    if not project.can_edit(current_user):
        abort(404)
    first = project.first_issue
    form = ProjectForm(catalogue.zones(), obj=project, enterprises=[project.enterprise],
                       certificate_number=first.number if first else "",
                       certificate_date=first.issued_on if first else None)
    if ops.is_certified(project):
        form.lock_certified(ops.CERTIFIED)
    if form.validate_on_submit():
        def write():
            ops.update_project(project, **form.project_data)
            return project

        if _save(form, write) is not None:
            flash(_("The project has been saved."), "success")
            return redirect(url_for("projects.detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project, is_certified=ops.is_certified(project))
