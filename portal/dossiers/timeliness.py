"""On time or not: the one classification every page and report uses.

By the rule of Decision 766/QĐ-TTg: a finished dossier is early, on time or late
against its legal due date, with the time spent waiting for the investor's supplements
excluded; an open one is within or past its deadline. The legal due date is computed
again from the reception and the supplement waits, so an apology's new appointment
does not turn a late dossier into an on-time one.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

from portal.calendar import (
    CALENDAR_DAYS,
    LOCAL_TZ,
    OfficeHours,
    Overrides,
    add_calendar_days,
    add_working_days,
    due_at,
    effective_reception,
    working_days_between,
)

UTC = ZoneInfo("UTC")


class Timeliness(enum.StrEnum):
    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"
    WITHIN = "within"  # open, deadline not passed
    PAST = "past"      # open, deadline passed

    @property
    def title(self) -> str:
        return str(_TITLES[self])

    @property
    def is_late(self) -> bool:
        return self in (Timeliness.LATE, Timeliness.PAST)


_TITLES = {
    Timeliness.EARLY: _l("Early"),
    Timeliness.ON_TIME: _l("On time"),
    Timeliness.LATE: _l("Late"),
    Timeliness.WITHIN: _l("Within the deadline"),
    Timeliness.PAST: _l("Past the deadline"),
}


def resume_due(
    due: datetime, paused_at: datetime, resumed_at: datetime, kind: str,
    overrides: Optional[Overrides] = None, hours: OfficeHours = OfficeHours(),
) -> datetime:
    """The due time after a supplement wait: the days that were left when the clock
    stopped count again from the day it restarts (same time of day). A dossier already
    late when the clock stopped stays as late: its due date moves by the wait only."""
    due_local = due.astimezone(LOCAL_TZ)
    pause_day = paused_at.astimezone(LOCAL_TZ).date()
    restart_day = effective_reception(resumed_at, overrides, hours).date()
    if kind == CALENDAR_DAYS:
        left = (due_local.date() - pause_day).days
        if left < 0:
            day = due_local.date() + (restart_day - pause_day)
        else:
            day = add_calendar_days(restart_day, left, overrides) if left else restart_day
    else:
        left = working_days_between(pause_day, due_local.date(), overrides)
        if left < 0:
            day = add_working_days(due_local.date(), working_days_between(pause_day, restart_day, overrides),
                                   overrides)
        else:
            day = add_working_days(restart_day, left, overrides)
    return datetime.combine(day, due_local.timetz()).astimezone(UTC)


def legal_due(
    received_at: datetime, limit: int, kind: str, waits: Iterable[tuple[datetime, datetime]] = (),
    restart: bool = False, overrides: Optional[Overrides] = None, hours: OfficeHours = OfficeHours(),
) -> datetime:
    """The due time set by law: reception plus the limit, moved by every finished
    supplement wait (paused, or counted again from the end of the wait when the
    procedure says the clock restarts)."""
    due = due_at(received_at, limit, kind, overrides, hours)
    for started, ended in waits:
        if restart:
            due = due_at(ended, limit, kind, overrides, hours)
        else:
            due = resume_due(due, started, ended, kind, overrides, hours)
    return due


def classify(due: Optional[datetime], finished_at: Optional[datetime], now: datetime) -> Optional[Timeliness]:
    """Early: finished on a day before the due day; on time: by the due time; late: after."""
    if due is None:
        return None
    if finished_at is None:
        return Timeliness.PAST if now > due else Timeliness.WITHIN
    if finished_at.astimezone(LOCAL_TZ).date() < due.astimezone(LOCAL_TZ).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished_at <= due else Timeliness.LATE


def of_dossier(dossier, now: datetime, overrides: Optional[Overrides] = None,
               hours: OfficeHours = OfficeHours()) -> Optional[Timeliness]:
    """The classification of a dossier (None before reception or without a time limit)."""
    procedure = dossier.procedure
    if dossier.received_at is None or not procedure.time_limit_days:
        return None
    during_processing = [r for r in dossier.supplement_requests if r.origin_state.value != "submitted"]
    # A wait still open when the dossier ended (withdrawn meanwhile) lasted until the end.
    waits = [(r.created_at, r.answered_at or dossier.finished_at) for r in during_processing
             if r.answered_at is not None or dossier.finished_at is not None]
    due = legal_due(dossier.received_at, procedure.time_limit_days, procedure.time_limit_kind.value, waits,
                    procedure.supplement_clock.value == "restart", overrides, hours)
    open_wait = dossier.open_supplement
    if dossier.finished_at is None and open_wait is not None and open_wait.origin_state.value != "submitted":
        return Timeliness.WITHIN  # the clock is stopped while the investor works
    return classify(due, dossier.finished_at, now)


def remaining_days_text(dossier) -> str:
    """"3 working days left" / "2 working days overdue" for a dossier with a due date."""
    from flask_babel import ngettext

    from portal.calendar import LOCAL_TZ, working_days_between
    from portal.calendar.queries import overrides
    from portal.db import utcnow

    if dossier.due_at is None:
        return ""
    today = utcnow().astimezone(LOCAL_TZ).date()
    days = working_days_between(today, dossier.due_at.astimezone(LOCAL_TZ).date(), overrides())
    if dossier.is_overdue():
        late = max(-days, 0)
        return ngettext("overdue by %(num)d working day", "overdue by %(num)d working days", late) if late \
            else ngettext("overdue by %(num)d working day", "overdue by %(num)d working days", 0)
    return ngettext("%(num)d working day left", "%(num)d working days left", days)
