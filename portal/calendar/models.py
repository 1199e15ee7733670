"""The Board's own changes to the official calendar (admin-editable)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class CalendarOverride(db.Model):
    """An extra day off (is_working False) or an extra working day (is_working True)."""

    __tablename__ = "calendar_overrides"

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(unique=True)
    is_working: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(255), default="")
