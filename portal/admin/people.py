"""People and enterprises in the administration: officers invited, changed, deactivated
and reactivated, their authenticator reset; enterprises found, released or transferred."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms import admin as forms
from portal import paging
from portal.accounts import operations as ops
from portal.accounts.models import Enterprise, Role, User
from portal.admin import queries
from portal.admin.views import admins_only, bp
from portal.catalogue import queries as catalogue
from portal.catalogue.models import Unit
from portal.extensions import db
from portal.web import attempt, attempt_on

STAFF_ROLES = (Role.DESK_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.BOARD_LEADER, Role.ADMIN)


def _officer_form(**kwargs):
    return forms.OfficerForm(STAFF_ROLES, catalogue.units(), **kwargs)


def _unit(form) -> Unit | None:
    """The chosen unit (one of the form's choices), from this session: the catalogue's
    copies are kept in no session and must not be attached to a user."""
    return db.session.get(Unit, int(form.unit.data)) if form.unit.data else None


@bp.get("/people")
@admins_only
def people():
    form = forms.PeopleSearchForm(list(Role), formdata=request.args)
    page = queries.people(form.q.data or "", form.role.data or "", form.active.data or "", paging.position()) \
        if form.validate() else None
    return render_template("admin/people.html", form=form, page=page), (200 if page is not None else 400)


@bp.route("/people/new", methods=["GET", "POST"])
@admins_only
def new_officer():
    form = _officer_form()
    if form.validate_on_submit():
        created = []
        if attempt_on(form, lambda: created.append(ops.invite_officer(
                current_user, email=form.email.data, full_name=form.full_name.data, role=Role(form.role.data),
                unit=_unit(form), position=form.position.data, phone=form.phone.data)), ops.AccountError):
            flash(_("The account has been created and the invitation sent to %(email)s.", email=created[0].email),
                  "success")
            return redirect(url_for("admin.person", user_id=created[0].id))
    return render_template("admin/officer_new.html", form=form), (400 if form.errors else 200)


def _person(user_id: int) -> User:
    return db.session.get(User, user_id) or abort(404)


@bp.route("/people/<int:user_id>", methods=["GET", "POST"])
@admins_only
def person(user_id: int):
    user = _person(user_id)
    form = _officer_form(obj=user, formdata=None if request.method == "GET" else request.form) \
        if user.role is not Role.INVESTOR else None
    if form is not None and request.method == "GET":
        form.role.data, form.unit.data = user.role.value, str(user.unit_id or "")
    if form is not None and form.validate_on_submit() and attempt_on(form, lambda: ops.change_officer(
            current_user, user, role=Role(form.role.data), unit=_unit(form), position=form.position.data,
            phone=form.phone.data, full_name=form.full_name.data), ops.AccountError):
        flash(_("The account has been changed."), "success")
        return redirect(url_for("admin.person", user_id=user.id))
    status = 400 if form is not None and form.errors else 200
    return render_template("admin/person.html", person=user, form=form), status


@bp.post("/people/<int:user_id>/active")
@admins_only
def set_active(user_id: int):
    user = _person(user_id)
    active = request.form.get("active") == "1"
    if attempt(lambda: ops.set_active(current_user, user, active), ops.AccountError):
        flash(_("The account has been reactivated.") if active else
              _("The account has been deactivated; its sessions have ended."), "success")
    return redirect(url_for("admin.person", user_id=user_id))


@bp.post("/people/<int:user_id>/mfa")
@admins_only
def reset_mfa(user_id: int):
    user = _person(user_id)
    ops.reset_mfa(user, current_user)
    flash(_("The authenticator has been reset: the officer sets up a new one at the next login."), "success")
    return redirect(url_for("admin.person", user_id=user_id))


@bp.post("/people/<int:user_id>/invitation")
@admins_only
def resend_invitation(user_id: int):
    user = _person(user_id)
    if user.role is Role.INVESTOR:
        abort(404)
    if attempt(lambda: ops.send_welcome(user, current_user), ops.AccountError):
        flash(_("The invitation has been sent again to %(email)s.", email=user.email), "success")
    return redirect(url_for("admin.person", user_id=user_id))


# --- enterprises --------------------------------------------------------------------------------

@bp.get("/enterprises")
@admins_only
def enterprises():
    form = forms.EnterpriseSearchForm(formdata=request.args)
    page = queries.enterprises(form.q.data or "", paging.position()) if form.validate() else None
    return render_template("admin/enterprises.html", form=form, page=page), (200 if page is not None else 400)


def _enterprise_page(enterprise: Enterprise, transfer=None, status: int = 200):
    return render_template("admin/enterprise.html", enterprise=enterprise,
                           transfer=transfer or forms.TransferForm(formdata=None)), status


@bp.get("/enterprises/<int:enterprise_id>")
@admins_only
def enterprise(enterprise_id: int):
    return _enterprise_page(db.session.get(Enterprise, enterprise_id) or abort(404))


@bp.post("/enterprises/<int:enterprise_id>/release")
@admins_only
def release_enterprise(enterprise_id: int):
    found = db.session.get(Enterprise, enterprise_id) or abort(404)
    if found.enterprise_code and attempt(lambda: ops.release_enterprise(
            found.enterprise_code, current_user.email, actor=current_user), ops.AccountError):
        flash(_("The enterprise code has been released."), "success")
    return redirect(url_for("admin.enterprise", enterprise_id=enterprise_id))


@bp.post("/enterprises/<int:enterprise_id>/transfer")
@admins_only
def transfer_enterprise(enterprise_id: int):
    found = db.session.get(Enterprise, enterprise_id) or abort(404)
    form = forms.TransferForm()
    if not found.enterprise_code:
        abort(404)
    if form.validate_on_submit() and attempt_on(form, lambda: ops.transfer_enterprise(
            found.enterprise_code, form.email.data, current_user.email, form.remove_others.data, actor=current_user),
            ops.AccountError):
        flash(_("%(email)s now represents the enterprise.", email=form.email.data), "success")
        return redirect(url_for("admin.enterprise", enterprise_id=enterprise_id))
    return _enterprise_page(found, form, 400)
