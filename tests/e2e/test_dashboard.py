"""In a real browser: the public dashboard, with figures to chart, passes the automated
accessibility check (axe-core) with nothing serious or critical, in both languages."""
from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from portal.db import utcnow
from portal.dossiers.timeliness import Timeliness
from portal.dossiers.workflow import State
from tests.conftest import served
from tests.dossiers.caseload import add_dossiers
from tests.e2e.conftest import serious_violations

pytestmark = pytest.mark.e2e


@pytest.fixture
def dashboard_server(scratch_app):
    now = utcnow()
    with scratch_app.app_context():
        for months_ago, grade in ((1, Timeliness.EARLY), (2, Timeliness.ON_TIME), (3, Timeliness.LATE)):
            start = now - timedelta(days=30 * months_ago)
            add_dossiers(4, State.RETURNED, start=start, events=False, procedure_code="QLDT-02",
                         finished_at=start + timedelta(days=3), grade=grade, processing_days=3)
        add_dossiers(3, State.IN_PROGRESS, start=now - timedelta(days=2), events=False, procedure_code="XD-01")
    with served(scratch_app) as url:
        yield url


def test_the_dashboard_is_accessible(dashboard_server, browser):
    context = browser.new_context(locale="vi-VN", bypass_csp=True)  # the check's script is injected
    page = context.new_page()
    try:
        page.goto(dashboard_server + "/")
        page.get_by_role("link", name="Kết quả giải quyết thủ tục hành chính", exact=False).click()
        expect(page.locator("h1")).to_have_text("Kết quả giải quyết thủ tục hành chính")
        expect(page.get_by_role("img", name="Tỷ lệ giải quyết đúng hạn theo tháng")).to_be_visible()
        expect(page.locator("#months-by-field tfoot")).to_contain_text("12")   # 12 finished
        assert serious_violations(page) == []
        page.get_by_role("link", name="English").click()
        expect(page.get_by_role("img", name="On-time rate per month")).to_be_visible()
        assert serious_violations(page) == []
    finally:
        context.close()
