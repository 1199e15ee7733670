"""Every list is paged and complete: the total is said, the next page carries on where the
last stopped, and the book and its exports hold every row of the period."""
from __future__ import annotations

import csv
import io
import re
from datetime import timedelta
from html import unescape

from openpyxl import load_workbook

from portal.accounts.models import Enterprise
from portal.dossiers.models import Dossier
from portal.dossiers.workflow import State
from tests.conftest import sign_in
from tests.dossiers.caseload import START, add_dossiers
from tests.factories import UserFactory


def codes_on(page: str) -> list[str]:
    return re.findall(r'<a href="/officer/dossiers/\d+">([^<]+)</a>', page)


def next_link(page: str):
    found = re.search(r'<a rel="next" href="([^"]+)"', page)
    return unescape(found.group(1)) if found else None


def test_a_queue_longer_than_a_page_says_how_many_and_pages_through_all(client, db):
    from portal.catalogue.models import Unit

    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    specialist = UserFactory(specialist=True, unit=qldt)
    # Submitted an hour apart, due in the same order; some of them due at the same moment.
    ids = add_dossiers(30, State.IN_PROGRESS, assignee=specialist)
    for dossier_id in ids[10:14]:
        db.session.get(Dossier, dossier_id).due_at = db.session.get(Dossier, ids[10]).due_at
    db.session.commit()
    expected = list(db.session.scalars(db.select(Dossier.code).where(Dossier.id.in_(ids))
                                       .order_by(Dossier.due_at, Dossier.id)))
    sign_in(client, specialist)
    first = client.get("/officer/mine").get_data(as_text=True)
    assert "(30)" in first and "Dòng 1–25 trên tổng số 30" in first
    seen = codes_on(first)
    assert len(seen) == 25
    second = client.get(next_link(first)).get_data(as_text=True)
    assert "Dòng 26–30 trên tổng số 30" in second and next_link(second) is None
    seen += codes_on(second)
    assert seen == expected  # every one, once, in due order


def test_a_forged_position_shows_the_first_page(client, db):
    from portal.catalogue.models import Unit

    specialist = UserFactory(specialist=True, unit=db.session.scalar(db.select(Unit).where(Unit.code == "QLDT")))
    add_dossiers(3, State.IN_PROGRESS, assignee=specialist)
    sign_in(client, specialist)
    for after in ("%%%", "W1tdXQ", "WyJ4IiwxXQ", "A" * 5000, "WzEsMiwzXQ"):
        response = client.get("/officer/mine", query_string={"processingafter": after, "processingn": "99999999"})
        assert response.status_code == 200 and len(codes_on(response.get_data(as_text=True))) == 3


def test_the_book_holds_every_row_of_the_period_beyond_the_old_cap(client, db):
    desk = UserFactory(desk_officer=True)
    enterprise = db.session.scalar(db.select(Enterprise).order_by(Enterprise.id)) or UserFactory().memberships[0].enterprise
    n = 5_001
    add_dossiers(n, State.IN_PROGRESS, enterprises=[enterprise], step=timedelta(minutes=5))
    add_dossiers(2, State.IN_PROGRESS, enterprises=[enterprise], start=START + timedelta(days=40))  # April
    sign_in(client, desk)
    query = {"start": "2026-03-01", "end": "2026-03-31"}
    page = unescape(client.get("/officer/book", query_string=query).get_data(as_text=True))
    assert "5.001 hồ sơ" in page and "Dòng 1–50 trên tổng số 5.001" in page
    assert "Các tệp CSV và Excel sẽ có tất cả các hồ sơ này" in page  # a large export is announced
    response = client.get("/officer/book.csv", query_string=query, buffered=False)
    assert response.is_streamed  # written as it is read, not built whole in memory
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))[1:]
    response.close()
    assert len(rows) == n and len({r[1] for r in rows}) == n
    sheet = load_workbook(io.BytesIO(client.get("/officer/book.xlsx", query_string=query).data),
                          read_only=True).active
    codes = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert len(codes) == n and set(codes) == {r[1] for r in rows}
