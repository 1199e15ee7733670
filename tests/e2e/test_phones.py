"""On a 390 px phone, in Vietnamese and in English, no main page scrolls sideways: the menu
folds into one button, tables scroll inside their own box, label/value pairs stack."""
from __future__ import annotations

import io

import pyotp
import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from portal.db import utcnow
from portal.extensions import db
from portal.services.unit_of_work import commit
from tests.conftest import served
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD, UserFactory
from tests.samples import PDF

pytestmark = pytest.mark.e2e
KEY = pyotp.random_base32()
PHONE = {"width": 390, "height": 844}

PUBLIC = ["/", "/procedures/", "/procedures/QLDT-01", "/tracking", "/statistics", "/account/login",
          "/account/register"]
INVESTOR = ["/dossiers/", "/dossiers/{draft}/edit", "/dossiers/{received}", "/projects/", "/projects/new",
            "/account/profile"]
DESK = ["/officer/", "/officer/desk", "/officer/dossiers/{received}", "/officer/search", "/officer/book"]
LEADER = ["/reports/service", "/reports/investment"]
ADMIN = ["/admin/", "/admin/people", "/admin/procedures", "/admin/procedures/QLDT-01/versions/2",
         "/admin/calendar", "/admin/audit", "/admin/organisation"]


@pytest.fixture
def portal(scratch_app):
    from portal.catalogue.models import Procedure, Zone
    from portal.dossiers import operations as ops
    from portal.projects.operations import create_project

    with scratch_app.app_context():
        people = {"investor": UserFactory(email="nhadautu@example.com"),
                  "desk": UserFactory(desk_officer=True, email="motcua@example.com"),
                  "leader": UserFactory(board_leader=True, email="lanhdao@example.com"),
                  "admin": UserFactory(admin=True, email="quantri@example.com")}
        for role in ("desk", "leader", "admin"):
            people[role].set_totp_key(KEY)
            people[role].totp_enabled_at = utcnow()
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
    with served(scratch_app) as url:
        yield url, ids


def overflow(page) -> str:
    """'' when the page fits its viewport; else how wide it is and its widest elements."""
    return page.evaluate("""() => {
        const root = document.documentElement;
        if (root.scrollWidth <= root.clientWidth + 1) return "";
        const wide = [...document.querySelectorAll("body *")]
            .filter(e => e.getBoundingClientRect().right > root.clientWidth + 1)
            .filter(e => !e.closest(".table-scroll, .scroll-x"))
            .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? "." + e.className : "")
                                  + " " + Math.round(e.getBoundingClientRect().right) + "px");
        return root.scrollWidth + "px wide: " + wide.join(", ");
    }""")


def sweep(page, url, paths, ids) -> list[str]:
    found = []
    for language in ("vi", "en"):
        page.goto(f"{url}/language/{language}?next=/")
        for path in paths:
            response = page.goto(url + path.format(**ids))
            problem = overflow(page) if response.status == 200 else f"answered {response.status}"
            if problem:
                found.append(f"{language} {path}: {problem}")
    return found


@pytest.mark.parametrize("who, paths", [("public", PUBLIC), ("investor", INVESTOR), ("desk", DESK),
                                        ("leader", LEADER), ("admin", ADMIN)])
def test_no_main_page_scrolls_sideways_on_a_phone(portal, browser, who, paths):
    url, ids = portal
    context = browser.new_context(viewport=PHONE, locale="vi-VN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        if who != "public":
            email = {"investor": "nhadautu@example.com", "desk": "motcua@example.com",
                     "leader": "lanhdao@example.com", "admin": "quantri@example.com"}[who]
            log_in(page, url, email, PASSWORD, None if who == "investor" else KEY)
        assert sweep(page, url, paths, ids) == []
    finally:
        context.close()


def test_the_menu_folds_into_one_button_and_opens(portal, browser):
    url, _ids = portal
    context = browser.new_context(viewport=PHONE, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(url + "/")
        menu = page.get_by_role("button", name="Danh mục")
        expect(menu).to_have_attribute("aria-expanded", "false")
        expect(page.get_by_role("link", name="Tra cứu hồ sơ")).to_be_hidden()
        menu.click()
        expect(menu).to_have_attribute("aria-expanded", "true")
        page.get_by_role("link", name="Tra cứu hồ sơ").click()
        expect(page).to_have_url(url + "/tracking")
    finally:
        context.close()
    without_script = browser.new_context(viewport=PHONE, locale="vi-VN", java_script_enabled=False)
    page = without_script.new_page()
    try:
        page.goto(url + "/")
        expect(page.get_by_role("link", name="Tra cứu hồ sơ")).to_be_visible()   # a plain list
        assert page.get_by_role("button", name="Danh mục").count() == 0
        assert overflow(page) == ""
    finally:
        without_script.close()
