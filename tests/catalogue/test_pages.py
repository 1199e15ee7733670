"""The public catalogue: search, grouping, and one page per procedure."""
from __future__ import annotations

from html import unescape

import pytest
import yaml

from config import ROOT

CATALOGUE = yaml.safe_load((ROOT / "data" / "catalogue.yaml").read_text(encoding="utf-8"))
PROCEDURES = CATALOGUE["procedures"]


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("proc", PROCEDURES, ids=[p["code"] for p in PROCEDURES])
def test_every_procedure_page_renders_with_its_documents(client, proc):
    response = client.get(f"/procedures/{proc['code']}")
    assert response.status_code == 200
    page = text(response)
    assert proc["name_vi"] in page
    current = (proc.get("versions") or [proc])[-1]  # the latest version is in force today (from 2026)
    for number, doc in enumerate(current["documents"], start=1):
        assert doc["name_vi"] in page
    # the numbered list has one row per document, with the original/copy counts
    assert page.count('<td class="num">') == 2 * len(current["documents"])
    assert "Thời hạn giải quyết" in page and "Đơn vị giải quyết" in page
    assert "Mức độ dịch vụ công trực tuyến" in page
    if current.get("time_limit_days"):
        unit = "ngày làm việc" if current.get("time_limit_kind") == "working_days" else "ngày"
        assert f"{current['time_limit_days']} {unit}" in page


def test_procedure_page_details(client):
    page = text(client.get("/procedures/QLDT-02"))
    assert "5 ngày làm việc" in page
    assert "Không thu phí, lệ phí" in page
    assert "Luật Đầu tư số 143/2025/QH15" in page and "61/2020/QH14" not in page
    assert "Phòng Quản lý đầu tư" in page
    assert "Dịch vụ công trực tuyến toàn trình" in page
    page = text(client.get("/procedures/QLDT-01"))
    assert "10 ngày làm việc" in page and "15 ngày" not in page
    assert "nếu có" in page  # optional documents are marked
    assert "cần kiểm tra" not in page  # the lawyer's marks are for administrators


def test_before_the_2026_law_the_page_announces_it(client, db):
    """On 10/2/2026 the page shows the rules of Law 61/2020 (15 days) and announces those in
    force from 1/3/2026 (10 working days, Law 143/2025)."""
    import time_machine

    with time_machine.travel("2026-02-10 09:00 +0700", tick=False):
        page = text(client.get("/procedures/QLDT-01"))
    current, announced = page.split('id="next-version"')
    assert "15 ngày" in current and "Luật Đầu tư số 61/2020/QH14" in current
    assert "Quy định mới từ ngày 01/03/2026" in current
    assert "10 ngày làm việc" in announced and "Luật Đầu tư số 143/2025/QH15" in announced
    with time_machine.travel("2026-02-10 09:00 +0700", tick=False):
        correction = client.get("/procedures/QLDT-12")
    assert correction.status_code == 200  # only a future version: announced, not open
    assert "Thủ tục này chưa nhận hồ sơ" in text(correction)


def test_unknown_procedure_is_a_friendly_404(client):
    response = client.get("/procedures/KHONG-CO")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in text(response)


def test_catalogue_groups_by_field_and_unit(client):
    page = text(client.get("/procedures/"))
    assert "Tìm thấy 17 thủ tục" in page
    for heading in ("Đầu tư tại Việt Nam", "Hoạt động xây dựng", "Lao động nước ngoài", "Môi trường"):
        assert f"<h2>{heading}" in page
    by_unit = text(client.get("/procedures/?group=unit"))
    assert "<h2>Phòng Quản lý đầu tư <span class=\"muted\">(14)</span>" in by_unit
    assert "<h2>Phòng Quản lý xây dựng, tài nguyên, môi trường <span class=\"muted\">(2)</span>" in by_unit


@pytest.mark.parametrize("query", ["giấy phép", "giay phep", "GIAY PHEP", "Giấy  phép"])
def test_search_with_or_without_diacritics(client, query):
    page = text(client.get("/procedures/", query_string={"q": query}))
    assert "Tìm thấy 3 thủ tục" in page
    for name in ("Cấp giấy phép xây dựng mới", "Cấp giấy phép lao động", "Cấp giấy phép môi trường"):
        assert name in page
    assert f'value="{query}"' in page  # the search box keeps what was typed


def test_search_filters_by_unit_and_field(client):
    page = text(client.get("/procedures/", query_string={"unit": "XDTNMT"}))
    assert "Tìm thấy 2 thủ tục" in page
    page = text(client.get("/procedures/", query_string={"field": "DAU-TU", "q": "chấm dứt"}))
    assert "Tìm thấy 2 thủ tục" in page


def test_search_finds_nothing_politely(client):
    page = text(client.get("/procedures/", query_string={"q": "%_ ' OR 1=1 --"}))
    assert "Không có thủ tục nào phù hợp" in page


def test_search_by_code(client):
    page = text(client.get("/procedures/", query_string={"q": "qldt-05"}))
    assert "Tìm thấy 1 thủ tục" in page
