"""Investors' ratings of the service over a period, per procedure and per handling unit:
how many, the average and how they spread from 1 to 5. One grouped query."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Optional

import sqlalchemy as sa

from portal.catalogue.models import Procedure, Unit
from portal.dossiers.models import Dossier, ServiceRating
from portal.extensions import db
from portal.reports.periods import Period


@dataclass
class Ratings:
    scores: dict[int, int] = field(default_factory=lambda: dict.fromkeys(range(1, 6), 0))

    @property
    def count(self) -> int:
        return sum(self.scores.values())

    @property
    def average(self) -> Optional[float]:
        return sum(s * n for s, n in self.scores.items()) / self.count if self.count else None


def ratings(period: Period) -> tuple[Ratings, list[tuple[Procedure, Ratings]], list[tuple[Unit, Ratings]]]:
    """(all, per procedure, per unit) for the ratings given in `period`."""
    total = Ratings()
    by_procedure: dict[int, Ratings] = defaultdict(Ratings)
    by_unit: dict[int, Ratings] = defaultdict(Ratings)
    for procedure_id, unit_id, score, count in db.session.execute(
            sa.select(Dossier.procedure_id, Dossier.unit_id, ServiceRating.score, sa.func.count())
            .join(Dossier, Dossier.id == ServiceRating.dossier_id)
            .where(ServiceRating.created_at >= period.start, ServiceRating.created_at < period.end)
            .group_by(Dossier.procedure_id, Dossier.unit_id, ServiceRating.score)):
        for ratings_ in (total, by_procedure[procedure_id], by_unit[unit_id]):
            ratings_.scores[score] += count
    return total, _named(Procedure, by_procedure), _named(Unit, by_unit)


def _named(model, grouped: dict) -> list:
    if not grouped:
        return []
    rows = db.session.scalars(sa.select(model).where(model.id.in_(list(grouped))).order_by(model.sort_order, model.id))
    return [(row, grouped[row.id]) for row in rows]
