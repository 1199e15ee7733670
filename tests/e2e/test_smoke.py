"""Smoke test in a real browser: the home page and a procedure page."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_home_then_a_procedure_page(live_server, page):
    page.goto(live_server + "/")
    expect(page.locator("h1")).to_have_text("Ban Quản lý Khu kinh tế tỉnh Kon Tum")
    expect(page.get_by_text("Khu kinh tế cửa khẩu quốc tế Bờ Y").first).to_be_visible()

    page.get_by_label("Tìm thủ tục hành chính").fill("giay chung nhan dang ky dau tu")
    page.get_by_role("button", name="Tìm kiếm").click()
    expect(page.get_by_role("status")).to_contain_text("Tìm thấy")
    page.get_by_role("link", name="Cấp lại hoặc hiệu đính thông tin trên Giấy chứng nhận đăng ký đầu tư").click()

    expect(page).to_have_url(re.compile(r"/procedures/QLDT-09$"))
    expect(page.locator("h1")).to_contain_text("Cấp lại hoặc hiệu đính")
    rows = page.locator("table.documents tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Văn bản đề nghị cấp lại hoặc hiệu đính")
    expect(page.locator(".facts dd").nth(1)).to_contain_text("5 ngày làm việc")
    expect(page.locator("ol.steps")).to_contain_text("Thẩm định — chuyên viên Phòng Quản lý đầu tư: 1,5 ngày làm việc")

    # The page is styled by the portal's own stylesheet (no CDN).
    expect(page.locator(".site-header")).to_have_css("background-color", "rgb(166, 27, 27)")

    page.get_by_role("link", name="English").click()
    expect(page.locator("h1")).to_contain_text("Re-issuance or correction")
    expect(page.locator("html")).to_have_attribute("lang", "en")
