"""The audit trail for administrators: search by who, what, object, address and period,
paged with its total, and a period exported as CSV with nothing a spreadsheet would run."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import time_machine

from portal.audit import operations as audit
from portal.calendar import LOCAL_TZ
from tests.conftest import sign_in
from tests.factories import UserFactory


@pytest.fixture
def trail(client, db):
    admin = UserFactory(admin=True, email="quantri@example.com", full_name="Lê Quản Trị")
    desk = UserFactory(desk_officer=True, email="motcua@example.com", full_name="Nguyễn Thị Một Cửa")
    for day, actor, action, target in ((3, desk, "file.view", "dossier 7 file 9"),
                                       (4, admin, "calendar.add", "2026-06-12"),
                                       (5, None, "login.failed", "=HYPERLINK(\"http://x\")"),
                                       (6, admin, "calendar.remove", "2026-06-12")):
        with time_machine.travel(datetime(2026, 6, day, 10, 0, tzinfo=LOCAL_TZ), tick=False):
            event = audit.record(action, actor=actor, target=target)
            event.ip = "203.0.113.7" if actor is desk else "198.51.100.2"
            db.session.flush()   # stamped at the travelled time
    db.session.commit()
    sign_in(client, admin)
    return admin, desk


def rows_of(html: str) -> int:
    return html.count("<code>")


def test_search_by_each_criterion(client, trail):
    assert rows_of(client.get("/admin/audit").get_data(as_text=True)) >= 4
    assert rows_of(client.get("/admin/audit?action=calendar.").get_data(as_text=True)) == 2
    assert rows_of(client.get("/admin/audit?actor=một cửa").get_data(as_text=True)) == 1
    assert rows_of(client.get("/admin/audit?target=dossier 7").get_data(as_text=True)) == 1
    assert rows_of(client.get("/admin/audit?ip=203.0.113.7").get_data(as_text=True)) == 1
    page = client.get("/admin/audit?start=2026-06-04&end=2026-06-05").get_data(as_text=True)
    assert rows_of(page) == 2 and "(2)" in page
    assert rows_of(client.get("/admin/audit?action=%25").get_data(as_text=True)) == 0   # a wildcard is a character


def test_a_period_as_csv(client, trail):
    answer = client.get("/admin/audit.csv?start=2026-06-01&end=2026-06-30")
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.reader(io.StringIO(answer.get_data(as_text=True).lstrip("\ufeff"))))
    assert [line[2] for line in lines[1:]] == ["file.view", "calendar.add", "login.failed", "calendar.remove"]
    assert lines[3][3].startswith("'=HYPERLINK")   # never a formula
    assert lines[1][1] == "motcua@example.com" and lines[1][5] == "203.0.113.7"
    missing = client.get("/admin/audit.csv?start=2026-06-01")
    assert missing.status_code == 400 and "Chọn khoảng thời gian cần xuất" in missing.get_data(as_text=True)
    too_long = client.get("/admin/audit.csv?start=2024-01-01&end=2026-06-30")
    assert too_long.status_code == 400 and "366" in too_long.get_data(as_text=True)


def test_only_administrators(client, trail):
    _admin, desk = trail
    sign_in(client, desk)
    assert client.get("/admin/audit").status_code == 403
