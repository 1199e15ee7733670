"""The investment report: projects granted an investment registration certificate (IRC)
in a period and those holding one at its end, by zone and by the investor's country, with
their registered capital, land area and planned workforce; and the period's amendments,
transfers, re-issues and terminations.

Read from the projects' certificate records (the Board's own entries and the earlier
certificates investors declared), grouped in the database: three queries whatever the
number of projects. Each entry keeps the zone, the figures and the investor's country of
the certificate it records, so a period's figures are those of its certificates: the first
issue's for the certificates granted, the last entry by the period's end for the projects
holding one, whatever was amended since.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa

from portal.catalogue.models import CertificateEffect, Zone
from portal.extensions import db
from portal.projects.models import CertificateEntry
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
    entry = CertificateEntry
    granted = _breakdown(sa.select(entry).where(entry.kind == CertificateEffect.ISSUE, entry.issued_on >= period.first,
                                                entry.issued_on <= period.last).subquery())
    # Each project's last entry by the period's end: it holds a certificate unless that ended it.
    last = (sa.select(entry, sa.func.row_number().over(partition_by=entry.project_id,
                                                       order_by=entry.sequence.desc()).label("recent"))
            .where(entry.issued_on <= period.last).subquery())
    in_force = _breakdown(sa.select(last).where(last.c.recent == 1, last.c.kind != CertificateEffect.TERMINATE)
                          .subquery())
    changes = {effect: 0 for effect in (CertificateEffect.AMEND, CertificateEffect.TRANSFER,
                                        CertificateEffect.REISSUE, CertificateEffect.TERMINATE)}
    changes.update(db.session.execute(
        sa.select(entry.kind, sa.func.count())
        .where(entry.kind != CertificateEffect.ISSUE, entry.issued_on >= period.first, entry.issued_on <= period.last)
        .group_by(entry.kind)).all())
    return InvestmentReport(period=period, at=now, granted=granted, in_force=in_force, changes=changes)


def _breakdown(entries) -> Breakdown:
    """`entries` (certificate entries, one per project) added up by zone and country, from
    the figures each entry recorded."""
    c = entries.c
    rows = db.session.execute(
        sa.select(c.zone_id, c.country, sa.func.count(), sa.func.coalesce(sa.func.sum(c.capital_vnd), 0),
                  sa.func.coalesce(sa.func.sum(c.capital_usd), 0), sa.func.coalesce(sa.func.sum(c.land_m2), 0),
                  sa.func.coalesce(sa.func.sum(c.workforce), 0))
        .group_by(c.zone_id, c.country))
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
