"""The investment report of March 2026 over the hand-made history (tests/reports/history.py):
certificates first issued in the month, projects holding one at its end, by zone and by the
investor's country, and the month's amendments, transfers and terminations."""
from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
import time_machine

from portal.catalogue.models import CertificateEffect
from portal.reports.investment import investment_report
from portal.reports.periods import Period
from tests.conftest import sign_in
from tests.reports.history import at, build

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = at(2, 10, month=4)
BN = 1_000_000_000


@pytest.fixture
def history(db, make_draft):
    return build(make_draft)


def summary(i):
    return (i.projects, i.capital_vnd, i.land_m2, i.workforce)


def test_every_figure_of_march(db, history):
    report = investment_report(MARCH, NOW)
    granted, held = report.granted, report.in_force
    # First issued in March: D9, D1, D3 (Vietnamese, Hòa Bình: 10 + 20 + 40 billion) and D2 (Korean, Sao Mai: 30).
    assert summary(granted.total) == (4, Decimal(100 * BN), Decimal(10_000), 0)
    assert {zone.code: summary(i) for zone, i in granted.by_zone} == {
        "KCN-HOA-BINH": (3, 70 * BN, 7000, 0), "KCN-SAO-MAI": (1, 30 * BN, 3000, 0),
        "KCN-DAK-TO": (0, 0, 0, 0), "KKTCK-BO-Y": (0, 0, 0, 0)}
    assert (summary(granted.domestic), summary(granted.foreign)) == ((3, 70 * BN, 7000, 0), (1, 30 * BN, 3000, 0))
    assert [(code, i.projects) for code, i in granted.by_country] == [("VN", 3), ("KR", 1)]
    # Holding one on 31 March: those four, the amended project (Đăk Tô) and the transferred one (Bờ Y, Korean);
    # the terminated one (Hòa Bình, 70 billion) no longer.
    assert summary(held.total) == (6, 210 * BN, 21_000, 200)
    assert {zone.code: summary(i) for zone, i in held.by_zone} == {
        "KCN-HOA-BINH": (3, 70 * BN, 7000, 0), "KCN-SAO-MAI": (1, 30 * BN, 3000, 0),
        "KCN-DAK-TO": (1, 50 * BN, 5000, 120), "KKTCK-BO-Y": (1, 60 * BN, 6000, 80)}
    assert (summary(held.domestic), summary(held.foreign)) == ((4, 120 * BN, 12_000, 120), (2, 90 * BN, 9000, 80))
    assert report.changes == {CertificateEffect.AMEND: 1, CertificateEffect.TRANSFER: 1,
                              CertificateEffect.REISSUE: 0, CertificateEffect.TERMINATE: 1}
    # An amendment in April raises the Đăk Tô project's capital to 80 billion: March stays as it was.
    from portal.projects.models import Project
    from portal.projects.operations import record_certificate

    amended = next(z for z in history.zones.values() if z.code == "KCN-DAK-TO")
    project = db.session.scalar(db.select(Project).where(Project.zone_id == amended.id))
    project.total_capital_vnd = Decimal(80 * BN)
    with time_machine.travel(at(6, 9, month=4), tick=False):
        record_certificate(project, CertificateEffect.AMEND, "5401999999", date(2026, 4, 6), dossier_id=None,
                           recorded_by=history.people["leader"])
    assert summary(investment_report(MARCH, NOW).in_force.total) == (6, 210 * BN, 21_000, 200)
    april = investment_report(Period(date(2026, 4, 1), date(2026, 4, 30)), at(7, 9, month=4))
    assert summary(april.in_force.total) == (6, 240 * BN, 21_000, 200)
    # February: nothing first issued; held: the three declared in 2025.
    february = investment_report(Period(date(2026, 2, 1), date(2026, 2, 28)), NOW)
    assert (february.granted.total.projects, february.in_force.total.projects) == (0, 3)


def test_the_page_and_its_files(client, history):
    query = "?kind=month&year=2026&month=3"
    with time_machine.travel(NOW, tick=False):
        sign_in(client, history.people["head"])
        page = client.get("/reports/investment" + query)
        xlsx = client.get("/reports/investment.xlsx" + query)
        pdf = client.get("/reports/investment.pdf" + query)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Hàn Quốc" in html and "Khu công nghiệp Đăk Tô" in html
    assert "210.000.000.000" in html     # capital held, grouped the Vietnamese way
    assert 'aria-labelledby="chart-capital-zone-title chart-capital-zone-desc"' in html

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data))
    by_zone = [row for row in book[book.sheetnames[2]].iter_rows(values_only=True)]
    total = next(row for row in by_zone if row[0] == "Tổng cộng")
    assert total == ("Tổng cộng", 6, 210 * BN, 0, 21_000, 200)
    text = " ".join(" ".join((p.extract_text() or "").split())
                    for p in __import__("pypdf").PdfReader(io.BytesIO(pdf.data)).pages)
    for expected in ("BÁO CÁO TÌNH HÌNH ĐẦU TƯ VÀO KHU KINH TẾ, KHU CÔNG NGHIỆP", "Hàn Quốc", "210.000.000.000",
                     "Chuyển nhượng dự án", "THỦ TRƯỞNG CƠ QUAN"):
        assert expected in text, expected


def test_from_the_terminal(app, history, tmp_path):
    from openpyxl import load_workbook

    runner = app.test_cli_runner()
    target = tmp_path / "dau-tu.xlsx"
    with time_machine.travel(NOW, tick=False):
        result = runner.invoke(args=["reports", "investment", "--from", "2026-03-01", "--to", "2026-03-31",
                                     "--format", "xlsx", "--output", str(target)])
        assert result.exit_code == 0, result.output
        book = load_workbook(target)
        assert book.sheetnames[0].startswith("Giấy chứng nhận")
        service = tmp_path / "dich-vu.csv"
        result = runner.invoke(args=["reports", "service", "--from", "2026-03-01", "--to", "2026-03-31",
                                     "--unit", "XDTNMT", "--format", "csv", "--output", str(service)])
        assert result.exit_code == 0, result.output
        body = service.read_text("utf-8-sig")
        assert "Đơn vị xử lý:" in body and "XD-01" in body and "QLDT-02" not in body
        refused = runner.invoke(args=["reports", "service", "--from", "2026-03-31", "--to", "2026-03-01",
                                      "--format", "pdf", "--output", str(tmp_path / "x.pdf")])
        assert refused.exit_code == 2 and "Ngày kết thúc kỳ báo cáo ở trước ngày bắt đầu" in refused.output
        unknown = runner.invoke(args=["reports", "service", "--from", "2026-03-01", "--to", "2026-03-31",
                                      "--format", "docx", "--output", str(tmp_path / "x.docx")])
        assert unknown.exit_code == 2 and "docx" in unknown.output
        no_unit = runner.invoke(args=["reports", "service", "--from", "2026-03-01", "--to", "2026-03-31",
                                      "--unit", "NOPE", "--format", "csv", "--output", str(tmp_path / "x.csv")])
        assert no_unit.exit_code == 2 and "QLDT" in no_unit.output
