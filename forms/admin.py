"""Forms of the administration (`/admin`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField, DateField, DecimalField, EmailField, RadioField, SelectField, StringField, SubmitField, TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from forms.common import LINE


class AuditSearchForm(FlaskForm):
    """Who, what, which object, from where, when: every part optional."""

    class Meta:
        csrf = False

    actor = StringField(_l("Who (e-mail or name)"), filters=LINE, validators=[Length(max=120)])
    action = StringField(_l("Action"), filters=LINE, validators=[Length(max=60)],
                         description=_l("The start of the action's name, e.g. calendar. or login"))
    target = StringField(_l("Object"), filters=LINE, validators=[Length(max=120)],
                         description=_l("Part of the object: an e-mail address, a dossier, a day"))
    ip = StringField(_l("From address (IP)"), filters=LINE, validators=[Length(max=64)])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class CalendarDayForm(FlaskForm):
    """One of the Board's own days: off or working, and why."""

    day = DateField(_l("Day"), validators=[DataRequired(message=_l("Choose the day."))])
    is_working = RadioField(_l("The day becomes"), default="off", choices=[
        ("off", _l("An extra day off")), ("working", _l("An extra working day"))])
    reason = StringField(_l("Reason"), filters=LINE, validators=[Length(max=255)],
                         description=_l("The decision or notice it follows, e.g. Quyết định số 12/QĐ-BQL"))
    submit = SubmitField(_l("Save the day"))


class PeopleSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("E-mail or name"), filters=LINE, validators=[Length(max=120)])
    role = SelectField(_l("Role"), validators=[Optional()])
    active = SelectField(_l("Status"), choices=[("", _l("Any")), ("1", _l("Active")), ("0", _l("Deactivated"))],
                         validators=[Optional()])

    def __init__(self, roles, **kwargs):
        super().__init__(**kwargs)
        self.role.choices = [("", _l("Any"))] + [(r.value, r.title) for r in roles]


class OfficerForm(FlaskForm):
    """An officer's or administrator's account: who, in which role and unit, and what the
    slips print under their name."""

    email = EmailField(_l("E-mail address"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the e-mail address.")), Length(max=254),
        Email(message=_l("Enter a valid e-mail address."))])
    full_name = StringField(_l("Full name"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the full name.")), Length(max=200)])
    role = SelectField(_l("Role"), validators=[DataRequired()])
    unit = SelectField(_l("Unit"), coerce=str, validators=[Optional()],
                       description=_l("Needed for one-stop desk officers, specialists and department heads."))
    position = StringField(_l("Title printed on slips"), filters=LINE, validators=[Length(max=200)],
                           description=_l("e.g. Phó Trưởng phòng Quản lý đầu tư"))
    phone = StringField(_l("Phone shown on supplement slips"), filters=LINE, validators=[Length(max=30)])
    submit = SubmitField(_l("Save"))

    def __init__(self, roles, units, **kwargs):
        super().__init__(**kwargs)
        self.role.choices = [(r.value, r.title) for r in roles]
        self.unit.choices = [("", _l("None"))] + [(str(u.id), u.name) for u in units]


class EnterpriseSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Enterprise name or code"), filters=LINE, validators=[Length(max=120)])


class TransferForm(FlaskForm):
    email = EmailField(_l("E-mail of the new representative"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the e-mail address.")), Length(max=254)],
        description=_l("A confirmed investor account."))
    remove_others = BooleanField(_l("Everyone else stops acting for the enterprise"))
    submit = SubmitField(_l("Make them the representative"))


def _line(label, required: str = "", max_length: int = 255, description=None):
    validators = [DataRequired(message=required)] if required else [Optional()]
    return StringField(label, filters=LINE, validators=[*validators, Length(max=max_length)], description=description)


def _text(label):
    return TextAreaField(label, validators=[Optional(), Length(max=10_000)])


class OrganisationForm(FlaskForm):
    name_vi = _line(_l("Name (Vietnamese)"), _l("Enter the name."))
    name_en = _line(_l("Name (English)"))
    short_name_vi = _line(_l("Short name (Vietnamese)"), max_length=120)
    short_name_en = _line(_l("Short name (English)"), max_length=120)
    parent_agency_vi = _line(_l("Parent agency (Vietnamese)"))
    parent_agency_en = _line(_l("Parent agency (English)"))
    agency_code = StringField(_l("Agency identifier in dossier codes"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the agency identifier.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9.\-]+$", message=_l("Letters, digits, dots and hyphens only, e.g. H34.50.05."))],
        description=_l("A change applies to dossiers submitted from then on; codes already given never change."))
    place_name = _line(_l("Place name printed on slips"), _l("Enter the place name."), max_length=80,
                       description=_l("e.g. Kon Tum"))
    head_name = _line(_l("Head of the agency"), max_length=200)
    head_title_vi = _line(_l("Head's title (Vietnamese)"), max_length=200)
    head_title_en = _line(_l("Head's title (English)"), max_length=200)
    address_vi = _line(_l("Address (Vietnamese)"))
    address_en = _line(_l("Address (English)"))
    hotline = _line(_l("Hotline"), max_length=40)
    email = EmailField(_l("E-mail address"), filters=LINE, validators=[
        Optional(), Length(max=255), Email(message=_l("Enter a valid e-mail address."))])
    website = _line(_l("Website"))
    office_hours_vi = _line(_l("Office hours (Vietnamese)"))
    office_hours_en = _line(_l("Office hours (English)"))
    description_vi = _text(_l("Description (Vietnamese)"))
    description_en = _text(_l("Description (English)"))
    submit = SubmitField(_l("Save"))


class UnitForm(FlaskForm):
    name_vi = _line(_l("Name (Vietnamese)"), _l("Enter the name."))
    name_en = _line(_l("Name (English)"))
    description_vi = _text(_l("Description (Vietnamese)"))
    description_en = _text(_l("Description (English)"))
    submit = SubmitField(_l("Save"))


class ZoneForm(FlaskForm):
    kind = SelectField(_l("Kind"))
    name_vi = _line(_l("Name (Vietnamese)"), _l("Enter the name."))
    name_en = _line(_l("Name (English)"))
    area_ha = DecimalField(_l("Area (ha)"), places=2, validators=[
        Optional(), NumberRange(min=0, max=10**9, message=_l("Enter an area of 0 or more."))])
    location_vi = _line(_l("Location by commune (Vietnamese)"),
                        description=_l("Districts were abolished in July 2025: name the commune or ward."))
    location_en = _line(_l("Location by commune (English)"))
    description_vi = _text(_l("Description (Vietnamese)"))
    description_en = _text(_l("Description (English)"))
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        from portal.catalogue.models import ZoneKind

        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, k.title) for k in ZoneKind]


class NewUnitForm(FlaskForm):
    code = StringField(_l("Code"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the code.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9-]+$", message=_l("Letters, digits and hyphens only, e.g. QLDT."))],
        description=_l("Fixed once the unit exists: procedures and officers refer to it."))
    kind = SelectField(_l("Kind"))
    name_vi = _line(_l("Name (Vietnamese)"), _l("Enter the name."))
    name_en = _line(_l("Name (English)"))
    submit = SubmitField(_l("Add the unit"))

    def __init__(self, *args, **kwargs):
        from portal.catalogue.models import UnitKind

        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.value, k.title) for k in UnitKind]
