"""Uploads checked to their structure and for viruses; nothing half done; storage check;
backup and restore."""
from __future__ import annotations

import io
import os
import socket
import struct
import threading

import pytest

from portal.audit.models import AuditEvent
from portal.dossiers import operations as ops
from portal.dossiers.models import Dossier, DossierFile
from portal.extensions import db as _db
from portal.services.antivirus import ScanUnavailable, scan
from portal.services.storage import get_storage
from portal.services.unit_of_work import commit
from tests.conftest import s3_objects
from tests.samples import FAKE_PDF, PDF, docx, png, upload


@pytest.fixture
def draft(make_draft, login_as):
    return make_draft(user=login_as("investor"), complete=False)


@pytest.fixture(params=["local", "s3"])
def storage_url(request) -> str:
    """Where files go: the default folder, or a bucket on the test S3 server."""
    return f"s3://{request.getfixturevalue('s3_bucket')}/portal" if request.param == "s3" else ""


def test_uploads_and_downloads_go_through_s3(app, client, db, draft, s3_bucket, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{s3_bucket}/portal")
    assert "Đã đính kèm hồ sơ.pdf" in post(client, draft, PDF, "hồ sơ.pdf")
    record = db.session.scalars(db.select(DossierFile).where(DossierFile.dossier_id == draft.id)).one()
    assert s3_objects(s3_bucket) == {f"portal/{record.storage_key}": PDF}
    download = client.get(f"/dossiers/{draft.id}/files/{record.id}")
    assert download.data == PDF and "no-store" in download.headers["Cache-Control"]
    assert "filename*=UTF-8''h%E1%BB%93%20s%C6%A1.pdf" in download.headers["Content-Disposition"]
    client.post(f"/dossiers/{draft.id}/files/{record.id}/delete")
    assert s3_objects(s3_bucket) == {}


def test_a_file_gone_from_storage_is_not_found(app, client, db, draft, storage_url, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_URL", storage_url)
    post(client, draft, PDF, "hồ sơ.pdf")
    record = db.session.scalars(db.select(DossierFile).where(DossierFile.dossier_id == draft.id)).one()
    get_storage().delete(record.storage_key)
    assert client.get(f"/dossiers/{draft.id}/files/{record.id}").status_code == 404


def test_unreachable_s3_refuses_the_upload_and_keeps_nothing(app, client, db, draft, s3_bucket, monkeypatch):
    from tests.conftest import free_port

    monkeypatch.setitem(app.config, "STORAGE_URL", f"s3://{s3_bucket}/portal")
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("STORAGE_TIMEOUT", "1")
    app.extensions.pop("portal_storage", None)
    try:
        page = post(client, draft, PDF, "hồ sơ.pdf")
    finally:
        app.extensions.pop("portal_storage", None)  # the next test's client reaches the server again
    assert "Không lưu được tệp hồ sơ.pdf lúc này" in page
    assert db.session.scalars(db.select(DossierFile).where(DossierFile.dossier_id == draft.id)).all() == []


def post(client, dossier, data, name):
    document = dossier.version.documents[0]
    return client.post(f"/dossiers/{dossier.id}/documents/{document.id}/files", data=upload(data, name),
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)


def stored(app) -> set[str]:
    root = app.config["STORAGE_DIR"]
    return {os.path.join(d, f) for d, _, files in os.walk(root) for f in files}


@pytest.mark.parametrize("data, name", [
    (FAKE_PDF, "gia.pdf"),
    (png()[:60], "cut.png"),
    (docx().replace(b"[Content_Types].xml", b"[Content_Typez].xml"), "zip.docx"),
])
def test_files_that_do_not_open_as_what_they_claim_are_refused(app, client, db, draft, data, name):
    before = stored(app)
    page = post(client, draft, data, name)
    assert f"Tệp {name} bị hỏng hoặc không phải là tệp" in page
    assert stored(app) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(DossierFile)) == 0


class FakeClamd:
    """A clamd that speaks INSTREAM on a Unix socket and finds the EICAR test string."""

    def __init__(self, path):
        self.path = path
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(path)
        self.server.listen(4)
        self.scanned = 0
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            with conn:
                assert conn.recv(10) == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack("!L", self._exact(conn, 4))[0]
                    if size == 0:
                        break
                    data += self._exact(conn, size)
                self.scanned += 1
                conn.sendall(b"stream: Eicar-Test-Signature FOUND\0" if b"EICAR" in data else b"stream: OK\0")

    @staticmethod
    def _exact(conn, n):
        buf = b""
        while len(buf) < n:
            buf += conn.recv(n - len(buf))
        return buf

    def close(self):
        self.server.close()


@pytest.fixture
def clamd(tmp_path):
    path = str(tmp_path / "clamd.sock")
    fake = FakeClamd(path)
    yield fake
    fake.close()


def test_scanner_protocol(clamd):
    assert scan(io.BytesIO(PDF), clamd.path) is None
    assert scan(io.BytesIO(b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"), clamd.path) \
        == "Eicar-Test-Signature"
    with pytest.raises(ScanUnavailable):
        scan(io.BytesIO(PDF), clamd.path + ".missing")


def test_uploads_are_scanned_when_a_scanner_is_set(app, client, db, draft, clamd):
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.add_metadata({"/Title": "EICAR-STANDARD-ANTIVIRUS-TEST-FILE"})
    infected = io.BytesIO()
    writer.write(infected)
    app.config["CLAMD_SOCKET"] = clamd.path
    try:
        assert "Đã đính kèm sach.pdf" in post(client, draft, PDF, "sach.pdf")
        assert "có chứa virus nên không được chấp nhận" in post(client, draft, infected.getvalue(), "nhiem.pdf")
        app.config["CLAMD_SOCKET"] = clamd.path + ".down"
        assert "Chưa kiểm tra được virus" in post(client, draft, PDF, "sau.pdf")
    finally:
        app.config["CLAMD_SOCKET"] = ""
    assert clamd.scanned == 2
    names = {f.original_name for f in db.session.scalars(db.select(DossierFile))}
    assert names == {"sach.pdf"}


def test_a_failed_commit_leaves_no_row_and_no_file(app, client, db, draft, monkeypatch):
    before = stored(app)

    def broken_commit():
        raise RuntimeError("the database went away at commit time")

    monkeypatch.setattr(_db.session, "commit", broken_commit)
    document = draft.version.documents[0]
    response = client.post(f"/dossiers/{draft.id}/documents/{document.id}/files", data=upload(PDF, "a.pdf"),
                           content_type="multipart/form-data")
    monkeypatch.undo()
    assert response.status_code == 500
    assert "Không có dữ liệu nào bị lưu" in response.get_data(as_text=True)
    assert stored(app) == before
    assert db.session.scalar(db.select(db.func.count()).select_from(DossierFile)) == 0


def test_officers_downloads_are_audited(client, db, make_draft, login_as):
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    db.session.commit()
    officer = login_as("desk_officer")
    record = dossier.files[0]
    assert client.get(f"/officer/dossiers/{dossier.id}/files/{record.id}/view").status_code == 200
    assert client.get(f"/dossiers/{dossier.id}/files/{record.id}").status_code == 200
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.actor_id == officer.id)).all()
    assert {e.action for e in events} == {"file.view", "file.download"}


def test_storage_check_reports_strays_and_missing_files(app, db, make_draft, storage_url, monkeypatch):
    monkeypatch.setitem(app.config, "STORAGE_URL", storage_url)
    dossier = make_draft()
    storage = get_storage()
    stray = storage.save_bytes("dossiers/999/lost.pdf", PDF)
    missing = dossier.files[0]
    storage.delete(missing.storage_key)
    result = app.test_cli_runner().invoke(args=["storage", "check"])
    assert result.exit_code == 1
    assert f"file without row: {stray.key}" in result.output
    assert f"row without file: {missing.storage_key}" in result.output
    app.test_cli_runner().invoke(args=["storage", "check", "--delete-strays"])
    assert not storage.exists(stray.key)


def test_backup_and_restore_round_trip(scratch_app, tmp_path, storage_url):
    from tests.factories import UserFactory, amendment_draft

    app = scratch_app
    app.config["STORAGE_URL"] = storage_url
    archive = tmp_path / "backup.tar.gz"
    with app.app_context():
        user = UserFactory(email="sao-luu@example.com")
        dossier = amendment_draft(user, "Dự án sao lưu")
        ops.submit_dossier(dossier, user)
        commit()
        before = snapshot()
        result = app.test_cli_runner().invoke(args=["backup", "--output", str(archive)])
        assert result.exit_code == 0, result.output

        # Life goes on, then something goes wrong.
        get_storage().delete(dossier.files[0].storage_key)
        _db.session.execute(_db.delete(DossierFile).where(DossierFile.id == dossier.files[1].id))
        UserFactory(email="sau-sao-luu@example.com")
        commit()
        assert snapshot() != before

        result = app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert snapshot() == before
        check = app.test_cli_runner().invoke(args=["storage", "check"])
        assert "0 files without rows, 0 rows without files" in check.output


def snapshot():
    """What the portal holds: rows that matter and the bytes of every file."""
    from portal.accounts.models import User

    storage = get_storage()
    files = {f.storage_key: storage.open(f.storage_key).read() if storage.exists(f.storage_key) else None
             for f in _db.session.scalars(_db.select(DossierFile))}
    return {
        "users": sorted(_db.session.scalars(_db.select(User.email))),
        "dossiers": sorted((d.code, d.state.value) for d in _db.session.scalars(_db.select(Dossier))),
        "files": files,
    }
