"""The public dashboard on 2 April 2026 over the hand-made history (tests/reports/history.py):
counts for the year and the last twelve months, per field and per month, and nothing about
any investor or dossier."""
from __future__ import annotations

import pytest
import time_machine

from portal.reports.dashboard import count
from tests.reports.history import at, build

NOW = at(2, 10, month=4)


@pytest.fixture
def history(db, make_draft):
    return build(make_draft)


def test_the_figures(history):
    board = count(NOW)
    # Received in 2026: D9 and D6 in February, D1 D2 D3 D4 D8 D10 D7 in March (D2 in person); D5 refused.
    # Finished: D9 on time, D1 early, D2 on time, D3 late, D4 withdrawn early: 3 + 5 + 5 + 6 + 2 days.
    for f in (board.this_year, board.twelve_months):
        assert (f.received, f.received_online, f.finished, f.early, f.on_time, f.late) == (9, 8, 5, 2, 2, 1)
        assert (f.on_time_rate, round(f.online_share, 2), f.average_days) == (80.0, 88.89, 4.2)
    fields = {field.code: (year.received, year.finished, year.on_time_rate) for field, year, _ in board.by_field}
    assert fields == {"DAU-TU": (7, 4, 75.0), "XAY-DUNG": (2, 1, 100.0)}
    months = dict((month, (f.received, f.finished)) for month, f in board.by_month)
    assert len(months) == 12 and list(months)[0] == "2025-05" and list(months)[-1] == "2026-04"
    assert months["2026-02"] == (2, 0) and months["2026-03"] == (7, 5) and months["2026-04"] == (0, 0)


def test_the_page_is_public_and_names_nobody(client, history):
    with time_machine.travel(NOW, tick=False):
        page = client.get("/statistics")
        home = client.get("/")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/statistics" in home.get_data(as_text=True)
    assert "80,0 %" in html and "88,9 %" in html and "4,2 ngày làm việc" in html
    assert 'aria-labelledby="chart-on-time-title chart-on-time-desc"' in html
    people = [history.people["vn"].full_name, history.people["kr"].full_name, "Hanbit",
              *[u.full_name for u in history.people.values()]]
    codes = [d.code for d in history.dossiers.values()]
    for secret in [*people, *codes, history.people["vn"].email]:
        assert secret not in html, secret
    assert "Set-Cookie" not in page.headers or "session" not in page.headers["Set-Cookie"]


def test_the_figures_are_kept_for_a_while(app, history, monkeypatch):
    from portal.reports.dashboard import dashboard

    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 300)
    app.extensions.pop("portal.dashboard", None)
    first = dashboard(NOW)
    history.dossiers["D7"].received_at = None   # a change the kept figures do not see yet
    assert dashboard(NOW) is first
    monkeypatch.setitem(app.config, "DASHBOARD_CACHE_SECONDS", 0)
    assert dashboard(NOW).this_year.received == first.this_year.received - 1
    app.extensions.pop("portal.dashboard", None)
