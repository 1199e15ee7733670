"""The public dashboard: the Board's service record for anyone to see, as the national
portal shows each agency's. Counts only (nothing about any investor or dossier), for the
current year and the last twelve months, per field of procedures and per month.

Two grouped queries over the window (receptions and ends, as the service report counts
them), kept per process for DASHBOARD_CACHE_SECONDS: every visitor of the home page's link
does not recount a year of dossiers.
"""
from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from threading import Lock

import sqlalchemy as sa
from flask import current_app

from portal.calendar import LOCAL_TZ
from portal.catalogue import queries as catalogue
from portal.catalogue.models import Procedure
from portal.dossiers.models import Channel, Dossier
from portal.dossiers.workflow import State
from portal.extensions import db
from portal.reports import periods
from portal.reports.service import Figures, add_end
from portal.reports.sql import local_month


@dataclass
class Dashboard:
    at: datetime
    year: int
    this_year: Figures
    twelve_months: Figures
    window: periods.Period
    by_field: list[tuple[object, Figures, Figures]]   # field, this year, last twelve months
    by_month: list[tuple[str, Figures]]              # the last twelve months, oldest first


_lock = Lock()


def dashboard(now: datetime) -> Dashboard:
    """The figures, recounted at most every DASHBOARD_CACHE_SECONDS in this process (kept
    per application, like the reference data)."""
    seconds = current_app.config["DASHBOARD_CACHE_SECONDS"]
    if seconds <= 0:
        return count(now)
    kept = current_app.extensions.setdefault("portal.dashboard", {})
    with _lock:
        at, figures = kept.get("figures", (None, None))
        if at is not None and 0 <= time.monotonic() - at < seconds:
            return figures
    figures = count(now)
    with _lock:
        kept["figures"] = (time.monotonic(), figures)
    return figures


def count(now: datetime) -> Dashboard:
    today = now.astimezone(LOCAL_TZ).date()
    window = periods.twelve_months_to(today)
    year_first = date(today.year, 1, 1)
    window = periods.Period(min(window.first, year_first), today)
    months = periods.twelve_months_to(today).months()
    fields = {f.id: f for f in catalogue.fields()}
    field_of = {procedure_id: fields.get(field_id) for procedure_id, field_id in
                db.session.execute(sa.select(Procedure.id, Procedure.field_id))}
    cells: dict[tuple[int, str], Figures] = defaultdict(Figures)   # (procedure id, month)

    received_month = local_month(Dossier.received_at)
    for procedure_id, channel, month, count_ in db.session.execute(
            sa.select(Dossier.procedure_id, Dossier.channel, received_month, sa.func.count())
            .where(Dossier.received_at >= window.start, Dossier.received_at < window.end)
            .group_by(Dossier.procedure_id, Dossier.channel, received_month)):
        figures = cells[(procedure_id, month)]
        if channel is Channel.ONLINE:
            figures.received_online += count_
        else:
            figures.received_other += count_

    ended_month = local_month(Dossier.finished_at)
    for procedure_id, state, grade, month, count_, days, timed in db.session.execute(
            sa.select(Dossier.procedure_id, Dossier.state, Dossier.grade, ended_month, sa.func.count(),
                      sa.func.coalesce(sa.func.sum(Dossier.processing_days), 0),
                      sa.func.count(Dossier.processing_days))
            .where(Dossier.finished_at >= window.start, Dossier.finished_at < window.end,
                   sa.or_(Dossier.received_at.is_not(None), Dossier.state == State.REFUSED))
            .group_by(Dossier.procedure_id, Dossier.state, Dossier.grade, ended_month)):
        add_end(cells[(procedure_id, month)], State(state), grade, count_, days, timed)

    this_year, twelve = Figures(), Figures()
    per_field: dict[int, tuple[object, Figures, Figures]] = {}
    per_month = {m: Figures() for m in months}
    year_prefix = f"{today.year}-"
    for (procedure_id, month), figures in cells.items():
        field = field_of.get(procedure_id)
        if field is not None and field.id not in per_field:
            per_field[field.id] = (field, Figures(), Figures())
        if month.startswith(year_prefix):
            this_year.add(figures)
            if field is not None:
                per_field[field.id][1].add(figures)
        if month in per_month:
            twelve.add(figures)
            per_month[month].add(figures)
            if field is not None:
                per_field[field.id][2].add(figures)
    order = {f.id: (f.sort_order, f.id) for f in fields.values()}
    by_field = sorted(per_field.values(), key=lambda item: order.get(item[0].id, (0, item[0].id)))
    return Dashboard(at=now, year=today.year, this_year=this_year, twelve_months=twelve,
                     window=periods.Period(periods.twelve_months_to(today).first, today),
                     by_field=by_field, by_month=list(per_month.items()))

