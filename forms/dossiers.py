"""Forms of the investor's side of a dossier."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    Form,
    FormField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from forms.common import LINE, STRIP, AmountField, enterprise_choices, enterprise_field, finite_amount
from portal.dossiers.models import ReturnMethod
from portal.projects.operations import CERTIFIED


class StartDossierForm(FlaskForm):
    """Choose the project the dossier is for, or name a new one."""

    project_id = SelectField(_l("Project"), coerce=int, render_kw={
        "data-searchable": "true", "data-search-label": _l("Search the projects"),
        "data-search-hint": _l("Type a few letters, with or without accents")})
    new_project_name = StringField(_l("Name of the new project"), filters=LINE, validators=[Length(max=500)])
    enterprise_id = enterprise_field()
    # Checked in validate(): only needed when the dossier is for a new project.
    zone_id = SelectField(_l("Zone of the new project"), coerce=int, default=0, validate_choice=False)
    submit = SubmitField(_l("Start the dossier"))

    def __init__(self, projects, zones, *args, allow_new: bool = True, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        new = [(0, _l("A new project"))] if allow_new else []
        self.project_id.choices = new + [(p.id, p.name) for p in projects]
        self.zone_id.choices = [(0, _l("Choose a zone"))] + [(z.id, z.name) for z in zones]
        enterprise_choices(self.enterprise_id, enterprises)

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.project_id.data == 0:
            if not self.new_project_name.data:
                self.new_project_name.errors.append(_l("Please enter the name of the new project."))
            if self.zone_id.data not in {value for value, _label in self.zone_id.choices if value}:
                self.zone_id.errors.append(_l("Please choose the zone."))
            return not (self.new_project_name.errors or self.zone_id.errors)
        return True


def typed_values(version, stored: dict) -> dict:
    """Stored draft values (text) as the form's fields expect them."""
    values = {}
    for spec in version.form_fields:
        raw = stored.get(spec["key"])
        if raw in (None, ""):
            continue
        try:
            if spec.get("type") == "number":
                values[spec["key"]] = Decimal(str(raw))
            elif spec.get("type") == "date":
                values[spec["key"]] = date.fromisoformat(str(raw))
            else:
                values[spec["key"]] = raw
        except (InvalidOperation, ValueError):
            continue  # an unreadable old value is dropped rather than breaking the page
    return values


def draft_form_class(version):
    """The draft form: the own fields of the procedure's version and how the result is returned."""

    class ProcedureFields(Form):
        pass

    # Required fields may stay empty in a draft; the completeness check names them on submit.
    for spec in version.form_fields:
        label = version.field_label(spec)
        kind = spec.get("type", "text")
        if kind == "number":
            # A figure the certificate copies onto the project must fit the project's column.
            _kind, bound, places = CERTIFIED.get(spec.get("project_field"), ("amount", 10**18, None))
            field = AmountField(label, validators=[Optional(), finite_amount(bound, places)])
        elif kind == "date":
            field = DateField(label, validators=[Optional()])
        elif kind == "textarea":
            field = TextAreaField(label, filters=STRIP, validators=[Optional(), Length(max=5000)])
        else:
            field = StringField(label, filters=LINE, validators=[Optional(), Length(max=500)])
        setattr(ProcedureFields, spec["key"], field)

    class DraftForm(FlaskForm):
        fields = FormField(ProcedureFields, label=_l("Details of the request"))
        return_method = RadioField(
            _l("How do you want to receive the result?"),
            choices=[(m.value, m.title) for m in ReturnMethod],
            default=ReturnMethod.AT_DESK.value,
        )
        submit = SubmitField(_l("Save the draft"))

        @classmethod
        def for_dossier(cls, dossier):
            """The form filled with what the draft holds (stored as text, read back typed)."""
            return cls(data={"fields": typed_values(version, dossier.field_values),
                             "return_method": dossier.return_method.value})

        @property
        def field_values(self) -> dict:
            values = {}
            for key, value in self.fields.data.items():
                if value is None or value == "":
                    continue
                if isinstance(value, Decimal):  # stored plainly: "250000000000", "1234.5"
                    values[key] = format(value.normalize(), "f")
                else:
                    values[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
            return values

    return DraftForm


class UploadForm(FlaskForm):
    file = FileField(_l("Choose a file"), validators=[FileRequired(message=_l("Please choose a file."))])
    submit = SubmitField(_l("Upload"))


class ConfirmForm(FlaskForm):
    """A form with only its CSRF token and a button (delete, submit, receive...)."""

    submit = SubmitField(_l("Confirm"))


class WithdrawForm(FlaskForm):
    reason = TextAreaField(_l("Reason for withdrawing"), filters=STRIP,
                           validators=[DataRequired(message=_l("Please give the reason for withdrawing.")),
                                       Length(max=2000)])
    submit = SubmitField(_l("Withdraw the dossier"))


class TrackingForm(FlaskForm):
    class Meta:
        csrf = False

    code = StringField(_l("Dossier code"), filters=LINE, validators=[DataRequired(message=_l("Please enter the dossier code.")), Length(max=60)])
    key = StringField(_l("Lookup key"), filters=LINE, validators=[DataRequired(message=_l("Please enter the lookup key printed on the receipt.")), Length(max=16)],
                      description=_l("Printed on the receipt and in the email sent when you submitted."))
