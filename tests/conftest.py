"""Fixtures: a migrated database per test session, rolled back after every test.

The suite runs on SQLite by default and on PostgreSQL when TEST_DATABASE_URL is set.
The schema is built by the real Alembic migrations and the real catalogue file is
loaded once; each test then runs inside a transaction that is rolled back.
"""
from __future__ import annotations

import email
import io
import os
from contextlib import contextmanager
from email import policy
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from sqlalchemy.orm import scoped_session, sessionmaker

from config import normalise_database_url


class FreshContextClient(FlaskClient):
    """Each request gets its own application context (and `g`), as in production,
    even though the test itself runs inside one."""

    def open(self, *args, **kwargs):
        # Buffered, as a real server would: the response is closed at the end, so what runs
        # after the response has been sent (mail) has run when the test looks.
        kwargs.setdefault("buffered", True)
        with self.application.app_context():
            return super().open(*args, **kwargs)


class TestSession(scoped_session):
    """One session for the whole test, shared by the test and its requests.

    At the end of a request Flask-SQLAlchemy removes the session; here that only
    rolls back what the request did not commit (and expires everything, so the next
    request reads the database again), and the test's own objects stay usable.
    """

    def remove(self):
        if self.registry.has():
            self.registry().rollback()

    def close_for_real(self):
        super().remove()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_database(url: str) -> None:
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            conn.exec_driver_sql("CREATE SCHEMA public")
    engine.dispose()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    os.environ["INSTANCE_PATH"] = str(instance)  # nothing is written inside the code tree
    from flask_migrate import upgrade

    from portal import create_app
    from portal.catalogue.operations import load_catalogue, read_catalogue_file
    from portal.services.unit_of_work import commit

    reset_database(database_url)
    app = create_app(
        "testing", SQLALCHEMY_DATABASE_URI=database_url, OUTBOX_DIR=str(instance / "outbox"),
        STORAGE_DIR=str(instance / "storage"),
    )
    app.test_client_class = FreshContextClient
    with app.app_context():
        upgrade()
        load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
        commit()
    return app


@contextmanager
def _scratch_database(database_url: str, folder, suffix: str):
    """An empty database of the same kind as the suite's, dropped afterwards."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{folder / f'scratch{suffix}.db'}"
        return
    url = sa.make_url(database_url)
    name = f"{url.database}{suffix}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@contextmanager
def _scratch_portal(url: str, folder):
    """A portal on `url`, migrated, with the catalogue, its files under `folder`."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.catalogue.operations import load_catalogue, read_catalogue_file
    from portal.extensions import db as _db
    from portal.services.unit_of_work import commit

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=str(folder / "storage"),
                     OUTBOX_DIR=str(folder / "outbox"))
    with app.app_context():
        upgrade()
        load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
        commit()
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """An empty database of the same kind as the suite's."""
    with _scratch_database(database_url, tmp_path, "_migrations") as url:
        yield url


@pytest.fixture
def scratch_app(scratch_url, tmp_path):
    """A second portal on an empty database of its own, migrated, with the catalogue: for
    tests that need real commits from several connections (servers, threads, backups)."""
    with _scratch_portal(scratch_url, tmp_path) as app:
        yield app


@pytest.fixture(scope="module")
def module_scratch_app(database_url, tmp_path_factory):
    """The same, shared by a module's tests that only read what they set up once (the sweeps
    of the main pages): migrating a database for each costs seconds on PostgreSQL."""
    folder = tmp_path_factory.mktemp("module-portal")
    with _scratch_database(database_url, folder, "_module") as url, _scratch_portal(url, folder) as app:
        yield app


