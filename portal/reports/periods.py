"""The period a report covers: a month, a quarter, a year or two dates, in Vietnam time.

A period is whole local days, its end included. Its instants are the local midnight of
its first day and of the day after its last, in UTC, so that a dossier received at
23:59 on the 31st (16:59 UTC) falls in the month the Board would say.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from flask_babel import gettext as _

from portal.calendar import LOCAL_TZ

MAX_YEARS = 5
EARLIEST, LATEST = 2000, 2100   # the years a report may cover


class PeriodError(ValueError):
    """A period that cannot be reported on; `str(exc)` is a message for the user."""


@dataclass(frozen=True)
class Period:
    first: date
    last: date   # included

    def __post_init__(self):
        if not (EARLIEST <= self.first.year <= LATEST and EARLIEST <= self.last.year <= LATEST):
            raise PeriodError(_("Choose dates between %(first)d and %(last)d.", first=EARLIEST, last=LATEST))
        if self.last < self.first:
            raise PeriodError(_("The period ends before it starts."))
        if self.last >= _years_after(self.first, MAX_YEARS):
            raise PeriodError(_("A report covers at most %(n)d years.", n=MAX_YEARS))

    @property
    def start(self) -> datetime:
        """The first instant, in UTC."""
        return _midnight(self.first)

    @property
    def end(self) -> datetime:
        """The instant after the last day, in UTC (excluded)."""
        return _midnight(self.last + timedelta(days=1))

    @property
    def label(self) -> str:
        return _("%(first)s to %(last)s", first=self.first.strftime("%d/%m/%Y"), last=self.last.strftime("%d/%m/%Y"))

    @property
    def slug(self) -> str:
        return f"{self.first:%Y%m%d}-{self.last:%Y%m%d}"

    def months(self) -> list[str]:
        """The months it touches, as "YYYY-MM" (the keys of the monthly figures)."""
        months, day = [], self.first.replace(day=1)
        while day <= self.last:
            months.append(f"{day:%Y-%m}")
            day = (day + timedelta(days=32)).replace(day=1)
        return months


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), LOCAL_TZ).astimezone(timezone.utc)


def _years_after(day: date, years: int) -> date:
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    return day.replace(year=day.year + years)


def month(year: int, number: int) -> Period:
    _check_year(year)
    if not 1 <= number <= 12:
        raise PeriodError(_("Choose a month from 1 to 12."))
    first = date(year, number, 1)
    return Period(first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1))


def quarter(year: int, number: int) -> Period:
    _check_year(year)
    if not 1 <= number <= 4:
        raise PeriodError(_("Choose a quarter from 1 to 4."))
    first = date(year, 3 * number - 2, 1)
    return Period(first, month(year, 3 * number).last)


def year(number: int) -> Period:
    _check_year(number)
    return Period(date(number, 1, 1), date(number, 12, 31))


def _check_year(number: int) -> None:
    if not EARLIEST <= number <= LATEST:
        raise PeriodError(_("Choose dates between %(first)d and %(last)d.", first=EARLIEST, last=LATEST))


def twelve_months_to(day: date) -> Period:
    """Twelve months ending with the current one, up to `day`: the eleven whole months
    before it and this month so far (the dashboard's window)."""
    first = day.replace(day=1)
    for _step in range(11):
        first = (first - timedelta(days=1)).replace(day=1)
    return Period(first, day)
