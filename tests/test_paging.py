"""Totals beyond what is worth counting are estimates, and say so."""
from __future__ import annotations

from portal import paging
from portal.dossiers.models import Dossier
from portal.dossiers.workflow import State
from tests.dossiers.caseload import add_dossiers


def test_a_total_beyond_the_counting_bound_is_marked_as_an_estimate(app, db):
    add_dossiers(6, State.SUBMITTED)
    base = db.select(Dossier).where(Dossier.state == State.SUBMITTED)
    with app.test_request_context("/"):
        exact = paging.numbered(base, (Dossier.id,), exact_up_to=100, size=4)
        assert (exact.total, exact.estimated, exact.pages, len(exact.rows)) == (6, False, 2, 4)
        rough = paging.numbered(base, (Dossier.id,), exact_up_to=3, size=4)
        assert rough.estimated and rough.total >= 4  # PostgreSQL's estimate, or the bound passed
        last = paging.numbered(base, (Dossier.id,), paging.Position(number=2), exact_up_to=100, size=4)
        assert len(last.rows) == 2 and not last.has_next and last.first_index == 5


def test_keyset_pages_carry_on_without_gaps_or_repeats(app, db):
    ids = add_dossiers(7, State.SUBMITTED)
    base = db.select(Dossier).where(Dossier.id.in_(ids))
    seen, at = [], paging.FIRST
    with app.test_request_context("/"):
        while True:
            page = paging.keyset(base, (Dossier.submitted_at, Dossier.id), at, descending=True, size=3)
            assert page.total == 7
            seen += [d.id for d in page.rows]
            if not page.has_next:
                break
            at = paging.Position(page.next_after, page.number + 1)
    assert seen == list(reversed(ids))
