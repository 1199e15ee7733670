"""In a real browser: a foreign investor on the English interface wants to file a procedure,
registers without a Vietnamese enterprise code (the country found by typing), confirms the
address from the mail, logs in, and lands on the page they wanted. An officer lands on the
workspace after the second step."""
from __future__ import annotations

import re

import pyotp
import pytest
from playwright.sync_api import expect

from portal.services.unit_of_work import commit
from tests.conftest import Outbox, served
from tests.e2e.conftest import log_in, with_totp
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e
KEY = pyotp.random_base32()


@pytest.fixture
def portal(scratch_app):
    with scratch_app.app_context():
        with_totp(UserFactory(desk_officer=True, email="motcua@example.com"), KEY)
        commit()
    with served(scratch_app) as url:
        yield scratch_app, url


def confirmation_link(app, address: str, seconds: float = 10) -> str:
    import time
    from pathlib import Path

    outbox, deadline = Outbox(Path(app.config["OUTBOX_DIR"])), time.monotonic() + seconds
    while not outbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address}"
        time.sleep(0.1)
    return re.search(r"/account/confirm/\S+", Outbox.body(outbox.to(address)[-1])).group(0)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_foreign_investor_registers_and_reaches_the_page_they_wanted(portal, browser, width):
    app, url = portal
    page = browser.new_context(locale="en-GB", viewport={"width": width, "height": 900}).new_page()
    page.goto(f"{url}/language/en?next=/procedures/QLDT-01")
    page.get_by_role("link", name="File this procedure online").click()
    expect(page).to_have_url(re.compile(r"/account/login\?next=(%2F|/)dossiers(%2F|/)new(%2F|/)QLDT-01"))
    page.locator("main").get_by_role("link", name="Register").click()

    country = page.get_by_label("Investor's country")
    expect(country).to_have_value("")    # English interface: no country assumed
    page.get_by_label("Search the countries").fill("south korea")
    expect(country).to_have_value("KR")
    page.get_by_label("Full name").fill("Kim Min-jun")
    page.get_by_role("textbox", name="Email (required)").fill(f"kim{width}@example.kr")
    page.get_by_label("Phone").fill("+82 10 1234 5678")
    page.get_by_label("Password").first.fill("Hanoi-Seoul-2026-Bo-Y")
    page.get_by_label("Confirm password").fill("Hanoi-Seoul-2026-Bo-Y")
    page.get_by_label("Enterprise name").fill("Hankook Agro Co., Ltd.")
    page.get_by_label("Head office address").fill("123 Teheran-ro, Gangnam-gu, Seoul")
    page.get_by_label("Legal representative").fill("Kim Min-jun")
    page.get_by_role("button", name="Register").click()
    expect(page.get_by_text("Your account has been created")).to_be_visible()

    page.goto(url + confirmation_link(app, f"kim{width}@example.kr"))
    page.get_by_role("button", name="Confirm my email").click()
    expect(page).to_have_url(re.compile(r"/account/login\?next=(%2F|/)dossiers(%2F|/)new(%2F|/)QLDT-01"))
    page.locator("input[name=email]").fill(f"kim{width}@example.kr")
    page.locator("input[name=password]").fill("Hanoi-Seoul-2026-Bo-Y")
    page.locator("main form [type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dossiers/new/QLDT-01$"))


def test_the_country_list_is_searched_with_or_without_accents(portal, browser):
    _app, url = portal
    page = browser.new_context(locale="vi-VN").new_page()
    page.goto(url + "/account/register")
    country = page.get_by_label("Quốc tịch nhà đầu tư")
    expect(country).to_have_value("VN")   # Vietnamese interface: Viet Nam to start from
    for typed in ("Han", "hàn quốc"):
        page.get_by_label("Tìm quốc gia").fill(typed)
        expect(country).to_have_value("KR")


def test_an_officer_lands_on_the_workspace_after_the_second_step(portal, browser):
    _app, url = portal
    page = browser.new_context(locale="vi-VN").new_page()
    log_in(page, url, "motcua@example.com", PASSWORD, KEY)
    expect(page).to_have_url(re.compile(r"/officer/\w+"))   # the desk's own page of the workspace
