"""The Board's own calendar: extra days off and extra working days, each with its reason.

A change applies to what is computed from then on (receptions, resumed clocks); due dates
already set and printed on receipts stay as they are. Each change is audited; the
reference version is raised by the flush (services.reference), so every process rereads
the calendar.
"""
from __future__ import annotations

from datetime import date

from flask_babel import gettext as _

from portal.audit import operations as audit
from portal.calendar import is_working_day
from portal.calendar.models import CalendarOverride
from portal.extensions import db

EARLIEST, LATEST = 2000, 2100


class CalendarError(Exception):
    """A refused change; `str(exc)` is the message, `field` the form field it belongs to."""

    def __init__(self, message: str, field: str = "day"):
        super().__init__(message)
        self.field = field


def _check(day: date, is_working: bool, reason: str, replacing: CalendarOverride | None = None) -> str:
    if not EARLIEST <= day.year <= LATEST:
        raise CalendarError(_("Choose a day between %(first)d and %(last)d.", first=EARLIEST, last=LATEST))
    reason = (reason or "").strip()
    if not reason:
        raise CalendarError(_("Give the reason (the decision or notice it follows)."), "reason")
    existing = db.session.scalar(db.select(CalendarOverride).where(CalendarOverride.day == day))
    if existing is not None and existing is not replacing:
        raise CalendarError(_("The Board already has a change on %(day)s: edit that one.",
                              day=day.strftime("%d/%m/%Y")))
    if is_working_day(day) == is_working:   # the official calendar alone
        shown = day.strftime("%d/%m/%Y")
        raise CalendarError(_("%(day)s is already a working day.", day=shown) if is_working
                            else _("%(day)s is already a day off.", day=shown), "is_working")
    return reason


def add_day(day: date, is_working: bool, reason: str, actor) -> CalendarOverride:
    """An extra day off (is_working False) or an extra working day, with its reason."""
    reason = _check(day, is_working, reason)
    override = CalendarOverride(day=day, is_working=is_working, note=reason[:255])
    db.session.add(override)
    audit.record("calendar.add", actor=actor, target=day.isoformat(),
                 detail=f"{'working' if is_working else 'off'}: {reason}")
    db.session.flush()
    return override


def change_day(override: CalendarOverride, day: date, is_working: bool, reason: str, actor) -> None:
    reason = _check(day, is_working, reason, replacing=override)
    before = f"{override.day.isoformat()} {'working' if override.is_working else 'off'}"
    override.day, override.is_working, override.note = day, is_working, reason[:255]
    audit.record("calendar.change", actor=actor, target=day.isoformat(),
                 detail=f"was {before}; now {'working' if is_working else 'off'}: {reason}")
    db.session.flush()


def remove_day(override: CalendarOverride, actor) -> None:
    audit.record("calendar.remove", actor=actor, target=override.day.isoformat(),
                 detail=f"{'working' if override.is_working else 'off'}: {override.note}")
    db.session.delete(override)
    db.session.flush()
