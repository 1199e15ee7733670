"""In a real browser: an investor types the capital the Vietnamese way and the portal keeps it."""
from __future__ import annotations

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from portal.extensions import db
from portal.projects.models import Project
from portal.services.unit_of_work import commit
from tests.conftest import served
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def own_server(scratch_app):
    """A live server on a scratch database of its own, so what the browser saves stays out
    of the suite's database."""
    with scratch_app.app_context():
        UserFactory(email="von@example.com")
        commit()
    with served(scratch_app) as url:
        yield scratch_app, url


def test_capital_typed_with_dots_is_kept_whole(own_server, page):
    app, url = own_server
    page.goto(url + "/account/login")
    page.locator("input[name=email]").fill("von@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form button[type=submit], main form input[type=submit]").first.click()
    expect(page).not_to_have_url(url + "/account/login")
    page.goto(url + "/projects/new")
    page.locator("input[name=name_vi]").fill("Nhà máy chế biến cà phê Sao Mai")
    page.locator("select[name=zone_id]").select_option(label="Khu công nghiệp Sao Mai")
    capital = page.get_by_label("Tổng vốn đầu tư (đồng)", exact=False)
    expect(capital).to_have_attribute("inputmode", "decimal")
    capital.fill("250.000.000.000")
    page.get_by_role("button", name="Lưu dự án").click()

    expect(page.locator("h1")).to_have_text("Nhà máy chế biến cà phê Sao Mai")
    expect(page.locator("dl.facts")).to_contain_text("250.000.000.000")
    with app.app_context():
        assert db.session.scalars(db.select(Project.total_capital_vnd)).one() == Decimal("250000000000")
