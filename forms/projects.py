"""The investment project form."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms.common import LINE, STRIP, AmountField, enterprise_choices, enterprise_field, finite_amount


class ProjectForm(FlaskForm):
    enterprise_id = enterprise_field()
    name_vi = StringField(_l("Project name (Vietnamese)"), filters=LINE,
                          validators=[DataRequired(message=_l("Please enter the project's name.")), Length(max=500)])
    name_en = StringField(_l("Project name (English)"), filters=LINE, validators=[Length(max=500)])
    objectives = TextAreaField(_l("Objectives"), filters=STRIP, validators=[Length(max=5000)])
    zone_id = SelectField(_l("Zone"), coerce=int,
                          validators=[DataRequired(message=_l("Please choose the zone."))])
    location = StringField(_l("Location (lot, plot)"), filters=LINE, validators=[Length(max=255)])
    # Bounds that fit the columns: Numeric(14, 2), Numeric(20, 0), Numeric(16, 2).
    land_area_m2 = AmountField(_l("Land area (m²)"), validators=[Optional(), finite_amount(10**12, places=2)])
    total_capital_vnd = AmountField(_l("Total investment capital (VND)"),
                                    validators=[Optional(), finite_amount(10**20, places=0)],
                                    description=_l("For example 250.000.000.000"))
    total_capital_usd = AmountField(_l("Equivalent in USD"), validators=[Optional(), finite_amount(10**14, places=2)],
                                    description=_l("For foreign investors."))
    capital_sources = TextAreaField(_l("Capital sources"), filters=STRIP, validators=[Length(max=2000)])
    workforce = IntegerField(_l("Workforce (people)"),
                             validators=[Optional(), NumberRange(min=0, max=1_000_000, message=_l("Enter a number from 0 to 1,000,000."))])
    schedule = TextAreaField(_l("Implementation schedule"), filters=STRIP, validators=[Length(max=2000)])
    sector = StringField(_l("Sector"), filters=LINE, validators=[Length(max=255)])
    certificate_number = StringField(
        _l("Investment registration certificate number"), filters=LINE, validators=[Length(max=60)],
        description=_l("If the project already holds a certificate issued before you used the portal: "
                       "its number and the date of its first issue."))
    certificate_date = DateField(_l("Date of first issue"), validators=[Optional()])
    submit = SubmitField(_l("Save the project"))

    def __init__(self, zones, *args, enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.zone_id.choices = [(0, _l("Choose a zone"))] + [(z.id, z.name) for z in zones]
        enterprise_choices(self.enterprise_id, enterprises)

    def lock_certified(self, names) -> None:
        """Show what the Board's certificate certifies as read-only: an amendment changes it."""
        for name in names:
            if name in self:
                self[name].render_kw = {**(self[name].render_kw or {}), "readonly": True}
                self[name].description = _l("As certified by the Board; changed by an amendment dossier.")

    @property
    def project_data(self) -> dict:
        return {k: v for k, v in self.data.items()
                if k not in {"submit", "csrf_token", "certificate_number", "certificate_date", "enterprise_id"}}
