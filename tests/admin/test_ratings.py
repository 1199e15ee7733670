"""Investors' ratings per procedure and per unit over a period, for administrators."""
from __future__ import annotations

import re

import time_machine

from tests.conftest import sign_in
from tests.reports.history import at, build


def test_march_s_two_ratings(client, db, make_draft):
    history = build(make_draft)   # D1 rated 5 on 6/3, D2 rated 3 on 11/3, both QLDT-02 of the QLDT unit
    with time_machine.travel(at(2, 10, month=4), tick=False):
        sign_in(client, history.people["admin"])
        html = client.get("/admin/ratings?kind=month&year=2026&month=3").get_data(as_text=True)
        april = client.get("/admin/ratings?kind=month&year=2026&month=4").get_data(as_text=True)
    rows = [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>.*?</tr>", html, re.S)]
    # Procedure, ratings, average, then 5 to 1 stars.
    assert any(row.startswith("QLDT-02 — ") and row.endswith("2 4,0 1 0 1 0 0") for row in rows), rows
    assert "Phòng Quản lý đầu tư 2 4,0 1 0 1 0 0" in rows
    assert "Tổng cộng 2 4,0 1 0 1 0 0" in rows
    assert "Không có đánh giá trong kỳ này." in april
