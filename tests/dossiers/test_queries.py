"""Every page that lists things makes the same number of queries for 2 rows as for 50."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal.accounts.models import Role
from portal.dossiers.models import Dossier, DossierEvent, Outcome
from portal.dossiers.workflow import Action, Proposal, State
from portal.extensions import db as _db
from tests.conftest import sign_in
from tests.dossiers.caseload import START, add_dossiers
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


@pytest.fixture
def people(db):
    from portal.catalogue.models import Unit

    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    return {"desk": UserFactory(desk_officer=True), "head": UserFactory(department_head=True, unit=qldt),
            "specialist": UserFactory(specialist=True, unit=qldt), "leader": UserFactory(board_leader=True),
            "investor": UserFactory()}


def _events(dossier_id, n, actor):
    _db.session.execute(sa.insert(DossierEvent), [
        dict(dossier_id=dossier_id, actor_id=actor.id, action=Action.REASSIGN, from_state=State.IN_PROGRESS,
             to_state=State.IN_PROGRESS, note=f"Ghi chú {i}", created_at=START + timedelta(minutes=i)) for i in range(n)])
    _db.session.commit()


def _investors(p, n):
    """The investor's dossiers, in one project whose certificate each of them amended."""
    from portal.catalogue.models import CertificateEffect
    from portal.projects.models import CertificateEntry

    project = _db.session.get(Dossier, p["dossier"]).project
    # No events: the entries' dossiers are not all among those the page loads anyway.
    ids = add_dossiers(n, State.RETURNED, project=project, assignee=p["specialist"], events=False)
    first = len(project.certificate_entries)
    _db.session.add_all([CertificateEntry(project_id=project.id, sequence=first + i + 1, kind=CertificateEffect.AMEND,
                                          number="5401234567", amendment_no=first + i + 1, issued_on=date(2026, 3, 2),
                                          dossier_id=dossier_id) for i, dossier_id in enumerate(ids)])
    _db.session.commit()


PAUSED = dict(paused_at=START + timedelta(days=3), supplement_origin=State.IN_PROGRESS)
PENDING = dict(proposal=Proposal.RESULT, awaiting_signer=Role.BOARD_LEADER)
RESOLVED = dict(outcome=Outcome.APPROVED, finished_at=START + timedelta(days=5))
MARCH = "start=2026-03-01&end=2026-03-31"

# page -> (who looks, how n rows are made, the address, what each row shows)
PAGES = {
    "specialist queue": ("specialist", lambda p, n: (add_dossiers(n, State.IN_PROGRESS, assignee=p["specialist"]),
                                                     add_dossiers(n, State.SUPPLEMENT_REQUESTED,
                                                                  assignee=p["specialist"], **PAUSED)),
                         lambda ids: "/officer/mine", "/officer/dossiers/"),
    "head queue": ("head", lambda p, n: (add_dossiers(n, State.RECEIVED),
                                         add_dossiers(n, State.IN_PROGRESS, assignee=p["specialist"]),
                                         add_dossiers(n, State.SUPPLEMENT_REQUESTED, assignee=p["specialist"],
                                                      **PAUSED)),
                   lambda ids: "/officer/unit", "/officer/dossiers/"),
    "desk queue": ("desk", lambda p, n: (add_dossiers(n, State.SUBMITTED), add_dossiers(n, State.RESOLVED, **RESOLVED)),
                   lambda ids: "/officer/desk", "/officer/dossiers/"),
    "approvals": ("leader", lambda p, n: add_dossiers(n, State.PENDING_APPROVAL, assignee=p["specialist"], **PENDING),
                  lambda ids: "/officer/approvals", "/officer/dossiers/"),
    "search": ("desk", lambda p, n: add_dossiers(n, State.IN_PROGRESS, assignee=p["specialist"]),
               lambda ids: "/officer/search?enterprise=thu nghiem&state=in_progress&sort=due", "/officer/dossiers/"),
    "book": ("desk", lambda p, n: add_dossiers(n, State.IN_PROGRESS), lambda ids: f"/officer/book?{MARCH}",
             "000.00.25.H34-"),
    "investor dashboard": ("investor", _investors, lambda ids: "/dossiers/", "/dossiers/"),
    "project page": ("investor", _investors, lambda ids: f"/projects/{ids['project']}", "/dossiers/"),
    "officer dossier page": ("specialist", lambda p, n: _events(p["dossier"], n, p["specialist"]),
                             lambda ids: f"/officer/dossiers/{ids['dossier']}", "Ghi chú"),
    "public tracking": ("anonymous", lambda p, n: _events(p["dossier"], n, p["specialist"]),
                        lambda ids: f"/tracking?code={ids['code']}&key={ids['key']}", "<li><time>"),
}


@pytest.mark.parametrize("name", PAGES)
def test_a_page_makes_as_many_queries_for_50_rows_as_for_2(client, db, people, name):
    who, make, address, marker = PAGES[name]
    [dossier_id] = add_dossiers(1, State.IN_PROGRESS, assignee=people["specialist"],
                                enterprises=[people["investor"].memberships[0].enterprise])
    dossier = db.session.get(Dossier, dossier_id)
    people["dossier"] = dossier_id
    ids = {"dossier": dossier_id, "project": dossier.project_id, "code": dossier.code, "key": dossier.lookup_key}
    if who != "anonymous":
        sign_in(client, people[who])
    make(people, 2)
    client.get(address(ids))  # the process's copies of the organisation and calendar are read once
    with counted() as statements:
        response = client.get(address(ids))
    assert response.status_code == 200
    few, shown_few = len(statements), response.get_data(as_text=True).count(marker)
    assert few > 0 and shown_few >= 2
    make(people, 48)
    with counted() as statements:
        response = client.get(address(ids))
    page = response.get_data(as_text=True)
    assert page.count(marker) > shown_few  # more rows are on the page...
    assert len(statements) == few, (name, few, len(statements), statements[few:])  # ...for the same queries
