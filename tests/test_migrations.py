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


def _insert(conn, meta, table: str, **values) -> int:
    """A row of a table as an older revision made it: every required column the test does not
    care about gets a plain value of its type."""
    from datetime import date, datetime

    columns = meta.tables[table].columns
    for column in columns:
        if column.name in values or column.nullable or column.primary_key or column.server_default is not None:
            continue
        kind = column.type
        if isinstance(kind, sa.Enum):
            values[column.name] = kind.enums[0]
        elif isinstance(kind, sa.Boolean):
            values[column.name] = False
        elif isinstance(kind, (sa.Integer, sa.Numeric)):
            values[column.name] = 1
        elif isinstance(kind, sa.JSON):
            values[column.name] = {}
        elif isinstance(kind, sa.DateTime):
            values[column.name] = datetime(2025, 6, 2, 2, 0)
        elif isinstance(kind, sa.Date):
            values[column.name] = date(2025, 6, 2)
        else:
            values[column.name] = f"{column.name}-{len(values)}"[:getattr(kind, "length", None) or 100]
    return conn.execute(meta.tables[table].insert().values(**values)).inserted_primary_key[0]


def test_procedures_and_dossiers_of_the_previous_revision_survive_the_versions(scratch_url):
    """A procedure, its documents and a dossier with a file, as revision 0010 kept them: after
    the upgrade the procedure's values are its first version, in force, its documents and the
    dossier belong to that version and the file still names its document; the downgrade puts
    them back as they were."""
    from datetime import date

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_url)
    with app.app_context():
        upgrade(revision="0010_reports")
        with db.engine.begin() as conn:
            meta = sa.MetaData()
            meta.reflect(conn)
            field = _insert(conn, meta, "fields", code="DAU-TU", name_vi="Đầu tư")
            unit = _insert(conn, meta, "units", code="QLDT", kind="department", name_vi="Phòng Quản lý đầu tư")
            procedure = _insert(conn, meta, "procedures", code="QLDT-02", field_id=field, unit_id=unit,
                                name_vi="Cấp GCNĐKĐT", time_limit_days=5, time_limit_kind="working_days",
                                legal_basis_vi="Luật Đầu tư số 61/2020/QH14", online_level="full",
                                approval_chain="head_then_leader", dossier_sets=2,
                                form_fields=[{"key": "certified_capital", "type": "number"}],
                                effective_from=date(2021, 3, 26))
            first = _insert(conn, meta, "required_documents", procedure_id=procedure, position=1,
                            name_vi="Văn bản đề nghị")
            _insert(conn, meta, "required_documents", procedure_id=procedure, position=2,
                    name_vi="Văn bản chấp thuận chủ trương")
            user = _insert(conn, meta, "users", email="nha-dau-tu@example.vn", role="investor", language="vi")
            enterprise = _insert(conn, meta, "enterprises", name="Công ty A")
            project = _insert(conn, meta, "projects", enterprise_id=enterprise, name_vi="Nhà máy",
                              created_by_id=user, zone_id=None)
            dossier = _insert(conn, meta, "dossiers", procedure_id=procedure, unit_id=unit, state="submitted",
                              enterprise_id=enterprise, project_id=project, created_by_id=user, code="X-1")
            _insert(conn, meta, "dossier_files", dossier_id=dossier, required_document_id=first,
                    uploaded_by_id=user, kind="application")

        upgrade()
        with db.engine.connect() as conn:
            version = conn.execute(sa.text(
                "SELECT id, number, effective_from, effective_to, time_limit_days, time_limit_kind, legal_basis_vi, "
                "approval_chain, dossier_sets, published_at FROM procedure_versions WHERE procedure_id = :p"),
                {"p": procedure}).one()
            assert version[1:9] == (1, date(2021, 3, 26) if db.engine.dialect.name != "sqlite" else "2021-03-26",
                                    None, 5, "working_days", "Luật Đầu tư số 61/2020/QH14", "head_then_leader", 2)
            assert version.published_at is not None
            assert conn.execute(sa.text("SELECT version_id FROM dossiers WHERE id = :d"), {"d": dossier}).scalar() \
                == version.id
            documents = conn.execute(sa.text("SELECT id, position, version_id FROM required_documents "
                                             "ORDER BY position")).all()
            assert [(d.id, d.position, d.version_id) for d in documents][0] == (first, 1, version.id)
            assert len(documents) == 2
            assert conn.execute(sa.text("SELECT required_document_id FROM dossier_files")).scalar() == first
            assert "time_limit_days" not in {c["name"] for c in sa.inspect(conn).get_columns("procedures")}

        downgrade(revision="0010_reports")
        with db.engine.connect() as conn:
            row = conn.execute(sa.text("SELECT time_limit_days, legal_basis_vi, approval_chain, dossier_sets "
                                       "FROM procedures WHERE id = :p"), {"p": procedure}).one()
            assert tuple(row) == (5, "Luật Đầu tư số 61/2020/QH14", "head_then_leader", 2)
            assert conn.execute(sa.text("SELECT count(*) FROM required_documents WHERE procedure_id = :p"),
                                {"p": procedure}).scalar() == 2
            assert conn.execute(sa.text("SELECT required_document_id FROM dossier_files")).scalar() == first
        downgrade(revision="base")
        db.engine.dispose()
