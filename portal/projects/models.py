"""An enterprise's investment project, and the history of its investment registration
certificate (IRC): the first issue (number and date), then each amendment (lần điều
chỉnh thứ N), re-issue or correction, and the end of the project, each with its date
and the dossier that made it. Entries are added, never rewritten: approving an
amendment never changes the first-issue date."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.catalogue.models import CertificateEffect, Zone
from portal.db import UTCDateTime, str_enum, utcnow
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
    created_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    enterprise: Mapped[Enterprise] = relationship()
    zone: Mapped[Optional[Zone]] = relationship()
    created_by: Mapped[Optional[User]] = relationship()
    certificate_entries: Mapped[list["CertificateEntry"]] = relationship(
        back_populates="project", order_by="CertificateEntry.sequence", cascade="all, delete-orphan"
    )

    def can_edit(self, user) -> bool:
        return user.is_authenticated and self.enterprise_id in user.enterprise_ids

    @property
    def first_issue(self) -> Optional["CertificateEntry"]:
        return next((e for e in self.certificate_entries if e.kind is CertificateEffect.ISSUE), None)

    @property
    def certificate_number(self) -> str:
        first = self.first_issue
        return first.number if first else ""

    @property
    def has_certificate(self) -> bool:
        """Holds a certificate in force: issued and not withdrawn at the project's end."""
        kinds = {e.kind for e in self.certificate_entries}
        return CertificateEffect.ISSUE in kinds and CertificateEffect.TERMINATE not in kinds

    @property
    def amendment_count(self) -> int:
        return sum(1 for e in self.certificate_entries if e.kind.is_amendment)

    @property
    def next_amendment_no(self) -> int:
        return max((e.amendment_no or 0 for e in self.certificate_entries), default=0) + 1

    @property
    def is_certificate_declared(self) -> bool:
        """Only the investor's own statement of an earlier certificate, nothing recorded by the Board."""
        return bool(self.certificate_entries) and all(e.dossier_id is None for e in self.certificate_entries)


class CertificateEntry(db.Model):
    """One line of a project's certificate history. Append-only once recorded by the Board."""

    __tablename__ = "certificate_entries"
    __table_args__ = (sa.UniqueConstraint("project_id", "sequence"),
                      # The investment report's certificates of a kind in a period.
                      sa.Index("ix_certificate_entries_kind_issued", "kind", "issued_on", "project_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    sequence: Mapped[int]  # 1 for the first entry, then 2, 3, ...
    kind: Mapped[CertificateEffect] = mapped_column(str_enum(CertificateEffect))
    number: Mapped[str] = mapped_column(sa.String(60))
    amendment_no: Mapped[Optional[int]]  # lần điều chỉnh thứ N, for amendments
    issued_on: Mapped[date]
    # The dossier whose approval made this entry; none when the investor declared an
    # earlier certificate granted before the portal.
    dossier_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("dossiers.id"))
    recorded_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # What the certificate said when this entry was made (the investment report counts a
    # period from these, not from the project as it is today): the project's zone and
    # figures, and the investor's country, after the entry.
    zone_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("zones.id"))
    country: Mapped[str] = mapped_column(sa.String(2), default="")
    capital_vnd: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(20, 0))
    capital_usd: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(16, 2))
    land_m2: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(14, 2))
    workforce: Mapped[Optional[int]]

    project: Mapped[Project] = relationship(back_populates="certificate_entries")
    dossier = relationship("Dossier", viewonly=True)
    recorded_by: Mapped[Optional[User]] = relationship()

    def take_figures(self) -> None:
        """Copy the project's zone and figures and its investor's country as they stand now."""
        project = self.project
        self.zone_id, self.country = project.zone_id, project.enterprise.country
        self.capital_vnd, self.capital_usd = project.total_capital_vnd, project.total_capital_usd
        self.land_m2, self.workforce = project.land_area_m2, project.workforce

    @property
    def title(self) -> str:
        from flask_babel import gettext as _

        if self.kind is CertificateEffect.ISSUE:
            return _("First issue")
        if self.kind.is_amendment:
            return _("Amendment no. %(n)d", n=self.amendment_no or 0)
        if self.kind is CertificateEffect.REISSUE:
            return _("Re-issued or corrected")
        return _("Project terminated, certificate withdrawn")
