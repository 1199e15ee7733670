"""The period and scope of a report, read from the query string (a report is a GET that
can be bookmarked and exported with the same parameters)."""
from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, SelectField
from wtforms.validators import NumberRange, Optional

KINDS = [("month", _l("Month")), ("quarter", _l("Quarter")), ("year", _l("Year")), ("range", _l("From one date to another"))]


class PeriodForm(FlaskForm):
    class Meta:
        csrf = False

    kind = SelectField(_l("Kind of period"), choices=KINDS, default="month")
    year = IntegerField(_l("Year"), validators=[Optional(), NumberRange(min=2000, max=2100)])
    month = SelectField(_l("Month"), coerce=int, choices=[(n, f"{n:02d}") for n in range(1, 13)],
                        validators=[Optional()])
    quarter = SelectField(_l("Quarter"), coerce=int, choices=[(n, str(n)) for n in range(1, 5)],
                          validators=[Optional()])
    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])

    def __init__(self, today: date, **kwargs):
        super().__init__(**kwargs)
        self._today = today
        if self.year.data is None and not self.year.raw_data:
            self.year.data = today.year
        if not self.month.raw_data:
            self.month.data = today.month
        if not self.quarter.raw_data:
            self.quarter.data = (today.month - 1) // 3 + 1

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        from portal.reports.periods import PeriodError

        try:
            self.period = self._period()
        except PeriodError as exc:
            (self.end if self.kind.data == "range" else self.kind).errors.append(str(exc))
            return False
        return True

    def _period(self):
        from flask_babel import gettext as _

        from portal.reports import periods

        kind, year = self.kind.data, self.year.data or self._today.year
        if kind == "month":
            return periods.month(year, self.month.data or 1)
        if kind == "quarter":
            return periods.quarter(year, self.quarter.data or 1)
        if kind == "year":
            return periods.year(year)
        if self.start.data is None or self.end.data is None:
            raise periods.PeriodError(_("Give both dates of the period."))
        return periods.Period(self.start.data, self.end.data)


class ServiceReportForm(PeriodForm):
    unit = SelectField(_l("Handling unit"), coerce=str, validators=[Optional()])
    field = SelectField(_l("Field"), coerce=str, validators=[Optional()])
    procedure = SelectField(_l("Procedure"), coerce=str, validators=[Optional()])

    def __init__(self, today: date, units, fields, procedures, all_units: bool, **kwargs):
        super().__init__(today, **kwargs)
        everything = [("", _l("All"))]
        self.unit.choices = (everything if all_units else []) + [(str(u.id), u.name) for u in units]
        self.field.choices = everything + [(str(f.id), f.name) for f in fields]
        self.procedure.choices = everything + [(str(p.id), f"{p.code} — {p.name}") for p in procedures]
