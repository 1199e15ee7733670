"""The service report: how the one-stop service performed over a period (Decision 766/QĐ-TTg).

The layout of the national form (Circular 01/2018/TT-VPCP): dossiers to handle, received in
the period (online, in person or by post) and carried over from before; finished early, on
time or late; still open at the period's end, within or past the deadline; and beside them
the refusals at the desk, the withdrawals and the stops. The on-time rate is that of the
finished dossiers (early and on time over those with a deadline); the average processing
time is in working days, the waits for the investor's supplements left out.

Read from the dossiers in a fixed number of grouped queries whatever the period, each
served by an index (migration 0010): receptions by `received_at`, ends by `finished_at` with the grade
fixed when the dossier ended (so a closed period's figures never change), and the dossiers
open at the period's start and end through `sql.open_at`. The figures are gathered per
handling unit and procedure, then added up per procedure, per unit and in total.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Iterable, Optional, Sequence

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal import paging
from portal.catalogue.models import Procedure, Unit
from portal.dossiers.models import Channel, Dossier, DossierEvent, ServiceRating
from portal.dossiers.timeliness import Timeliness
from portal.dossiers.workflow import OPEN_STATES, Action, State
from portal.extensions import db
from portal.reports.periods import Period
from portal.reports.sql import local_month, open_at

FINISHED = (State.RESOLVED, State.RETURNED, State.WITHDRAWN)   # national codes 9, 10 and withdrawn
RECEIVED_OPEN = tuple(OPEN_STATES - {State.SUBMITTED})


@dataclass
class Figures:
    """The counts of one row of the report (a procedure, a unit, a month, the total)."""

    received_online: int = 0
    received_other: int = 0     # in person at the desk or by post
    carried_over: int = 0
    early: int = 0
    on_time: int = 0
    late: int = 0
    ungraded: int = 0           # finished, for a procedure without a time limit
    withdrawn: int = 0          # of the finished
    stopped: int = 0
    refused: int = 0            # refused at the desk, never received
    open_within: int = 0
    open_past: int = 0
    days_total: int = 0
    days_count: int = 0

    def add(self, other: "Figures") -> "Figures":
        for f in fields(self):
            setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))
        return self

    @property
    def received(self) -> int:
        return self.received_online + self.received_other

    @property
    def handled(self) -> int:
        return self.received + self.carried_over

    @property
    def graded(self) -> int:
        return self.early + self.on_time + self.late

    @property
    def finished(self) -> int:
        return self.graded + self.ungraded

    @property
    def open(self) -> int:
        return self.open_within + self.open_past

    @property
    def on_time_rate(self) -> Optional[float]:
        """Early and on time, in per cent of the finished dossiers that had a deadline."""
        return 100 * (self.early + self.on_time) / self.graded if self.graded else None

    @property
    def average_days(self) -> Optional[float]:
        return self.days_total / self.days_count if self.days_count else None

    @property
    def online_share(self) -> Optional[float]:
        return 100 * self.received_online / self.received if self.received else None


@dataclass
class Filters:
    """What the report is limited to; None means everything the reader may see."""

    unit_ids: Optional[Sequence[int]] = None
    procedure_ids: Optional[Sequence[int]] = None

    def conditions(self, model=Dossier) -> list:
        conditions = []
        if self.unit_ids is not None:
            conditions.append(model.unit_id.in_(list(self.unit_ids)))
        if self.procedure_ids is not None:
            conditions.append(model.procedure_id.in_(list(self.procedure_ids)))
        return conditions

    @property
    def is_empty(self) -> bool:
        return self.unit_ids is None and self.procedure_ids is None


@dataclass
class Row:
    key: object          # a Procedure or a Unit (ids and names), or a month "2026-03"
    figures: Figures


@dataclass
class ServiceReport:
    period: Period
    at: datetime
    total: Figures
    by_procedure: list[Row]
    by_unit: list[Row]
    by_month: list[Row]
    ratings: int
    rating_average: Optional[float]
    overdue: paging.Page = field(repr=False, default=None)
    held_since: dict[int, datetime] = field(repr=False, default_factory=dict)   # of the overdue page's dossiers


Key = tuple[int, int]   # (unit id, procedure id)


def service_report(period: Period, filters: Filters, now: datetime,
                   overdue_at: paging.Position = paging.FIRST, overdue_size: int = paging.PAGE_SIZE) -> ServiceReport:
    """The report for `period`, limited by `filters` (the reader's scope already in them)."""
    cells: dict[Key, Figures] = defaultdict(Figures)
    months: dict[str, Figures] = {m: Figures() for m in period.months()}
    where = filters.conditions()
    for (unit_id, procedure_id, month), figures in count_period(period, where).items():
        cells[(unit_id, procedure_id)].add(figures)
        months[month].add(figures)
    for key, count in _open_at(period.start, where):
        cells[key].carried_over += count[0]
    for key, (count, past) in _open_at(period.end, where, past_before=min(period.end, now)):
        cells[key].open_past += past
        cells[key].open_within += count - past
    ratings, average = _ratings(period, filters)
    overdue = overdue_page(filters, now, overdue_at, overdue_size)
    total = Figures()
    for figures in cells.values():
        total.add(figures)
    return ServiceReport(
        period=period, at=now, total=total,
        by_procedure=_rows(cells, 1, Procedure), by_unit=_rows(cells, 0, Unit),
        by_month=[Row(m, f) for m, f in months.items()],
        ratings=ratings, rating_average=average,
        overdue=overdue, held_since=held_since(overdue.rows),
    )


def count_period(period: Period, where: Sequence = ()) -> dict[tuple[int, int, str], Figures]:
    """The period's receptions (by channel) and ends (by state and grade, with the working
    days they took), per handling unit, procedure and local month: two grouped queries,
    each read from its covering index (migration 0010). The service report and the public
    dashboard both add these up."""
    cells: dict[tuple[int, int, str], Figures] = defaultdict(Figures)
    received_month = local_month(Dossier.received_at)
    for unit_id, procedure_id, channel, month, count in db.session.execute(
            sa.select(Dossier.unit_id, Dossier.procedure_id, Dossier.channel, received_month, sa.func.count())
            .where(Dossier.received_at >= period.start, Dossier.received_at < period.end, *where)
            .group_by(Dossier.unit_id, Dossier.procedure_id, Dossier.channel, received_month)):
        figures = cells[(unit_id, procedure_id, month)]
        if channel is Channel.ONLINE:
            figures.received_online += count
        else:
            figures.received_other += count
    ended_month = local_month(Dossier.finished_at)
    for unit_id, procedure_id, state, grade, month, count, days, timed in db.session.execute(
            sa.select(Dossier.unit_id, Dossier.procedure_id, Dossier.state, Dossier.grade, ended_month,
                      sa.func.count(), sa.func.coalesce(sa.func.sum(Dossier.processing_days), 0),
                      sa.func.count(Dossier.processing_days))
            .where(Dossier.finished_at >= period.start, Dossier.finished_at < period.end, *where,
                   sa.or_(Dossier.received_at.is_not(None), Dossier.state == State.REFUSED))
            .group_by(Dossier.unit_id, Dossier.procedure_id, Dossier.state, Dossier.grade, ended_month)):
        add_end(cells[(unit_id, procedure_id, month)], State(state), grade, count, days, timed)
    return cells


def add_end(figures: Figures, state: State, grade, count: int, days: int, timed: int) -> None:
    if state is State.REFUSED:
        figures.refused += count
        return
    if state is State.STOPPED:
        figures.stopped += count
        return
    if state not in FINISHED:
        return
    grade = Timeliness(grade) if grade else None
    if grade is Timeliness.EARLY:
        figures.early += count
    elif grade is Timeliness.ON_TIME:
        figures.on_time += count
    elif grade is Timeliness.LATE:
        figures.late += count
    else:
        figures.ungraded += count
    if state is State.WITHDRAWN:
        figures.withdrawn += count
    figures.days_total += days
    figures.days_count += timed


def _open_at(moment: datetime, where: list, past_before: Optional[datetime] = None
             ) -> Iterable[tuple[Key, tuple[int, ...]]]:
    """Per unit and procedure, the dossiers open at `moment` (and of those, with
    `past_before`, the ones past their deadline by then: made late by a rule of Decision 766,
    or past the legal due date with the clock running)."""
    columns = [sa.func.count()]
    if past_before is not None:
        columns.append(sa.func.coalesce(sa.func.sum(sa.case((past_deadline(past_before), 1), else_=0)), 0))
    rows = db.session.execute(
        sa.select(Dossier.unit_id, Dossier.procedure_id, *columns)
        .where(open_at(moment), *where).group_by(Dossier.unit_id, Dossier.procedure_id))
    return [((unit_id, procedure_id), tuple(counts)) for unit_id, procedure_id, *counts in rows]


def _ratings(period: Period, filters: Filters) -> tuple[int, Optional[float]]:
    """The investors' ratings given in the period: how many and their average (1 to 5)."""
    query = (sa.select(sa.func.count(ServiceRating.id), sa.func.avg(ServiceRating.score))
             .where(ServiceRating.created_at >= period.start, ServiceRating.created_at < period.end))
    if not filters.is_empty:
        query = query.join(Dossier, Dossier.id == ServiceRating.dossier_id).where(*filters.conditions())
    count, average = db.session.execute(query).one()
    return count, (float(average) if average is not None else None)


def _rows(cells: dict[Key, Figures], position: int, model) -> list[Row]:
    """The cells added up by unit (position 0) or procedure (1), in the catalogue's order."""
    grouped: dict[int, Figures] = defaultdict(Figures)
    for key, figures in cells.items():
        grouped[key[position]].add(figures)
    if not grouped:
        return []
    order = (model.sort_order, model.id)
    named = db.session.scalars(sa.select(model).where(model.id.in_(list(grouped))).order_by(*order))
    return [Row(item, grouped[item.id]) for item in named]


def past_deadline(moment: datetime) -> sa.ColumnElement[bool]:
    """Open and past the deadline at `moment` (timeliness.of_dossier's PAST, in SQL): made
    late by a rule of Decision 766 by then, or past the legal due date and not waiting for
    the investor then. The present due date and wait are used for a past moment."""
    waiting = sa.and_(Dossier.paused_at.is_not(None), Dossier.paused_at <= moment)
    return sa.or_(Dossier.late_at <= moment, sa.and_(Dossier.legal_due_at < moment, sa.not_(waiting)))


def overdue_page(filters: Filters, now: datetime, at: paging.Position = paging.FIRST,
                 size: int = paging.PAGE_SIZE) -> paging.Page:
    """Received dossiers open and past their deadline now, the longest overdue first."""
    base = (sa.select(Dossier)
            .where(Dossier.state.in_(RECEIVED_OPEN), past_deadline(now), *filters.conditions()))
    return paging.keyset(base, (Dossier.legal_due_at, Dossier.id), at, name="overdue", size=size,
                         options=(joinedload(Dossier.procedure), joinedload(Dossier.unit),
                                  joinedload(Dossier.assignee)))


def held_since(dossiers: Sequence[Dossier]) -> dict[int, datetime]:
    """When each dossier came to its present holder: its last move (an apology moves nothing),
    in one query."""
    if not dossiers:
        return {}
    rows = db.session.execute(
        sa.select(DossierEvent.dossier_id, sa.func.max(DossierEvent.created_at))
        .where(DossierEvent.dossier_id.in_([d.id for d in dossiers]), DossierEvent.action != Action.APOLOGIZE)
        .group_by(DossierEvent.dossier_id))
    return dict(rows.all())
