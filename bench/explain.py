"""The plans PostgreSQL chooses for the portal's list queries, as the pages send them.

    .venv/bin/python bench/explain.py [--database-url URL]

Opens each main page as its user would (the demo accounts of bench/generate.py), records
every SELECT the page sends with its parameters, and prints `EXPLAIN (ANALYZE, BUFFERS)`
of those that read dossiers or enterprises: the plan's first lines, the time and the
buffers. Run it against a generated database (100k or 1M dossiers). Read only.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/portal_bench"


def pages(db, Dossier, State, User):
    """(title, demo e-mail, address) of each page to explain, with real values from the data."""
    dossier = db.session.scalar(db.select(Dossier).where(Dossier.state == State.IN_PROGRESS)
                                .order_by(Dossier.id.desc()).limit(1))
    investor = db.session.scalar(db.select(User).where(User.email == "nhadautu@example.com"))
    mine = db.session.scalar(db.select(Dossier).where(Dossier.enterprise_id.in_(investor.enterprise_ids))
                             .order_by(Dossier.id.desc()).limit(1))
    month = dossier.received_at.strftime("%Y-%m")
    return [
        ("public tracking", None, f"/tracking?code={dossier.code}&key={dossier.lookup_key}"),
        ("investor dashboard", "nhadautu@example.com", "/dossiers/"),
        ("project page", "nhadautu@example.com", f"/projects/{mine.project_id}"),
        ("specialist queue", "chuyenvien@example.com", "/officer/mine"),
        ("head queue", "truongphong@example.com", "/officer/unit"),
        ("desk queue", "motcua@example.com", "/officer/desk"),
        ("approvals (leader)", "lanhdao@example.com", "/officer/approvals"),
        ("officer dossier page", "motcua@example.com", f"/officer/dossiers/{dossier.id}"),
        ("book, a month", "motcua@example.com", f"/officer/book?start={month}-01&end={month}-28"),
        ("search: code tail", "motcua@example.com", f"/officer/search?code={dossier.code[-4:]}"),
        ("search: enterprise name", "motcua@example.com", "/officer/search?enterprise=sao mai"),
        ("search: filters", "motcua@example.com",
         f"/officer/search?state=in_progress&unit={dossier.unit_id}&overdue=y&sort=due"),
        ("search: desk's first page", "motcua@example.com", "/officer/search"),
        ("service report, a year", "lanhdao@example.com", f"/reports/service?kind=year&year={month[:4]}"),
        ("investment report, a year", "lanhdao@example.com", f"/reports/investment?kind=year&year={month[:4]}"),
        ("public dashboard", None, "/statistics"),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--lines", type=int, default=12, help="plan lines shown per query")
    args = parser.parse_args()
    os.environ.setdefault("INSTANCE_PATH", "/tmp/portal-explain")

    import sqlalchemy as sa

    from config import normalise_database_url
    from portal import create_app
    from portal.accounts.models import User
    from portal.dossiers.models import Dossier
    from portal.dossiers.workflow import State
    from portal.extensions import db

    app = create_app("development", SQLALCHEMY_DATABASE_URI=normalise_database_url(args.database_url),
                     RATELIMIT_ENABLED=False, REFERENCE_CACHE_SECONDS=3600)
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            sys.exit("explain.py needs PostgreSQL")
        listed = pages(db, Dossier, State, User)
        logins = {u.email: u.get_id() for u in db.session.scalars(db.select(User).where(User.email.like("%@example.com")))}
        engine = db.engine
    captured: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and (" dossiers" in statement
                                                                or " enterprises" in statement):
            captured.append((statement, parameters))

    # Each request in its own application context (as under a server): outside any `with`.
    for title, email, address in listed:
        client = app.test_client()
        if email:
            with client.session_transaction() as session:
                session["_user_id"] = logins[email]
                session["_fresh"] = True
                session["_auth_at"] = session["_seen_at"] = int(time.time())
        warm = client.get(address)  # warm the process's copies and the plans
        if warm.status_code == 302:
            print("redirected to", warm.headers["Location"])
        captured.clear()
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            status = client.get(address).status_code
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)
        print(f"\n=== {title}: GET {address} -> {status}")
        with engine.connect() as connection:
            for statement, parameters in captured:
                plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters).all()
                lines = [row[0] for row in plan]
                head = " ".join(statement.split())[:160]
                print(f"--- {head}")
                for line in lines[:args.lines]:
                    print("   ", line)
                print("   ", *[line for line in lines if line.startswith("Execution Time")])


if __name__ == "__main__":
    main()
