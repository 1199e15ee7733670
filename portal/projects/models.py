"""An enterprise's investment project, with its licence (IRC) data once granted."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.catalogue.models import Zone
from portal.db import UTCDateTime, utcnow
from portal.extensions import db
from portal.i18n import Bilingual


class Project(Bilingual, db.Model):
    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"), index=True)
    name_vi: Mapped[str] = mapped_column(sa.String(500))
    name_en: Mapped[str] = mapped_column(sa.String(500), default="")
    objectives: Mapped[str] = mapped_column(sa.Text, default="")
    zone_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("zones.id"))
    location: Mapped[str] = mapped_column(sa.String(255), default="")  # lot / plot
    land_area_m2: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 2))
    total_capital_vnd: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(20, 0))
    total_capital_usd: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(16, 2))
    capital_sources: Mapped[str] = mapped_column(sa.Text, default="")
    workforce: Mapped[Optional[int]]
    schedule: Mapped[str] = mapped_column(sa.Text, default="")
    sector: Mapped[str] = mapped_column(sa.String(255), default="")
    # Investment registration certificate, once granted.
    irc_number: Mapped[str] = mapped_column(sa.String(60), default="")
    irc_date: Mapped[Optional[date]]
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    zone: Mapped[Optional[Zone]] = relationship()
    created_by: Mapped[Optional[User]] = relationship()

    def can_edit(self, user) -> bool:
        return user.is_authenticated and self.enterprise_id in user.enterprise_ids