@contextmanager
def served(app):
    """`app` on a threaded HTTP server on a free local port; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# What boto3 reads from the environment to reach the test S3 server (as operators set it).
S3_ENV = {"AWS_ACCESS_KEY_ID": "portal-test", "AWS_SECRET_ACCESS_KEY": "portal-test-secret",
          "AWS_DEFAULT_REGION": "ap-southeast-1", "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 protocol server, moto's server mode, on 127.0.0.1 for the whole run."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, monkeypatch):
    """A new, empty bucket on the test S3 server, with boto3's environment pointing at it."""
    import uuid

    import boto3

    for name, value in {**S3_ENV, "AWS_ENDPOINT_URL": s3_server}.items():
        monkeypatch.setenv(name, value)
    bucket = f"portal-{uuid.uuid4().hex[:12]}"
    boto3.client("s3").create_bucket(Bucket=bucket, CreateBucketConfiguration={
        "LocationConstraint": S3_ENV["AWS_DEFAULT_REGION"]})
    return bucket


def s3_objects(bucket: str) -> dict[str, bytes]:
    """Everything in `bucket`, read with a client of its own."""
    import boto3

    client = boto3.client("s3")
    listing = client.list_objects_v2(Bucket=bucket).get("Contents", [])
    return {o["Key"]: client.get_object(Bucket=bucket, Key=o["Key"])["Body"].read() for o in listing}


@pytest.fixture
def db(app):
    """The database, with everything the test writes rolled back afterwards."""
    from portal.extensions import db as _db

    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = TestSession(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        try:
            yield _db
        finally:
            _db.session.close_for_real()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The mail written by the portal during the test, parsed."""
    folder = Path(app.config["OUTBOX_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.eml"):
        old.unlink()
    return Outbox(folder)


class Outbox:
    def __init__(self, folder: Path):
        self.folder = folder

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        files = sorted(self.folder.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        return [email.message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def body(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


def sign_in(client, user) -> None:
    """Put `user` in the client's session, as a completed login (and second step) would."""
    import time

    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
        session["_auth_at"] = session["_seen_at"] = int(time.time())


@pytest.fixture
def login_as(client, db):
    """Log the test client in as a new user of `role` (an investor has an enterprise)."""
    from portal.accounts.models import Role
    from tests.factories import UserFactory

    def _login(role: str | Role = "investor", **kwargs):
        user = UserFactory(role=Role(role), **kwargs)
        sign_in(client, user)
        return user

    return _login


# --- dossiers ---------------------------------------------------------------


@pytest.fixture
def procedure(db):
    from portal.catalogue.models import Procedure

    def _get(code: str = "QLDT-02") -> "Procedure":
        return db.session.scalar(db.select(Procedure).where(Procedure.code == code))

    return _get


@pytest.fixture
def make_draft(db, procedure):
    """A draft for `code`; complete=True attaches a PDF to every mandatory document. A
    procedure that acts on a certificate gets a project that holds one."""
    from datetime import date

    from portal.catalogue.models import Zone
    from portal.dossiers import operations as ops
    from portal.projects.operations import create_project, declare_certificate
    from tests.factories import UserFactory
    from tests.samples import PDF

    def _make(user=None, code: str = "QLDT-02", complete: bool = True):
        user = user or UserFactory()
        zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH"))
        project = create_project(enterprise_id=min(user.enterprise_ids), created_by=user,
                                 name_vi="Nhà máy chế biến tinh bột sắn Hòa Bình", zone_id=zone.id)
        if procedure(code).requires_certificate:
            declare_certificate(project, user, "5401234567", date(2025, 1, 15))
        dossier = ops.start_dossier(user=user, procedure=procedure(code), project=project)
        if complete:
            for doc in dossier.version.documents:
                if doc.is_mandatory:
                    ops.add_file(dossier, user, doc, FileStorage(io.BytesIO(PDF), "giay-to.pdf"))
            for spec in dossier.version.form_fields:
                if spec.get("required"):
                    dossier.field_values = {**dossier.field_values, spec["key"]: "1000000000"}
        db.session.commit()
        return dossier

    return _make


@pytest.fixture
def desk_officer(db):
    from tests.factories import UserFactory

    return UserFactory(desk_officer=True, full_name="Nguyễn Thị Tiếp Nhận")


@pytest.fixture
def world(db, make_draft):
    """People of every kind, and enterprise A's dossier: received, assigned, supplemented."""
    from portal.catalogue.models import Unit
    from portal.documents.models import Slip
    from portal.dossiers import operations as ops
    from portal.dossiers import operations as processing
    from portal.dossiers.models import SupplementItem
    from tests.factories import UserFactory
    from tests.samples import PDF

    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    construction = db.session.scalar(db.select(Unit).where(Unit.code == "XDTNMT"))
    people = {
        "investor_a": UserFactory(),
        "investor_b": UserFactory(),
        "desk": UserFactory(desk_officer=True),
        "specialist_other": UserFactory(specialist=True, unit=construction),
        "head": UserFactory(department_head=True, unit=qldt),
        "leader": UserFactory(board_leader=True),
        "admin": UserFactory(admin=True),
    }
    assignee = UserFactory(specialist=True, unit=qldt)
    dossier = make_draft(user=people["investor_a"])
    ops.submit_dossier(dossier, people["investor_a"])
    ops.receive_dossier(dossier, people["desk"])
    processing.assign(dossier, people["head"], assignee)
    request = processing.request_supplement(dossier, assignee, [{"description": "Bản sao", "reason": "Mờ"}])
    processing.add_supplement_file(dossier, people["investor_a"], request.items[0],
                                   FileStorage(io.BytesIO(PDF), "bo-sung.pdf"))
    processing.resubmit_supplement(dossier, people["investor_a"])
    db.session.commit()
    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id)).first()
    ids = {"dossier": dossier.id, "project": dossier.project_id, "file": dossier.files[0].id, "slip": slip.id,
           "document": dossier.version.documents[0].id,
           "item": db.session.scalar(db.select(SupplementItem.id)),
           "enterprise": min(people["investor_a"].enterprise_ids),
           "member": people["investor_a"].memberships[0].id, "user": people["investor_a"].id}
    return people, ids


