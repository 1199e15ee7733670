"""On time or not: the one classification every page and report uses.

The rules of Decision 766/QĐ-TTg: a finished dossier is early, on time or late against
its legal due date (reception + the limit, moved by the time spent waiting for the
investor's supplements, never by an apology's new appointment); an open one is within
or past its deadline. Two events make a dossier late whatever happens next: a
supplement requested after the due date had passed (the request counts as its end),
and a second supplement request during processing.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

from flask_babel import lazy_gettext as _l

from portal.calendar import (
    LOCAL_TZ, WORKING_DAYS, OfficeHours, Overrides, due_at, office_day, paused_days, working_days_between,
)


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


def classify(due: Optional[datetime], finished_at: Optional[datetime], now: datetime) -> Optional[Timeliness]:
    """Early: finished on a day before the due day; on time: by the due time; late: after."""
    if due is None:
        return None
    if finished_at is None:
        return Timeliness.PAST if now > due else Timeliness.WITHIN
    if finished_at.astimezone(LOCAL_TZ).date() < due.astimezone(LOCAL_TZ).date():
        return Timeliness.EARLY
    return Timeliness.ON_TIME if finished_at <= due else Timeliness.LATE


def late_since(dossier, overrides: Optional[Overrides] = None, hours: OfficeHours = OfficeHours()
               ) -> Optional[datetime]:
    """When a rule of Decision 766 made the dossier late, if one did: a second supplement
    request during processing, or a request made after the due date had passed (the due
    date as it stood then: reception + limit + the waits before that request)."""
    version = dossier.version
    requests = dossier.processing_supplements
    if dossier.received_at is None or not version.time_limit_days or not requests:
        return None
    if len(requests) > 1:
        return requests[1].created_at
    request = requests[0]
    due_then = due_at(dossier.received_at, version.time_limit_days, version.time_limit_kind.value,
                      overrides, hours)
    return request.created_at if request.created_at > due_then else None


def of_dossier(dossier, now: datetime, overrides: Optional[Overrides] = None,
               hours: OfficeHours = OfficeHours()) -> Optional[Timeliness]:
    """The classification of a dossier (None before reception or without a time limit)."""
    if dossier.received_at is None or dossier.legal_due_at is None:
        return None
    finished = dossier.finished_at
    if late_since(dossier, overrides, hours) is not None:
        return Timeliness.LATE if finished else Timeliness.PAST
    if finished is None and dossier.is_paused:
        return Timeliness.WITHIN  # the clock is stopped while the investor works
    if finished is not None and dossier.paused_at is not None:
        # Ended during a wait (withdrawn): the wait was the investor's time, the clock stood still.
        finished = dossier.paused_at
    return classify(dossier.legal_due_at, finished, now)


def processing_days(dossier, overrides: Optional[Overrides] = None, hours: OfficeHours = OfficeHours()
                    ) -> Optional[int]:
    """Working days from reception to the end (Decision 766's processing time): from the
    office day of reception to the office day of the end, less the office days spent waiting
    for the investor's supplements during processing. Ended during a wait (withdrawn): the
    end is when the wait began."""
    if dossier.received_at is None or dossier.finished_at is None:
        return None
    end = dossier.paused_at if dossier.paused_at is not None else dossier.finished_at
    days = working_days_between(office_day(dossier.received_at, overrides, hours), office_day(end, overrides, hours),
                                overrides)
    waits = sum(paused_days(r.created_at, r.answered_at, WORKING_DAYS, overrides, hours)
                for r in dossier.processing_supplements if r.answered_at is not None)
    return max(days - waits, 0)


def remaining_days_text(dossier) -> str:
    """"3 working days left" / "overdue by 2 working days" / "clock paused: 8 working days left"."""
    from flask_babel import ngettext

    from portal.calendar import days_left, local_today, working_days_between
    from portal.calendar.queries import overrides

    if dossier.due_at is None:
        return ""
    kind = dossier.version.time_limit_kind.value
    if dossier.is_paused:
        days = max(days_left(dossier.paused_at, dossier.due_at, kind, overrides()), 0)
        if kind == "calendar_days":
            return ngettext("clock paused: %(num)d day left", "clock paused: %(num)d days left", days)
        return ngettext("clock paused: %(num)d working day left", "clock paused: %(num)d working days left", days)
    today = local_today()
    days = working_days_between(today, dossier.due_at.astimezone(LOCAL_TZ).date(), overrides())
    if dossier.is_overdue():
        return ngettext("overdue by %(num)d working day", "overdue by %(num)d working days", max(-days, 0))
    return ngettext("%(num)d working day left", "%(num)d working days left", max(days, 0))
