"""Concurrent requests on the embedded database: GET views that write (officers' audited
reads, a slip's first render) beside POSTs, through a threaded server, with no error."""
from __future__ import annotations

import io
import threading
import time
import urllib.error
import urllib.request

import pytest
from werkzeug.datastructures import FileStorage

from portal.audit.models import AuditEvent
from portal.dossiers.models import DossierNote
from portal.extensions import db
from portal.services.unit_of_work import commit
from tests.conftest import served
from tests.factories import UserFactory
from tests.samples import PDF


@pytest.fixture
def busy_portal(scratch_app):
    app = scratch_app
    with app.app_context():
        from portal.catalogue.models import Procedure, Zone
        from portal.dossiers import operations as ops
        from portal.projects.operations import create_project

        investor, desk = UserFactory(), UserFactory(desk_officer=True)
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-02"))
        zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-SAO-MAI"))
        project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor, name_vi="Dự án",
                                 zone_id=zone.id)
        dossier = ops.start_dossier(user=investor, procedure=procedure, project=project)
        for doc in dossier.version.documents:
            ops.add_file(dossier, investor, doc, FileStorage(io.BytesIO(PDF), "giay-to.pdf"))
        dossier.field_values = {"certified_capital": "1000"}
        ops.submit_dossier(dossier, investor)
        ops.receive_dossier(dossier, desk)
        commit()
        cookie = _session_cookie(app, desk)
        ids = {"dossier": dossier.id, "file": dossier.files[0].id,
               "slip": db.session.scalar(db.text("SELECT id FROM slips"))}
    with served(app) as url:
        yield app, url, cookie, ids


def _session_cookie(app, user) -> str:
    now = int(time.time())
    data = {"_user_id": user.get_id(), "_fresh": True, "_auth_at": now, "_seen_at": now}
    return app.session_interface.get_signing_serializer(app).dumps(data)


def test_gets_that_write_beside_posts_never_fail(busy_portal):
    app, url, cookie, ids = busy_portal
    base = f"{url}/officer/dossiers/{ids['dossier']}"
    requests = ([("POST", f"{base}/notes")] * 30 + [("GET", f"{base}/files/{ids['file']}/view")] * 30
                + [("GET", f"{url}/dossiers/{ids['dossier']}/files/{ids['file']}")] * 20
                + [("GET", f"{url}/dossiers/{ids['dossier']}/slips/{ids['slip']}.pdf")] * 10)
    statuses, lock = [], threading.Lock()

    def send(method, target):
        data = b"note-text=Ghi+ch%C3%BA" if method == "POST" else None
        request = urllib.request.Request(target, data=data, method=method, headers={"Cookie": f"session={cookie}"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - a local test server
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=send, args=item) for item in requests[::2] + requests[1::2]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(set(statuses)) == [200], statuses  # no "database is locked", no 500
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(DossierNote)) == 30
        reads = db.select(db.func.count()).select_from(AuditEvent).where(AuditEvent.action.in_(["file.view",
                                                                                               "file.download"]))
        assert db.session.scalar(reads) == 50
