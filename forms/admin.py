"""Forms of the administration (`/admin`)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

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
