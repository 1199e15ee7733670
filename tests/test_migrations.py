"""The Alembic migrations build the schema the models describe, and undo it."""
from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal import create_app
from portal.db import include_object
from portal.extensions import db


def tables(engine) -> set[str]:
    return set(sa.inspect(engine).get_table_names()) - {"alembic_version"}


def test_upgrade_downgrade_upgrade_without_drift(scratch_url):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_url)
    with app.app_context():
        upgrade()
        assert tables(db.engine) == set(db.metadata.tables)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": include_object})
            diff = compare_metadata(context, db.metadata)
        assert diff == [], f"models and migrations differ: {diff}"
        downgrade(revision="base")
        assert tables(db.engine) == set()
        upgrade()
        assert tables(db.engine) == set(db.metadata.tables)
        db.engine.dispose()


def test_the_enterprise_claims_go_back_without_losing_a_code(scratch_url):
    """Two unconfirmed registrations of one code and a released code: the downgrade gives the
    code back to one of the two (the older), and leaves the released one free."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_url)
    with app.app_context():
        upgrade()
        with db.engine.begin() as conn:
            for name, code, claimed in (("A", "6100000001", None), ("B", "6100000001", None),
                                        ("Released", "6100000002", "2026-01-01 00:00:00")):
                conn.execute(sa.text("INSERT INTO enterprises (name, requested_code, claimed_at, address, "
                                     "legal_representative, country, created_at) VALUES (:n, :c, :t, '', '', 'VN', "
                                     "'2026-01-01 00:00:00')"), {"n": name, "c": code, "t": claimed})
        downgrade(revision="0007_throttles")
        with db.engine.connect() as conn:
            codes = dict(conn.execute(sa.text("SELECT name, enterprise_code FROM enterprises")).all())
        assert codes == {"A": "6100000001", "B": None, "Released": None}
        downgrade(revision="base")
        db.engine.dispose()
