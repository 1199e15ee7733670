"""Twenty investors submit at the same moment on a live server: twenty consecutive codes.

Runs against the suite's database kind (PostgreSQL in CI when TEST_DATABASE_URL is set),
in a scratch database of its own, through real HTTP to a threaded server.
"""
from __future__ import annotations

import http.cookiejar
import threading
import urllib.parse
import urllib.request

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from portal import create_app
from portal.catalogue.operations import load_catalogue, read_catalogue_file
from portal.dossiers.models import Dossier, DossierEvent
from portal.extensions import db
from portal.services.unit_of_work import commit
from tests.factories import PASSWORD, UserFactory, amendment_draft

N = 20


@pytest.fixture
def live(scratch_url, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_url, STORAGE_DIR=str(tmp_path / "storage"),
                     OUTBOX_DIR=str(tmp_path / "outbox"))
    drafts = []
    with app.app_context():
        upgrade()
        load_catalogue(read_catalogue_file(app.config["CATALOGUE_FILE"]))
        for n in range(N):
            user = UserFactory(email=f"dongthoi{n}@example.com")
            drafts.append((user.email, amendment_draft(user, f"Dự án số {n}").id))
        commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}", drafts
    server.shutdown()
    with app.app_context():
        db.engine.dispose()


def test_concurrent_submissions_get_distinct_consecutive_codes(live):
    app, base, drafts = live
    barrier = threading.Barrier(N)
    statuses: list[int] = []

    def investor(email: str, dossier_id: int) -> None:
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        login = urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode()
        opener.open(f"{base}/account/login", data=login, timeout=60)
        barrier.wait(timeout=60)
        response = opener.open(f"{base}/dossiers/{dossier_id}/submit", data=b"", timeout=60)
        statuses.append(response.status)

    threads = [threading.Thread(target=investor, args=draft) for draft in drafts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert statuses == [200] * N  # each followed its redirect to the dossier page

    with app.app_context():
        codes = sorted(db.session.scalars(db.select(Dossier.code).where(Dossier.code.is_not(None))))
    assert len(codes) == N and len(set(codes)) == N
    prefix = codes[0].rsplit("-", 1)[0]
    assert codes == [f"{prefix}-{n:04d}" for n in range(1, N + 1)]


SERVER = """
import sys
sys.path.insert(0, sys.argv[1])
from werkzeug.serving import make_server
from portal import create_app
app = create_app("testing", SQLALCHEMY_DATABASE_URI=sys.argv[2], STORAGE_DIR=sys.argv[3], OUTBOX_DIR=sys.argv[4])
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


def test_two_server_processes_save_each_dossier_once_with_gapless_codes(live, scratch_url, tmp_path):
    """The same submissions, spread over two separate server processes."""
    import subprocess
    import sys

    from config import ROOT

    app, _base, drafts = live
    processes = [
        subprocess.Popen([sys.executable, "-c", SERVER, str(ROOT), scratch_url, app.config["STORAGE_DIR"],
                          app.config["OUTBOX_DIR"]], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(2)
    ]
    try:
        bases = [f"http://127.0.0.1:{int(p.stdout.readline())}" for p in processes]
        barrier = threading.Barrier(N)
        statuses: list[int] = []

        def investor(n: int, email: str, dossier_id: int) -> None:
            base = bases[n % 2]
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
            opener.open(f"{base}/account/login",
                        data=urllib.parse.urlencode({"email": email, "password": PASSWORD}).encode(), timeout=60)
            barrier.wait(timeout=60)
            # Each investor clicks twice, once on each server: still one dossier, one code.
            for attempt in (base, bases[(n + 1) % 2]):
                statuses.append(opener.open(f"{attempt}/dossiers/{dossier_id}/submit", data=b"", timeout=60).status)

        threads = [threading.Thread(target=investor, args=(n, *draft)) for n, draft in enumerate(drafts)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    finally:
        for p in processes:
            p.terminate()
            p.wait(timeout=10)
    assert statuses == [200] * (2 * N)
    with app.app_context():
        rows = db.session.execute(db.select(Dossier.id, Dossier.code)).all()
        events = db.session.scalar(db.select(db.func.count()).select_from(DossierEvent))
    codes = sorted(code for _id, code in rows)
    prefix = codes[0].rsplit("-", 1)[0]
    assert codes == [f"{prefix}-{n:04d}" for n in range(1, N + 1)]
    assert events == N  # one submission event per dossier, despite the double clicks
