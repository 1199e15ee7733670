"""The public dashboard: the Board's service record for anyone to see, as the national
portal shows each agency's. Counts only (nothing about any investor or dossier), for the
current year and the last twelve months, per field of procedures and per month.

The service report's grouped counts over the window (service.count_period), kept per process for DASHBOARD_CACHE_SECONDS: every visitor of the home page's link
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
from portal.reports.service import Figures, count_period


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
    for (_unit_id, procedure_id, month), figures in count_period(window).items():
        cells[(procedure_id, month)].add(figures)

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

