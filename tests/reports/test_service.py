"""The service report of March 2026 over the hand-made history (tests/reports/history.py),
every figure worked out by hand there: on the page, in the XLSX, the CSV and the PDF."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
import time_machine

from portal.calendar import LOCAL_TZ
from portal.reports.periods import Period
from portal.reports.service import Filters, service_report
from tests.conftest import sign_in
from tests.reports.history import at, build

MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
NOW = at(2, 10, month=4)   # Thu 2 April 2026


@pytest.fixture
def history(db, make_draft):
    return build(make_draft)


def figures(report_figures):
    f = report_figures
    return dict(online=f.received_online, other=f.received_other, carried=f.carried_over, handled=f.handled,
                finished=f.finished, early=f.early, on_time=f.on_time, late=f.late, withdrawn=f.withdrawn,
                stopped=f.stopped, refused=f.refused, within=f.open_within, past=f.open_past,
                rate=f.on_time_rate, days=f.average_days)


# Worked out by hand from the history's table.
ALL = dict(online=6, other=1, carried=2, handled=9, finished=5, early=2, on_time=2, late=1, withdrawn=1, stopped=1,
           refused=1, within=1, past=2, rate=80.0, days=21 / 5)
QLDT = dict(online=5, other=1, carried=1, handled=7, finished=4, early=1, on_time=2, late=1, withdrawn=0, stopped=1,
            refused=1, within=1, past=1, rate=75.0, days=19 / 4)
XDTNMT = dict(online=1, other=0, carried=1, handled=2, finished=1, early=1, on_time=0, late=0, withdrawn=1, stopped=0,
              refused=0, within=0, past=1, rate=100.0, days=2.0)


def test_every_figure_of_march(history):
    report = service_report(MARCH, Filters(), NOW)
    assert figures(report.total) == ALL
    by_unit = {row.key.code: figures(row.figures) for row in report.by_unit}
    assert by_unit == {"QLDT": QLDT, "XDTNMT": XDTNMT}
    by_procedure = {row.key.code: figures(row.figures) for row in report.by_procedure}
    assert by_procedure["QLDT-02"] == QLDT and by_procedure["XD-01"] == XDTNMT
    assert [(row.key, row.figures.received, row.figures.finished) for row in report.by_month] == [("2026-03", 7, 5)]
    assert (report.ratings, report.rating_average) == (2, 4.0)
    # Overdue now: D6 (due 18/3) and D10 (due 23/3, late since its supplement request, though waiting);
    # not D7, due on Mon 6/4.
    assert [d.id for d in report.overdue.rows] == [history.dossiers["D6"].id, history.dossiers["D10"].id]


def test_a_unit_alone_and_the_grades_stay_when_viewed_later(history):
    qldt = history.units["QLDT"]
    report = service_report(MARCH, Filters(unit_ids=[qldt.id]), NOW)
    assert figures(report.total) == QLDT
    # Later: D6 finishes in April, D7 is approved; March does not change.
    from portal.dossiers import operations as ops

    d = history.dossiers
    with time_machine.travel(at(3, 9, month=4), tick=False):
        ops.propose_result(d["D7"], history.people["specialist"], _pdf())
        ops.forward(d["D7"], history.people["head"], "Đạt")
        ops.approve(d["D7"], history.people["leader"], _pdf(), irc_number="5401000007", irc_date=date(2026, 4, 3))
    assert figures(service_report(MARCH, Filters(), at(20, 9, month=4)).total) == ALL
    april = service_report(Period(date(2026, 4, 1), date(2026, 4, 30)), Filters(), at(20, 9, month=4))
    assert (april.total.carried_over, april.total.finished, april.total.early, april.total.open_past) == (3, 1, 1, 2)


def _pdf():
    from tests.reports.history import _pdf as pdf

    return pdf()


def test_the_page_and_its_files(client, history):
    query = "?kind=month&year=2026&month=3"
    with time_machine.travel(NOW, tick=False):
        sign_in(client, history.people["leader"])
        page = client.get("/reports/service" + query)
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        assert "80,0 %" in html and "4,2" in html   # Vietnamese decimals
        assert 'role="img"' in html and "aria-details=\"by-month\"" in html
        assert "Phạm Thị Xây Dựng" in html   # who holds the overdue D6
        xlsx = client.get("/reports/service.xlsx" + query)
        pdf = client.get("/reports/service.pdf" + query)
        csv = client.get("/reports/service.csv" + query)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data))
    sheet = book[book.sheetnames[0]]
    rows = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    header = next(i for i, row in enumerate(rows) if row and row[0] == "Thủ tục")
    total = next(row for row in rows[header:] if row[0] == "Tổng cộng")
    assert total[1:] == [6, 1, 2, 9, 5, 2, 2, 1, 80.0, 4.2, 1, 2, 1, 1, 1]
    assert all(isinstance(v, (int, float)) for v in total[1:])
    overdue = [row for row in book[book.sheetnames[-1]].iter_rows(values_only=True) if row[0] == history.dossiers["D6"].code]
    # D6: with the specialist since its reception on 26/2 09:00, 25 working days before 2/4; due 18/3 09:00,
    # 11 working days overdue. Moments are dates in the sheet (Vietnam time).
    assert overdue == [(history.dossiers["D6"].code, "XD-01", history.units["XDTNMT"].name_vi, "Phạm Thị Xây Dựng",
                        datetime(2026, 2, 26, 9, 0), 25, datetime(2026, 3, 18, 9, 0), 11)]
    text = _pdf_text(pdf.data)
    for expected in ("BÁO CÁO TÌNH HÌNH GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH", "01/03/2026", "31/03/2026",
                     "NGƯỜI LẬP BIỂU", "THỦ TRƯỞNG CƠ QUAN", "Độc lập - Tự do - Hạnh phúc",
                     # the total row, then each unit's: QLDT 75 % in 4.75 days, XDTNMT 100 % in 2
                     "Tổng cộng 6 1 2 9 5 2 2 1 80,0 % 4,2 1 2 1 1 1",
                     "Phòng Quản lý đầu tư 5 1 1 7 4 1 2 1 75,0 % 4,8 1 1 0 1 1",
                     "1 0 1 2 1 1 0 0 100,0 % 2,0 0 1 1 0 0", "Phạm Thị Xây Dựng"):
        assert expected in text, expected
    body = csv.data.decode("utf-8-sig")
    assert "QLDT-02" in body and ",80.0," in body


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_bad_periods_and_other_units(client, history):
    sign_in(client, history.people["head"])
    assert client.get(f"/reports/service?unit={history.units['XDTNMT'].id}").status_code == 404
    bad = client.get("/reports/service?kind=range&start=2026-03-31&end=2026-03-01")
    assert bad.status_code == 400
    assert "Ngày kết thúc kỳ báo cáo ở trước ngày bắt đầu." in bad.get_data(as_text=True)
    assert 'value="2026-03-31"' in bad.get_data(as_text=True)   # what was typed stays
    long = client.get("/reports/service?kind=range&start=2020-01-01&end=2026-03-01")
    assert long.status_code == 400 and "không được dài quá 5 năm" in long.get_data(as_text=True)
    assert client.get("/reports/service.docx").status_code == 404
    # Whatever else the query string holds: the page or a clear refusal, never an error page.
    for query in ("form=x&endpoint=y&_anchor=z", "kind=range&start=9999-12-31&end=9999-12-31",
                  "kind=range&start=0001-01-01&end=0001-01-02", "kind=year&year=99999", "kind=month&month=13",
                  "procedure=999999", "field=abc", "kind=nonsense"):
        for path in ("/reports/service", "/reports/investment", "/reports/service.csv"):
            answer = client.get(f"{path}?{query}")
            assert answer.status_code in (200, 400), (path, query, answer.status_code)
    assert "Chọn ngày trong khoảng từ 2000 đến 2100." in client.get(
        "/reports/investment?kind=range&start=9999-12-31&end=9999-12-31").get_data(as_text=True)
    own = client.get("/reports/service?kind=month&year=2026&month=3")
    assert own.status_code == 200


def _recount(period: Period, now):
    """The same figures counted the slow way: every dossier loaded and judged in Python by
    the portal's own rules (timeliness.of_dossier), nothing stored trusted but the times."""
    from portal.calendar.queries import overrides
    from portal.dossiers.models import Dossier
    from portal.dossiers.operations import office_hours
    from portal.dossiers.timeliness import Timeliness, late_since, of_dossier, processing_days
    from portal.dossiers.workflow import State
    from portal.extensions import db

    start, end = period.start, period.end
    counts = dict.fromkeys(("received", "carried", "early", "on_time", "late", "stopped", "refused", "within",
                            "past", "days"), 0)
    for d in db.session.scalars(db.select(Dossier)):
        received, finished = d.received_at, d.finished_at
        if d.state is State.REFUSED and start <= finished < end:
            counts["refused"] += 1
        if received is None:
            continue
        counts["received"] += start <= received < end
        counts["carried"] += received < start and (finished is None or finished >= start)
        if finished is not None and start <= finished < end:
            if d.state is State.STOPPED:
                counts["stopped"] += 1
            else:
                grade = of_dossier(d, finished, overrides(), office_hours())
                counts[{Timeliness.EARLY: "early", Timeliness.ON_TIME: "on_time", Timeliness.LATE: "late"}[grade]] += 1
                counts["days"] += processing_days(d, overrides(), office_hours())
        if received < end and (finished is None or finished >= end):
            moment = min(end, now)
            paused = d.paused_at is not None and d.paused_at <= moment
            late = late_since(d, overrides(), office_hours())
            past = (late is not None and late <= moment) or (d.legal_due_at < moment and not paused)
            counts["past" if past else "within"] += 1
    return counts


