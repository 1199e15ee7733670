"""The calendar as the portal uses it: official holidays plus the Board's overrides."""
from __future__ import annotations

from flask import g

from portal.calendar import Overrides
from portal.calendar.models import CalendarOverride
from portal.extensions import db


def overrides() -> Overrides:
    """The Board's overrides, read once per request (or command)."""
    if "calendar_overrides" in g:
        return g.calendar_overrides
    rows = db.session.execute(db.select(CalendarOverride.day, CalendarOverride.is_working)).all()
    g.calendar_overrides = Overrides(
        days_off=frozenset(day for day, working in rows if not working),
        working_days=frozenset(day for day, working in rows if working),
    )
    return g.calendar_overrides
