"""The calendar as the portal uses it: official holidays plus the Board's overrides."""
from __future__ import annotations

from portal.calendar import Overrides
from portal.calendar.models import CalendarOverride
from portal.extensions import db
from portal.services.reference import cached


def overrides() -> Overrides:
    """The Board's overrides, kept for the process until they change (services.reference)."""
    return cached("calendar_overrides", _read_overrides)


def _read_overrides() -> Overrides:
    rows = db.session.execute(db.select(CalendarOverride.day, CalendarOverride.is_working)).all()
    return Overrides(
        days_off=frozenset(day for day, working in rows if not working),
        working_days=frozenset(day for day, working in rows if working),
    )