@pytest.mark.parametrize("first, last", [((2, 1), (2, 28)), ((3, 1), (3, 31)), ((1, 1), (3, 31)),
                                         ((3, 5), (3, 12)), ((3, 11), (4, 2))])
def test_the_report_agrees_with_a_recount(history, first, last):
    period = Period(date(2026, *first), date(2026, *last))
    f = service_report(period, Filters(), NOW).total
    assert dict(received=f.received, carried=f.carried_over, early=f.early, on_time=f.on_time, late=f.late,
                stopped=f.stopped, refused=f.refused, within=f.open_within, past=f.open_past,
                days=f.days_total) == _recount(period, NOW)


def test_grades_are_filled_in_for_dossiers_that_ended_before_they_were_stored(app, history):
    from portal.dossiers.models import Dossier
    from portal.extensions import db

    before = service_report(MARCH, Filters(), NOW).total
    db.session.execute(db.update(Dossier).values(grade=None, processing_days=None))
    db.session.commit()
    assert service_report(MARCH, Filters(), NOW).total.graded == 0
    result = app.test_cli_runner().invoke(args=["reports", "regrade"])
    assert result.exit_code == 0 and "graded: 6" in result.output   # D9 D1 D2 D3 D4 D8
    assert service_report(MARCH, Filters(), NOW).total == before


