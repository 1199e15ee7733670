"""Forms of the administration (`/admin`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

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
