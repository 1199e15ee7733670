"""Pages that list dossiers make a bounded number of queries, however many rows they show."""
from __future__ import annotations

from contextlib import contextmanager

import sqlalchemy as sa

from portal.dossiers import operations as processing
from portal.dossiers.operations import receive_dossier, submit_dossier
from portal.extensions import db as _db
from tests.conftest import sign_in
from tests.factories import UserFactory


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = _db.session.get_bind()
    target = engine.engine if hasattr(engine, "engine") else engine
    sa.event.listen(target, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(target, "before_cursor_execute", count)


def fill(make_draft, desk, head, specialist, n):
    for _ in range(n):
        dossier = make_draft()
        submit_dossier(dossier, dossier.created_by)
        receive_dossier(dossier, desk)
        processing.assign(dossier, head, specialist)


def test_queue_pages_do_not_grow_with_their_rows(client, db, make_draft):
    from portal.catalogue.models import Unit

    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    desk = UserFactory(desk_officer=True)
    head = UserFactory(department_head=True, unit=qldt)
    specialist = UserFactory(specialist=True, unit=qldt)
    pages = {specialist: "/officer/mine", head: "/officer/unit"}
    fill(make_draft, desk, head, specialist, 2)
    db.session.commit()
    few = {}
    for user, url in pages.items():
        sign_in(client, user)
        with counted() as statements:
            assert client.get(url).status_code == 200
        few[url] = len(statements)
        assert few[url] > 0  # the counter sees the page's queries
    fill(make_draft, desk, head, specialist, 12)
    db.session.commit()
    for user, url in pages.items():
        sign_in(client, user)
        with counted() as statements:
            page = client.get(url).get_data(as_text=True)
        assert page.count("/officer/dossiers/") >= 14
        assert len(statements) == few[url], (url, few[url], len(statements))


def test_investor_dashboard_is_bounded(client, db, make_draft, login_as):
    user = login_as("investor")
    for _ in range(3):
        submit_dossier(d := make_draft(user=user), user)
    db.session.commit()
    with counted() as statements:
        client.get("/dossiers/")
    few = len(statements)
    assert few > 0
    for _ in range(10):
        submit_dossier(d := make_draft(user=user), user)
    db.session.commit()
    with counted() as statements:
        client.get("/dossiers/")
    assert len(statements) == few
    del d
