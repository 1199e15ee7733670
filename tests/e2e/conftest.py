"""A live server and Debian's Chromium, driven by Playwright."""
from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="session")
def live_server(app):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert not errors, f"browser console errors: {errors}"


def with_totp(user, key: str):
    """`user` with an authenticator enrolled on `key` (officers and administrators log in with it)."""
    from portal.db import utcnow

    user.set_totp_key(key)
    user.totp_enabled_at = utcnow()
    return user


def log_in(page, url, email, password, key=None):
    """Through the login form, and the second step with the TOTP of `key` when given."""
    import pyotp

    page.goto(url + "/account/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.locator("main form [type=submit]").first.click()
    if key:
        page.locator("input[name=code]").fill(pyotp.TOTP(key).now())
        page.locator("main form [type=submit]").first.click()


# The main pages, by who reads them (sweeps at phone width, the accessibility check).
KEY = "KONTUMTESTKEYMAINPAGESXX"
PUBLIC = ["/", "/procedures/", "/procedures/QLDT-01", "/tracking", "/statistics", "/account/login",
          "/account/register"]
INVESTOR = ["/dossiers/", "/dossiers/{draft}/edit", "/dossiers/{received}", "/projects/", "/projects/new",
            "/account/profile"]
DESK = ["/officer/", "/officer/desk", "/officer/dossiers/{received}", "/officer/search", "/officer/book"]
LEADER = ["/reports/service", "/reports/investment"]
ADMIN = ["/admin/", "/admin/people", "/admin/procedures", "/admin/procedures/QLDT-01/versions/2",
         "/admin/calendar", "/admin/audit", "/admin/organisation"]


@pytest.fixture(scope="module")
def main_pages(module_scratch_app):
    """A portal with one person of each kind (officers with the TOTP of KEY), an investor's
    draft and a received dossier: what the sweeps of the main pages visit."""
    import io

    from werkzeug.datastructures import FileStorage

    from portal.catalogue.models import Procedure, Zone
    from portal.extensions import db
    from portal.services.unit_of_work import commit
    from tests.conftest import served
    from tests.factories import UserFactory
    from tests.samples import PDF
    from portal.dossiers import operations as ops
    from portal.projects.operations import create_project

    with module_scratch_app.app_context():
        people = {"investor": UserFactory(email="nhadautu@example.com"),
                  "desk": UserFactory(desk_officer=True, email="motcua@example.com"),
                  "leader": UserFactory(board_leader=True, email="lanhdao@example.com"),
                  "admin": UserFactory(admin=True, email="quantri@example.com")}
        for role in ("desk", "leader", "admin"):
            with_totp(people[role], KEY)
        investor = people["investor"]
        zone = db.session.scalar(db.select(Zone).where(Zone.code == "KCN-HOA-BINH"))
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-01"))
        ids = {}
        for name in ("draft", "received"):
            project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor, zone_id=zone.id,
                                     name_vi="Nhà máy chế biến tinh bột sắn công suất 200 tấn/ngày Hòa Bình")
            dossier = ops.start_dossier(user=investor, procedure=procedure, project=project)
            for document in dossier.version.documents:
                if document.is_mandatory:
                    ops.add_file(dossier, investor, document,
                                 FileStorage(io.BytesIO(PDF), "ban-de-xuat-du-an-dau-tu-co-ten-rat-dai.pdf"))
            dossier.field_values = {"requested_capital": "250000000000", "schedule": "Quý IV/2026"}
            if name == "received":
                ops.submit_dossier(dossier, investor)
                ops.receive_dossier(dossier, people["desk"])
            ids[name] = dossier.id
        commit()
    with served(module_scratch_app) as url:
        yield url, ids



WHO = {"investor": "nhadautu@example.com", "desk": "motcua@example.com", "leader": "lanhdao@example.com",
       "admin": "quantri@example.com"}


def sign_in_as(page, url, who: str) -> None:
    """`who` of the main_pages fixture logs in ("public": nobody does)."""
    from tests.factories import PASSWORD

    if who != "public":
        log_in(page, url, WHO[who], PASSWORD, None if who == "investor" else KEY)


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page (the page's context must bypass
    its CSP: the check's script is injected). axe-core comes from the npm registry
    (tests/e2e/axe, installed by make install-dev)."""
    from pathlib import Path

    script = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
    page.add_script_tag(path=str(script))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    assert results["testEngine"]["name"] == "axe-core" and results["passes"], "the check did not run"
    return [f"{v['id']}: {v['help']} ({len(v['nodes'])}: {v['nodes'][0]['target']})" for v in results["violations"]
            if v.get("impact") in ("serious", "critical")]
