"""Benchmark: the reports and the public dashboard at a province's volume, each answer timed
whole (queries, tables, charts, template or file) as a ratio to a bare Flask route.

Run by hand, never by the tests, after bench/generate.py has filled the database:

    .venv/bin/python bench/reports.py [--database-url URL] [--runs 5] [--sql]

In one process, through Flask's test client (no server, no network), as the demo accounts of
bench/generate.py: the service report for a year (all units, as a Board leader; one unit, as
its head), a quarter filtered by field, a month; its XLSX and PDF; the investment report for a
year; the public dashboard recounted (its per-process cache off); and, as the yardstick, a bare
Flask app's "ok" route, timed the same way in the same run. Prints per answer the status, the
median and slowest of --runs runs after one warm-up, and the median's ratio to the bare route's.
With --sql, also the time of each SQL statement of the service report for the last year
(EXPLAIN ANALYZE on PostgreSQL).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"


def timed(client, address: str, runs: int) -> tuple[int, list[float]]:
    client.get(address)   # warm: the process's copies, the plans, the caches of the database
    times, status = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(address)
        _ = response.data
        times.append((time.perf_counter() - began) * 1000)
        status = response.status_code
    return status, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--sql", action="store_true", help="time each statement of a year's service report")
    args = parser.parse_args()
    os.environ.setdefault("INSTANCE_PATH", "/tmp/portal-bench-reports")

    from bare_app import app as bare
    from generate import bench_secrets

    from config import normalise_database_url
    from portal import create_app
    from portal.accounts.models import User
    from portal.calendar import LOCAL_TZ
    from portal.db import utcnow
    from portal.dossiers.models import Dossier
    from portal.extensions import db

    secret, keys = bench_secrets()
    app = create_app("development", SQLALCHEMY_DATABASE_URI=normalise_database_url(args.database_url),
                     SECRET_KEY=secret, ENCRYPTION_KEYS=keys, RATELIMIT_ENABLED=False,
                     REFERENCE_CACHE_SECONDS=3600, DASHBOARD_CACHE_SECONDS=0)
    year = utcnow().astimezone(LOCAL_TZ).year
    with app.app_context():
        dossiers = db.session.scalar(db.select(db.func.count()).select_from(Dossier))
        logins = {u.email: u.get_id() for u in db.session.scalars(db.select(User).where(User.email.like("%@example.com")))}
        from portal.catalogue.models import Field

        field = db.session.scalar(db.select(Field.id).order_by(Field.sort_order).limit(1))
    print(f"{dossiers:,} dossiers; {args.runs} runs each after a warm-up; times in ms")

    answers = [
        ("bare Flask route", None, "/"),
        (f"service report, year {year}, all units", "lanhdao@example.com", f"/reports/service?kind=year&year={year}"),
        (f"service report, year {year - 1}, all units", "lanhdao@example.com",
         f"/reports/service?kind=year&year={year - 1}"),
        (f"service report, year {year}, head's unit", "truongphong@example.com",
         f"/reports/service?kind=year&year={year}"),
        (f"service report, Q1 {year}, one field", "lanhdao@example.com",
         f"/reports/service?kind=quarter&year={year}&quarter=1&field={field}"),
        (f"service report, 01/{year}", "lanhdao@example.com", f"/reports/service?kind=month&year={year}&month=1"),
        (f"service report XLSX, year {year}", "lanhdao@example.com", f"/reports/service.xlsx?kind=year&year={year}"),
        (f"service report PDF, year {year}", "lanhdao@example.com", f"/reports/service.pdf?kind=year&year={year}"),
        (f"investment report, year {year}", "lanhdao@example.com", f"/reports/investment?kind=year&year={year}"),
        ("public dashboard, recounted", None, "/statistics"),
    ]
    bare_median = None
    print(f"{'answer':48} {'status':>6} {'median':>8} {'slowest':>8} {'× bare':>8}")
    for title, email, address in answers:
        client = (bare if email is None and title.startswith("bare") else app).test_client()
        if email:
            with client.session_transaction() as session:
                session["_user_id"] = logins[email]
                session["_fresh"] = True
                session["_auth_at"] = session["_seen_at"] = int(time.time())
        status, times = timed(client, address, args.runs)
        median = statistics.median(times)
        bare_median = bare_median or median
        print(f"{title:48} {status:>6} {median:>8.1f} {max(times):>8.1f} {median / bare_median:>8.0f}")

    if args.sql:
        explain(app, year)


def explain(app, year: int) -> None:
    import sqlalchemy as sa

    from portal.db import utcnow
    from portal.extensions import db
    from portal.reports.periods import year as year_period
    from portal.reports.service import Filters, service_report

    captured: list = []

    def record(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    with app.app_context():
        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            service_report(year_period(year), Filters(), utcnow())
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        with engine.connect() as connection:
            for statement, parameters in captured:
                head = " ".join(statement.split())[:110]
                if engine.dialect.name != "postgresql":
                    print("---", head)
                    continue
                plan = [row[0] for row in connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement,
                                                                     parameters)]
                print(f"--- {head}\n    {plan[0][:110]}\n    {plan[-1]}")


if __name__ == "__main__":
    main()
