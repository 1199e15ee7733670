"""The legal calendar: working days, public holidays, swapped days and deadlines.

Pure functions on dates, built on `holidays.country_holidays("VN")` (which knows the
lunar holidays, days in lieu and the government's swapped days, such as Monday
31/8/2026 off in exchange for Saturday 22/8/2026 worked). `overrides` carries the
Board's own table of extra days off and extra working days; without it the functions
use the official calendar alone and need no application context or database.

Deadline rules (see DOMAIN.md): time limits count from the working day after
reception; a working-day limit ends on the n-th working day after that day, at the
time of day of reception; a calendar-day limit that lands on a day off moves to the
next working day; a dossier received outside office hours counts as received at the
opening of the next working day.

Waiting for the investor (a supplement asked during processing) does not count, and
what counts is the office's time: `paused_days` measures a wait in the days the office
was open between the request and the answer, and `due_at` adds those days to the limit
(so a calendar-day deadline moved off a weekend is not moved twice).
"""
from __future__ import annotations

import math
from bisect import bisect_left
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Iterable
from zoneinfo import ZoneInfo

import holidays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WORKING_DAYS = "working_days"
CALENDAR_DAYS = "calendar_days"


@dataclass(frozen=True)
class Overrides:
    """The Board's own changes to the official calendar."""

    days_off: frozenset[date] = field(default_factory=frozenset)
    working_days: frozenset[date] = field(default_factory=frozenset)


@dataclass(frozen=True)
class OfficeHours:
    opens: time = time(7, 0)
    closes: time = time(17, 0)