@pytest.fixture
def staff(db):
    """The officers of one dossier's way: desk, head and specialist of the Investment
    Management Department, and a Board leader."""
    from portal.catalogue.models import Unit
    from tests.factories import UserFactory

    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    return {
        "desk": UserFactory(desk_officer=True, full_name="Nguyễn Thị Tiếp Nhận"),
        "head": UserFactory(department_head=True, unit=qldt, full_name="Lê Thị Trưởng Phòng",
                            position="Trưởng phòng Quản lý đầu tư"),
        "specialist": UserFactory(specialist=True, unit=qldt, full_name="Trần Văn Chuyên Viên"),
        "leader": UserFactory(board_leader=True, full_name="Hồ Văn Lãnh Đạo", position="Phó Trưởng ban"),
    }


@pytest.fixture
def submitted(db, make_draft):
    """A complete QLDT-02 dossier (an IRC after policy approval), submitted."""
    from portal.dossiers.operations import submit_dossier

    dossier = make_draft()
    submit_dossier(dossier, dossier.created_by)
    db.session.commit()
    return dossier


@pytest.fixture
def in_progress(db, submitted, staff):
    """The same dossier received by the desk and assigned to the specialist."""
    from portal.dossiers import operations as ops

    ops.receive_dossier(submitted, staff["desk"])
    ops.assign(submitted, staff["head"], staff["specialist"])
    db.session.commit()
    return submitted


def slip_of(client, db, dossier, kind) -> str:
    """The text of the dossier's latest slip of `kind`, downloaded as the client's user."""
    from portal.documents.models import Slip
    from tests.dossiers.test_journey import pdf_text

    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id, Slip.kind == kind)
                              .order_by(Slip.id.desc())).first()
    response = client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf")
    assert response.status_code == 200
    return pdf_text(response.data)
