"""The investment report: projects granted an investment registration certificate (IRC)
in a period and those holding one at its end, by zone and by the investor's country, with
their registered capital, land area and planned workforce; and the period's amendments,
transfers, re-issues and terminations.

Read from the projects' certificate records (the Board's own entries and the earlier
certificates investors declared), grouped in the database: three queries whatever the
number of projects. A project's figures are those it holds now (the last certificate's).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa

from portal.accounts.models import Enterprise
from portal.catalogue.models import CertificateEffect, Zone
from portal.extensions import db
from portal.projects.models import CertificateEntry, Project
from portal.reports.periods import Period

DOMESTIC = "VN"


@dataclass
class Investment:
    projects: int = 0
    capital_vnd: Decimal = Decimal(0)
    capital_usd: Decimal = Decimal(0)
    land_m2: Decimal = Decimal(0)
    workforce: int = 0

    def add(self, other: "Investment") -> "Investment":
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self


@dataclass
class Breakdown:
    """Projects added up in total, by zone, by country and domestic / foreign."""

    total: Investment = field(default_factory=Investment)
    by_zone: list[tuple[Optional[Zone], Investment]] = field(default_factory=list)
    by_country: list[tuple[str, Investment]] = field(default_factory=list)   # ISO code, largest first
    domestic: Investment = field(default_factory=Investment)
    foreign: Investment = field(default_factory=Investment)


@dataclass
class InvestmentReport:
    period: Period
    at: datetime
    granted: Breakdown       # first issued in the period
    in_force: Breakdown      # holding a certificate at the period's end
    changes: dict[CertificateEffect, int]   # amendments, transfers, re-issues, terminations in the period


def investment_report(period: Period, now: datetime) -> InvestmentReport:
    issue = CertificateEntry.kind == CertificateEffect.ISSUE
    granted = _breakdown(issue, CertificateEntry.issued_on >= period.first, CertificateEntry.issued_on <= period.last)
    ended = sa.select(CertificateEntry.project_id).where(CertificateEntry.kind == CertificateEffect.TERMINATE,
                                                         CertificateEntry.issued_on <= period.last)
    in_force = _breakdown(issue, CertificateEntry.issued_on <= period.last, CertificateEntry.project_id.not_in(ended))
    changes = {effect: 0 for effect in (CertificateEffect.AMEND, CertificateEffect.TRANSFER,
                                        CertificateEffect.REISSUE, CertificateEffect.TERMINATE)}
    changes.update(db.session.execute(
        sa.select(CertificateEntry.kind, sa.func.count())
        .where(CertificateEntry.kind != CertificateEffect.ISSUE, CertificateEntry.issued_on >= period.first,
               CertificateEntry.issued_on <= period.last)
        .group_by(CertificateEntry.kind)).all())
    return InvestmentReport(period=period, at=now, granted=granted, in_force=in_force, changes=changes)


def _breakdown(*conditions) -> Breakdown:
    rows = db.session.execute(
        sa.select(Project.zone_id, Enterprise.country, sa.func.count(Project.id),
                  sa.func.coalesce(sa.func.sum(Project.total_capital_vnd), 0),
                  sa.func.coalesce(sa.func.sum(Project.total_capital_usd), 0),
                  sa.func.coalesce(sa.func.sum(Project.land_area_m2), 0),
                  sa.func.coalesce(sa.func.sum(Project.workforce), 0))
        .select_from(CertificateEntry).join(Project, Project.id == CertificateEntry.project_id)
        .join(Enterprise, Enterprise.id == Project.enterprise_id)
        .where(*conditions).group_by(Project.zone_id, Enterprise.country))
    result = Breakdown()
    zones: dict[Optional[int], Investment] = defaultdict(Investment)
    countries: dict[str, Investment] = defaultdict(Investment)
    for zone_id, country, count, vnd, usd, land, workforce in rows:
        part = Investment(count, Decimal(vnd), Decimal(usd), Decimal(land), int(workforce))
        for whole in (result.total, zones[zone_id], countries[country],
                      result.domestic if country == DOMESTIC else result.foreign):
            whole.add(part)
    known = {z.id: z for z in db.session.scalars(sa.select(Zone).order_by(Zone.sort_order, Zone.id))}
    result.by_zone = [(zone, zones.get(zone.id, Investment())) for zone in known.values()]
    if None in zones:
        result.by_zone.append((None, zones[None]))
    result.by_country = sorted(countries.items(), key=lambda item: (item[0] != DOMESTIC, -item[1].projects, item[0]))
    return result