def test_each_reader_has_a_rate_limit(app, db):
    from portal.extensions import limiter
    from tests.factories import UserFactory

    head, leader = UserFactory(department_head=True), UserFactory(board_leader=True)
    app.config["REPORT_RATE_LIMIT"] = "2 per minute"
    try:
        first, second = app.test_client(), app.test_client()
        sign_in(first, head)
        sign_in(second, leader)
        answers = [first.get("/reports/service.csv").status_code for _ in range(3)]
        other = second.get("/reports/investment").status_code
    finally:
        limiter.reset()
        app.config["REPORT_RATE_LIMIT"] = "10000 per hour"
    assert answers == [200, 200, 429] and other == 200


def test_with_a_job_queue_the_file_is_prepared_by_a_worker_for_its_reader_alone(app, client, history, monkeypatch):
    import uuid

    from openpyxl import load_workbook
    from rq import SimpleWorker

    from portal.services import jobs
    from portal.services.storage import get_storage
    from tests.factories import UserFactory

    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.setitem(app.config, "JOB_QUEUE", f"test-reports-{uuid.uuid4().hex[:8]}")
    query = "?kind=month&year=2026&month=3"
    try:
        with time_machine.travel(NOW):
            sign_in(client, history.people["leader"])
            asked = client.get("/reports/service.xlsx" + query)
            assert asked.status_code == 302 and "ready=" in asked.headers["Location"]
            waiting = client.get(asked.headers["Location"])
            assert waiting.status_code == 200 and 'http-equiv="refresh"' in waiting.text
            assert "đang được chuẩn bị" in waiting.text

            other = UserFactory(board_leader=True)  # another reader with the same link gets nothing of it
            sign_in(client, other)
            assert client.get(asked.headers["Location"]).status_code == 302

            with app.app_context():
                queue = jobs.get_queue()
                SimpleWorker([queue], connection=queue.connection).work(burst=True)
            sign_in(client, history.people["leader"])
            ready = client.get(asked.headers["Location"])
        assert ready.headers["Content-Disposition"].startswith("attachment")
        sheet = load_workbook(io.BytesIO(ready.data)).worksheets[0]
        total = next(row for row in sheet.iter_rows(values_only=True) if row and row[0] == "Tổng cộng")
        assert list(total[1:8]) == [6, 1, 2, 9, 5, 2, 2]
    finally:
        with app.app_context():
            jobs.get_queue().delete(delete_jobs=True)
            storage = get_storage()
            for key in storage.iter_keys("exports/"):
                storage.delete(key)
        app.extensions.pop("portal_redis", None)


def test_prepared_files_of_earlier_days_are_removed(app, db, monkeypatch):
    from portal.reports.prepared import remove_old_files
    from portal.services.storage import get_storage

    storage = get_storage()
    assert list(storage.iter_keys("exports/")) == []
    for key in ("exports/2026-11-24/a.xlsx", "exports/2026-11-25/b.pdf", "exports/2026-11-26/c.csv"):
        storage.save_bytes(key, b"x")
    with time_machine.travel(datetime(2026, 11, 26, 8, 0, tzinfo=LOCAL_TZ)):
        assert remove_old_files() == 1
    assert sorted(storage.iter_keys("exports/")) == ["exports/2026-11-25/b.pdf", "exports/2026-11-26/c.csv"]
    for key in storage.iter_keys("exports/"):
        storage.delete(key)