@lru_cache(maxsize=64)
def _official(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("VN", years=year)


def holiday_name(day: date) -> str | None:
    """The official holiday on `day`, if any (English name from the holidays package)."""
    return _official(day.year).get(day)


def is_working_day(day: date, overrides: Overrides | None = None) -> bool:
    if overrides is not None:
        if day in overrides.days_off:
            return False
        if day in overrides.working_days:
            return True
    official = _official(day.year)
    if day in official.weekend_workdays:  # a make-up Saturday
        return True
    if day.weekday() >= 5:
        return False
    return day not in official


class _Ordinals:
    """Working-day ordinals for a span of years under one set of overrides: for each day,
    how many working days there are from the start of the span up to it. Counting the
    working days between two dates, or finding the n-th after one, is then a subtraction
    or a binary search instead of a walk day by day. The span grows when a date outside
    it is asked (rebuilt whole, swapped in at once, so threads never see half of one)."""

    MARGIN = 2  # years built on each side of what is asked

    def __init__(self, overrides: Overrides | None):
        self.overrides = overrides
        self.span: tuple[date, list[int]] = (date(2000, 1, 1), [])

    def _cover(self, first: date, last: date) -> tuple[date, list[int]]:
        start, counts = self.span
        if counts and start <= first and last < start + timedelta(days=len(counts)):
            return self.span
        end = start + timedelta(days=len(counts) - 1) if counts else last
        low = date(max(1, min(first.year, start.year if counts else first.year) - self.MARGIN), 1, 1)
        high = date(min(9999, max(last.year, end.year) + self.MARGIN), 12, 31)
        built, total, day = [], 0, low
        while day <= high:
            total += is_working_day(day, self.overrides)
            built.append(total)
            day += timedelta(days=1)
        self.span = (low, built)
        return self.span

    def count(self, first: date, last: date) -> int:
        """Working days after `first` up to and including `last` (first <= last)."""
        start, counts = self._cover(first, last)
        return counts[(last - start).days] - counts[(first - start).days]

    def nth_after(self, day: date, n: int) -> date:
        """The n-th working day after `day` (n >= 1)."""
        start, counts = self._cover(day, day + timedelta(days=n * 2 + 30))
        target = counts[(day - start).days] + n
        while target > counts[-1]:  # a very long limit: widen the span and look again
            start, counts = self._cover(day, start + timedelta(days=len(counts) + 366 * self.MARGIN))
            target = counts[(day - start).days] + n
        return start + timedelta(days=bisect_left(counts, target))

    def nth_before(self, day: date, n: int) -> date:
        """The n-th working day before `day` (n >= 1)."""
        start, counts = self._cover(day - timedelta(days=n * 2 + 30), day)
        previous = counts[(day - start).days - 1] - (n - 1)  # the count at the day sought
        while previous <= 0:
            start, counts = self._cover(start - timedelta(days=366 * self.MARGIN), day)
            previous = counts[(day - start).days - 1] - (n - 1)
        return start + timedelta(days=bisect_left(counts, previous))


@lru_cache(maxsize=16)
def _ordinals(overrides: Overrides | None) -> _Ordinals:
    """One index per set of overrides, kept for the life of the process: a change of the
    Board's extra days makes a different Overrides value, hence a fresh index."""
    return _Ordinals(overrides)


def next_working_day(day: date, overrides: Overrides | None = None) -> date:
    """The first working day strictly after `day`."""
    return _ordinals(overrides).nth_after(day, 1)


def add_working_days(day: date, n: int, overrides: Overrides | None = None) -> date:
    """The n-th working day after `day` (`day` itself never counts); n=0 gives `day`."""
    if n < 0:
        raise ValueError("n must not be negative")
    return _ordinals(overrides).nth_after(day, n) if n else day


def working_days_between(start: date, end: date, overrides: Overrides | None = None) -> int:
    """Working days after `start` up to and including `end` (negative if `end` is earlier)."""
    if end < start:
        return -working_days_between(end, start, overrides)
    return _ordinals(overrides).count(start, end)


def previous_working_day(day: date, overrides: Overrides | None = None) -> date:
    """The last working day strictly before `day`."""
    return _ordinals(overrides).nth_before(day, 1)


def add_calendar_days(day: date, n: int, overrides: Overrides | None = None) -> date:
    """`day` + n days; a deadline landing on a day off moves to the next working day."""
    end = day + timedelta(days=n)
    while not is_working_day(end, overrides):
        end += timedelta(days=1)
    return end


def effective_reception(
    received_at: datetime, overrides: Overrides | None = None, hours: OfficeHours = OfficeHours()
) -> datetime:
    """When the clock considers a dossier received, in local time.

    Inside office hours on a working day: the moment itself. Before opening on a
    working day: that day's opening. After closing or on a day off: the opening of
    the next working day.
    """
    local = received_at.astimezone(LOCAL_TZ)
    day = local.date()
    if is_working_day(day, overrides):
        if local.time() < hours.opens:
            return datetime.combine(day, hours.opens, LOCAL_TZ)
        if local.time() <= hours.closes:
            return local
    return datetime.combine(next_working_day(day, overrides), hours.opens, LOCAL_TZ)


def office_day(moment: datetime, overrides: Overrides | None = None, hours: OfficeHours = OfficeHours()) -> date:
    """The working day on which the office first sees `moment`: that day if it comes
    before closing on a working day, else the next working day."""
    return effective_reception(moment, overrides, hours).date()


def paused_days(
    started: datetime, ended: datetime, kind: str = WORKING_DAYS,
    overrides: Overrides | None = None, hours: OfficeHours = OfficeHours(),
) -> int:
    """How far a wait for the investor moves a deadline: the office days it took.

    Asked and answered the same evening after closing: nothing. Asked on Monday,
    answered on Tuesday: one working day (or one calendar day). Days off inside the
    wait do not count for a working-day limit; for a calendar-day limit they do.
    """
    first, last = office_day(started, overrides, hours), office_day(ended, overrides, hours)
    if last <= first:
        return 0
    if kind == CALENDAR_DAYS:
        return (last - first).days
    return working_days_between(first, last, overrides)


def shift(moment: datetime, days: int, kind: str = WORKING_DAYS, overrides: Overrides | None = None) -> datetime:
    """`moment` moved on by `days` (working or calendar days), same time of day (UTC)."""
    local = moment.astimezone(LOCAL_TZ)
    if days <= 0:
        return moment
    if kind == CALENDAR_DAYS:
        day = add_calendar_days(local.date(), days, overrides)
    else:
        day = add_working_days(local.date(), days, overrides)
    return datetime.combine(day, local.timetz()).astimezone(ZoneInfo("UTC"))


def due_at(
    received_at: datetime,
    limit: int,
    kind: str = WORKING_DAYS,
    overrides: Overrides | None = None,
    hours: OfficeHours = OfficeHours(),
    pauses: Iterable[tuple[datetime, datetime]] = (),
) -> datetime:
    """When the result is due: the reception time of day on the deadline day (UTC).

    `pauses` are the finished waits for the investor; their office days are added to
    the limit before the deadline is placed (and, for calendar days, moved off a day off).
    """
    start = effective_reception(received_at, overrides, hours)
    days = limit + sum(paused_days(a, b, kind, overrides, hours) for a, b in pauses)
    if kind == CALENDAR_DAYS:
        day = add_calendar_days(start.date(), days, overrides)
    else:
        day = add_working_days(start.date(), days, overrides)
    return datetime.combine(day, start.timetz()).astimezone(ZoneInfo("UTC"))


def days_left(moment: datetime, due: datetime, kind: str = WORKING_DAYS, overrides: Overrides | None = None,
              hours: OfficeHours = OfficeHours()) -> int:
    """Days (working or calendar) from the office day of `moment` to the due day; negative when past."""
    first, last = office_day(moment, overrides, hours), due.astimezone(LOCAL_TZ).date()
    if kind == CALENDAR_DAYS:
        return (last - first).days
    return working_days_between(first, last, overrides)


def add_office_time(
    moment: datetime, days: float, overrides: Overrides | None = None, hours: OfficeHours = OfficeHours(),
) -> datetime:
    """`moment` plus (or minus) `days` of office time: whole working days, and a fraction
    of an office day counted within office hours (half a day from 15:00 ends at 10:00
    the next working day with 7:00-17:00 hours). Returns local time."""
    start = effective_reception(moment, overrides, hours)
    length = (datetime.combine(start.date(), hours.closes) - datetime.combine(start.date(), hours.opens))
    into_day = (datetime.combine(start.date(), start.time()) - datetime.combine(start.date(), hours.opens)) / length
    total = into_day + days
    whole = math.floor(total)
    rest = total - whole
    if rest == 0 and total > 0:  # the end of a day rather than the opening of the next
        whole, rest = whole - 1, 1.0
    day = start.date()
    if whole > 0:
        day = _ordinals(overrides).nth_after(day, whole)
    elif whole < 0:
        day = _ordinals(overrides).nth_before(day, -whole)
    opening = datetime.combine(day, hours.opens, LOCAL_TZ)
    return opening + timedelta(seconds=round(rest * length.total_seconds()))


def local_today() -> date:
    """Today in Viet Nam: effective dates, the calendar and report periods count in it."""
    from portal.db import utcnow

    return utcnow().astimezone(LOCAL_TZ).date()
