"""Forms of the administration (`/admin`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField, DateField, DecimalField, EmailField, IntegerField, RadioField, SelectField, SelectMultipleField,
    StringField, SubmitField, TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional, Regexp

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


def _code(example: str):
    return StringField(_l("Code"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the code.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9-]+$", message=_l("Letters, digits and hyphens only, e.g. %(example)s.", example=example))],
        description=_l("Officers, procedures and projects keep their link when it changes."))


class UnitForm(FlaskForm):
    code = _code("QLDT")
    name_vi = _line(_l("Name (Vietnamese)"), _l("Enter the name."))
    name_en = _line(_l("Name (English)"))
    head_name = _line(_l("Head of the unit"), max_length=200)
    head_title_vi = _line(_l("Head's title (Vietnamese)"), max_length=200, description=_l("e.g. Trưởng phòng"))
    head_title_en = _line(_l("Head's title (English)"), max_length=200)
    description_vi = _text(_l("Description (Vietnamese)"))
    description_en = _text(_l("Description (English)"))
    submit = SubmitField(_l("Save"))


class ZoneForm(FlaskForm):
    code = _code("KCN-HOA-BINH")
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


# --- procedures and their versions ------------------------------------------------------

def _count(label, minimum: int = 0, maximum: int = 100, required: str = "", description=None):
    validators = [InputRequired(message=required)] if required else [Optional()]
    return IntegerField(label, description=description, validators=[
        *validators, NumberRange(min=minimum, max=maximum,
                                 message=_l("Enter a whole number from %(min)d to %(max)d.", min=minimum, max=maximum))])


class VersionForm(FlaskForm):
    """What the law sets for a draft version of a procedure."""

    legal_basis_vi = _text(_l("Legal basis (Vietnamese), one text per line"))
    legal_basis_en = _text(_l("Legal basis (English), one text per line"))
    time_limit_days = IntegerField(_l("Time limit (days)"), validators=[
        Optional(), NumberRange(min=1, max=365, message=_l("Enter from 1 to 365 days, or leave it empty."))],
        description=_l("Empty when the law sets no time limit (an investor's notice, for instance)."))
    time_limit_kind = SelectField(_l("Kind of days"))
    time_limit_note_vi = _text(_l("Note on the time limit (Vietnamese)"))
    time_limit_note_en = _text(_l("Note on the time limit (English)"))
    fee_amount = IntegerField(_l("Fee (VND)"), validators=[
        Optional(), NumberRange(min=0, max=10**12, message=_l("Enter an amount of 0 or more."))],
        description=_l("Empty when the fee is described in words."))
    fee_vi = _text(_l("Fee in words (Vietnamese)"))
    fee_en = _text(_l("Fee in words (English)"))
    result_vi = _line(_l("Result (Vietnamese)"), max_length=1000)
    result_en = _line(_l("Result (English)"), max_length=1000)
    online_level = SelectField(_l("Online level"))
    approval_chain = SelectField(_l("Who signs the result"))
    supplement_clock = SelectField(_l("Supplement requests"))
    processing_supplements = _count(_l("Supplement requests allowed during processing"), 1, 5,
                                    _l("Enter the number of requests allowed."))
    dossier_sets = _count(_l("Sets of the dossier handed in"), 1, 20, _l("Enter the number of sets."))
    step_reception = DecimalField(_l("Reception (working days)"), places=1, validators=[Optional(), NumberRange(0, 60)])
    step_assignment = DecimalField(_l("Assignment (working days)"), places=1, validators=[Optional(), NumberRange(0, 60)])
    step_review = DecimalField(_l("Department head's review (working days)"), places=1,
                               validators=[Optional(), NumberRange(0, 60)])
    step_approval = DecimalField(_l("Signature (working days)"), places=1, validators=[Optional(), NumberRange(0, 60)])
    step_return = DecimalField(_l("Return of the result (working days)"), places=1,
                               validators=[Optional(), NumberRange(0, 60)])
    verify = SelectMultipleField(_l("Values still to be verified against the law"), widget=ListWidget(prefix_label=False),
                                 option_widget=CheckboxInput())
    submit = SubmitField(_l("Save the draft version"))

    def __init__(self, *args, **kwargs):
        from portal.catalogue.models import VERIFIABLE, ApprovalChain, OnlineLevel, SupplementClock, TimeLimitKind

        super().__init__(*args, **kwargs)
        self.time_limit_kind.choices = [(TimeLimitKind.WORKING_DAYS.value, _l("Working days")),
                                        (TimeLimitKind.CALENDAR_DAYS.value, _l("Calendar days"))]
        self.online_level.choices = [(k.value, k.title) for k in OnlineLevel]
        self.approval_chain.choices = [(k.value, k.title) for k in ApprovalChain]
        self.supplement_clock.choices = [(k.value, k.title) for k in SupplementClock]
        self.verify.choices = [(name, VERIFY_TITLES[name]) for name in VERIFIABLE]


VERIFY_TITLES = {
    "legal_basis": _l("Legal basis"), "time_limit": _l("Time limit"), "fee": _l("Fee"),
    "documents": _l("Required documents"), "approval_chain": _l("Who signs the result"),
    "step_days": _l("Split of the time limit"), "form_fields": _l("The investor's fields"),
    "dossier_sets": _l("Sets of the dossier"), "effective_from": _l("Start date"), "effective_to": _l("End date"),
    "national_code": _l("National code"), "result": _l("Result"), "online_level": _l("Online level"),
}


class DocumentForm(FlaskForm):
    position = _count(_l("Order in the list"), 1, 100, _l("Enter the order in the list."))
    name_vi = _line(_l("Name (Vietnamese)"), _l("Enter the name."), max_length=1000)
    name_en = _line(_l("Name (English)"), max_length=1000)
    note_vi = _text(_l("Note (Vietnamese)"))
    note_en = _text(_l("Note (English)"))
    is_mandatory = BooleanField(_l("Mandatory"), default=True)
    originals = _count(_l("Originals"), 0, 20)
    copies = _count(_l("Copies"), 0, 20)
    accepted_types = StringField(_l("Accepted file types"), filters=LINE, validators=[
        Optional(), Length(max=120), Regexp(r"^[a-z0-9, ]*$", message=_l("Extensions separated by commas, e.g. pdf,docx."))],
        description=_l("Empty: the portal's usual types."))
    blank_form = FileField(_l("Blank form (PDF, DOCX, DOC or XLSX)"),
                           description=_l("The form the law provides for this document, offered for download."))
    remove_blank_form = BooleanField(_l("Remove the blank form"))
    submit = SubmitField(_l("Save the document"))


class FieldForm(FlaskForm):
    key = StringField(_l("Key"), filters=LINE, validators=[
        DataRequired(message=_l("Enter the key.")), Length(max=40),
        Regexp(r"^[a-z][a-z0-9_]*$", message=_l("Lower-case letters, digits and _ only, e.g. requested_capital."))],
        description=_l("Dossiers keep their values under it."))
    label_vi = _line(_l("Label (Vietnamese)"), _l("Enter the label."), max_length=300)
    label_en = _line(_l("Label (English)"), max_length=300)
    type = SelectField(_l("Kind of field"), choices=[("text", _l("A line of text")), ("textarea", _l("Several lines")),
                                                     ("number", _l("A number")), ("date", _l("A date"))])
    required = BooleanField(_l("Required"))
    project_field = SelectField(_l("Copied onto the project when approved"), choices=[
        ("", _l("No")), ("total_capital_vnd", _l("Total capital (VND)")), ("total_capital_usd", _l("Total capital (USD)")),
        ("land_area_m2", _l("Land area (m²)")), ("workforce", _l("Workforce")), ("schedule", _l("Schedule")),
        ("objectives", _l("Objectives"))])
    submit = SubmitField(_l("Save the field"))


class PublishForm(FlaskForm):
    effective_from = DateField(_l("In force from"), validators=[Optional()],
                               description=_l("Today or later. The version in force until then ends the day before."))
    effective_to = DateField(_l("Until (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Publish this version"))
