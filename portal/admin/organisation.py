"""The organisation, its units and zones in the administration. Codes are not changed here:
the data file and the dossiers' codes refer to them."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from forms import admin as forms
from portal.admin.views import admins_only, bp
from portal.catalogue import operations as catalogue_ops
from portal.catalogue.models import Organisation, Unit, Zone, ZoneKind
from portal.accounts.models import User
from portal.extensions import db
from portal.web import attempt, attempt_on


def _values(form, fields) -> dict:
    values = {name: form[name].data for name in fields if name in form}
    for name, value in values.items():
        if isinstance(value, str):
            values[name] = value.strip()
    if "kind" in values:
        values["kind"] = ZoneKind(values["kind"])
    return values


def _save(obj, form, fields) -> bool:
    """Apply the form to `obj`; False (the reason on the field) when the change is refused."""
    changed = []
    if not attempt_on(form, lambda: changed.extend(catalogue_ops.edit(obj, _values(form, fields), fields,
                                                                       current_user)), catalogue_ops.EditError):
        return False
    if changed:
        flash(_("The changes have been saved."), "success")
    else:
        flash(_("Nothing was changed."), "info")
    return True


@bp.route("/organisation", methods=["GET", "POST"])
@admins_only
def organisation():
    org = db.session.scalar(db.select(Organisation).order_by(Organisation.id).limit(1)) or abort(404)
    form = forms.OrganisationForm(obj=org)
    if form.validate_on_submit() and _save(org, form, catalogue_ops.ORGANISATION_FIELDS):
        return redirect(url_for("admin.organisation"))
    units = db.session.scalars(db.select(Unit).order_by(Unit.sort_order, Unit.id)).all()
    zones = db.session.scalars(db.select(Zone).order_by(Zone.sort_order, Zone.id)).all()
    return render_template("admin/organisation.html", form=form, org=org, units=units, zones=zones), (
        400 if form.errors else 200)


@bp.route("/units/new", methods=["GET", "POST"])
@admins_only
def new_unit():
    form = forms.NewUnitForm()
    return _add(form, lambda: catalogue_ops.add_unit(form.data, current_user), _("The unit has been added."),
                lambda unit: url_for("admin.unit", unit_id=unit.id), _("Add a unit"))


def _add(form, add, done: str, page_of, heading: str):
    """Add a unit or a zone from its form: on to its page, or the form again with the refusal."""
    created = []
    if form.validate_on_submit() and attempt_on(form, lambda: created.append(add()), catalogue_ops.EditError):
        flash(done, "success")
        return redirect(page_of(created[0]))
    return render_template("admin/catalogue_item.html", form=form, item=None, heading=heading), (
        400 if form.errors else 200)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@admins_only
def unit(unit_id: int):
    found = db.session.get(Unit, unit_id) or abort(404)
    form = forms.UnitForm(obj=found)
    if form.validate_on_submit() and _save(found, form, catalogue_ops.UNIT_FIELDS):
        return redirect(url_for("admin.unit", unit_id=unit_id))
    officers = db.session.scalars(db.select(User).where(User.unit_id == unit_id).order_by(User.role, User.full_name))
    return render_template("admin/catalogue_item.html", form=form, item=found, officers=list(officers),
                           heading=_("Unit %(code)s", code=found.code)), (400 if form.errors else 200)


@bp.post("/units/<int:unit_id>/remove")
@admins_only
def remove_unit(unit_id: int):
    found = db.session.get(Unit, unit_id) or abort(404)
    if attempt(lambda: catalogue_ops.remove_unit(found, current_user), catalogue_ops.EditError):
        flash(_("The unit has been removed."), "success")
        return redirect(url_for("admin.organisation"))
    return redirect(url_for("admin.unit", unit_id=unit_id))


@bp.route("/zones/new", methods=["GET", "POST"])
@admins_only
def new_zone():
    form = forms.ZoneForm()
    return _add(form, lambda: catalogue_ops.add_zone(_values(form, catalogue_ops.ZONE_FIELDS), current_user),
                _("The zone has been added."), lambda zone: url_for("admin.zone", zone_id=zone.id), _("Add a zone"))


@bp.route("/zones/<int:zone_id>", methods=["GET", "POST"])
@admins_only
def zone(zone_id: int):
    found = db.session.get(Zone, zone_id) or abort(404)
    form = forms.ZoneForm(obj=found)
    if request.method == "GET":
        form.kind.data = found.kind.value
    if form.validate_on_submit() and _save(found, form, catalogue_ops.ZONE_FIELDS):
        return redirect(url_for("admin.zone", zone_id=zone_id))
    return render_template("admin/catalogue_item.html", form=form, item=found,
                           heading=_("Zone %(code)s", code=found.code)), (400 if form.errors else 200)
