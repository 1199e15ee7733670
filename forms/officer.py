"""Forms of the officers' workspace. Each has a prefix: several share the dossier page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from forms.common import LINE, STRIP

SUPPLEMENT_ROWS = 5


def _text(label, message=None, max_length=4000, area=True, description=None):
    validators = [DataRequired(message=message)] if message else [Optional()]
    field, filters = (TextAreaField, STRIP) if area else (StringField, LINE)
    return field(label, filters=filters, validators=[*validators, Length(max=max_length)], description=description)


class ActionForm(FlaskForm):
    """A confirmation (receive, and so on): only its CSRF token and a button."""

    submit = SubmitField(_l("Confirm"))


class ReceiveForm(FlaskForm):
    """Receive: how the dossier reached the desk, for the Decision 766 counts."""

    channel = RadioField(_l("How the dossier reached the Board"), default="online", choices=[
        ("online", _l("Online, through the portal")),
        ("in_person", _l("In person at the one-stop desk (the paper dossier was entered here)")),
        ("post", _l("By public postal service")),
    ])
    submit = SubmitField(_l("Receive"))


class SupplementItemForm(Form):
    document = SelectField(_l("Document concerned"), coerce=int, default=0, validate_choice=False)
    description = StringField(_l("What must be supplemented"), filters=LINE, validators=[Length(max=1000)])
    reason = StringField(_l("Reason"), filters=LINE, validators=[Length(max=1000)])


class SupplementForm(FlaskForm):
    items = FieldList(FormField(SupplementItemForm), min_entries=SUPPLEMENT_ROWS, max_entries=20)
    note = _text(_l("Note to the investor"), max_length=2000)
    submit = SubmitField(_l("Send the supplement request"))

    def __init__(self, documents, *args, **kwargs):
        super().__init__(*args, prefix="supplement", **kwargs)
        choices = [(0, _l("Other / the whole dossier"))] + [(d.id, f"{d.position}. {d.name}") for d in documents]
        for entry in self.items:
            entry.form.document.choices = choices

    @property
    def item_data(self) -> list[dict]:
        return [{"document_id": e.form.document.data or None, "description": e.form.description.data,
                 "reason": e.form.reason.data} for e in self.items]


class RefuseForm(FlaskForm):
    reason = _text(_l("Reason for the refusal"), _l("Give the specific reason for the refusal."))
    submit = SubmitField(_l("Refuse the dossier"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="refuse", **kwargs)


class AssignForm(FlaskForm):
    specialist = SelectField(_l("Specialist"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Assign"))

    def __init__(self, specialists, *args, **kwargs):
        super().__init__(*args, prefix="assign", **kwargs)
        self.specialist.choices = [(s.id, s.full_name) for s in specialists]


class ProposeResultForm(FlaskForm):
    draft = FileField(_l("Draft result document"))
    note = _text(_l("Note for the approver"), max_length=2000)
    submit = SubmitField(_l("Send for approval"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="propose", **kwargs)


class ProposeStopForm(FlaskForm):
    reason = _text(_l("Reason for stopping"), _l("Give the reason for stopping."))
    submit = SubmitField(_l("Propose to stop processing"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="stop", **kwargs)


class ApproveForm(FlaskForm):
    result = FileField(_l("Signed result document"))
    irc_number = StringField(_l("Certificate number"), filters=LINE, validators=[Length(max=60)])
    irc_date = DateField(_l("Date of the certificate (or of this amendment)"), validators=[Optional()],
                         description=_l("The date written on the signed certificate; it cannot be in the future."))
    amendment_no = IntegerField(_l("Amendment no."), validators=[Optional(), NumberRange(min=1, max=999)],
                                description=_l("As printed on the amended certificate (lần điều chỉnh thứ ...)."))
    note = _text(_l("Note"), max_length=2000)
    submit = SubmitField(_l("Approve"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="approve", **kwargs)


class DeclineForm(FlaskForm):
    reasons = _text(_l("Reasons for not approving"), _l("Give the reasons for not approving."))
    submit = SubmitField(_l("Do not approve"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="decline", **kwargs)


class ForwardForm(FlaskForm):
    comment = _text(_l("Review comment for the Board leader"), _l("Give your review comment for the Board leader."))
    submit = SubmitField(_l("Forward to the Board leader"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="forward", **kwargs)


class SendBackForm(FlaskForm):
    comment = _text(_l("Comment for the specialist"), _l("Say what the specialist should change."))
    submit = SubmitField(_l("Send back to the specialist"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="back", **kwargs)


class ReturnForm(FlaskForm):
    handover = _text(_l("How the result was handed over"), _l("Record how the result was handed over."),
                     max_length=255, area=False,
                     description=_l("For example: in person to Mr/Ms ..., ID card no. ...; or by post, tracking no. ..."))
    submit = SubmitField(_l("Record the return of the result"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="return", **kwargs)


class ApologyForm(FlaskForm):
    new_date = DateField(_l("New appointment date"), validators=[DataRequired(message=_l("Choose the new date."))])
    new_time = TimeField(_l("Time"), default=None, validators=[DataRequired(message=_l("Choose the time."))])
    reason = _text(_l("Reason for the delay"), _l("Give the reason for the delay."))
    submit = SubmitField(_l("Issue the apology"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="apology", **kwargs)


class NoteForm(FlaskForm):
    text = _text(_l("Internal note"), _l("Write the note first."),
                 description=_l("Seen only by the Board's officers."))
    submit = SubmitField(_l("Add the note"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="note", **kwargs)


class BookForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])


class RatingForm(FlaskForm):
    score = RadioField(_l("Your rating"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)],
                       validators=[DataRequired(message=_l("Choose from 1 to 5."))])
    comment = _text(_l("Comment"), max_length=2000)
    submit = SubmitField(_l("Send the rating"))


class SupplementReplyForm(FlaskForm):
    submit = SubmitField(_l("Send the supplement"))




SEARCH_SORTS = (
    ("-submitted", _l("Submission, newest first")),
    ("due", _l("Due date, earliest first")),
    ("-received", _l("Reception, newest first")),
    ("received", _l("Reception, oldest first")),
)
SEARCH_PERIODS = (("submitted", _l("Submitted")), ("received", _l("Received")), ("due", _l("Due")))


class SearchForm(FlaskForm):
    """The officers' search: every field optional, all of them combined. The choices come
    from what the officer may see (units, specialists), so a value from elsewhere is refused."""

    class Meta:
        csrf = False

    code = StringField(_l("Dossier code or its last digits"), filters=LINE, validators=[Length(max=60)],
                       description=_l("The whole code, or the end of it as the investor reads it out (at least "
                                      "3 characters), e.g. 0042 or 260115-0042."))
    enterprise = StringField(_l("Enterprise name or code"), filters=LINE, validators=[Length(max=120)],
                             description=_l("Part of the name, with or without diacritics, or the enterprise code."))
    procedure = SelectField(_l("Procedure"), coerce=str, validators=[Optional()])
    unit = SelectField(_l("Handling unit"), coerce=str, validators=[Optional()])
    state = SelectField(_l("Status"), coerce=str, validators=[Optional()])
    assignee = SelectField(_l("Specialist"), coerce=str, validators=[Optional()])
    period = SelectField(_l("Period of"), choices=SEARCH_PERIODS, default="submitted", validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    overdue = BooleanField(_l("Overdue only"))
    paused = BooleanField(_l("Clock paused only"))
    sort = SelectField(_l("Sort by"), choices=SEARCH_SORTS, default="-submitted", validators=[Optional()])

    def __init__(self, procedures, units, specialists, states, **kwargs):
        super().__init__(**kwargs)
        anything = [("", _l("Any"))]
        self.procedure.choices = anything + [(str(p.id), f"{p.code} — {p.name}") for p in procedures]
        self.unit.choices = anything + [(str(u.id), u.name) for u in units]
        self.assignee.choices = anything + [(str(s.id), s.full_name) for s in specialists]
        self.state.choices = anything + [(s.value, s.title) for s in states]

    def criteria(self):
        """What was asked, typed (the ids and states are among the choices, checked)."""
        from portal.dossiers.queries import Criteria
        from portal.dossiers.workflow import State

        def number(value):
            return int(value) if value else None

        return Criteria(
            code=self.code.data or "", enterprise=self.enterprise.data or "", procedure_id=number(self.procedure.data),
            unit_id=number(self.unit.data), state=State(self.state.data) if self.state.data else None,
            assignee_id=number(self.assignee.data), period=self.period.data or "submitted", start=self.start.data,
            end=self.end.data, overdue=self.overdue.data, paused=self.paused.data, sort=self.sort.data or "-submitted")

    def validate_code(self, field):
        if field.data and len(field.data.replace(" ", "")) < 3:
            raise ValidationError(_l("Type at least 3 characters of the code."))

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The end of the period comes before its start."))
