"""A dossier follows the version of its procedure in force on the day it was started (Viet
Nam time), to its end: the law of 2026 applies to dossiers started from 1 March 2026."""
from __future__ import annotations

from datetime import date

import time_machine

from portal.calendar import LOCAL_TZ
from portal.dossiers import operations as ops


def test_a_draft_started_under_the_2020_law_keeps_it_after_the_2026_law(db, make_draft, desk_officer):
    """QLDT-01: 15 calendar days under Law 61/2020, 10 working days under Law 143/2025. A
    draft started on Friday 27/2/2026 and one started on Monday 2/3/2026 are both received
    on Tuesday 3/3 at 9:00: the first is due on 18/3 (15 days), the second on 17/3 (10
    working days)."""
    with time_machine.travel("2026-02-27 10:00 +0700", tick=False):
        older = make_draft(code="QLDT-01")
    with time_machine.travel("2026-03-02 10:00 +0700", tick=False):
        newer = make_draft(code="QLDT-01")
    assert "61/2020/QH14" in older.version.legal_basis_vi and "143/2025/QH15" in newer.version.legal_basis_vi
    with time_machine.travel("2026-03-03 09:00 +0700", tick=False):
        for dossier in (older, newer):
            ops.submit_dossier(dossier, dossier.created_by)
            ops.receive_dossier(dossier, desk_officer)
        db.session.commit()
    assert older.due_at.astimezone(LOCAL_TZ).date() == date(2026, 3, 18)
    assert newer.due_at.astimezone(LOCAL_TZ).date() == date(2026, 3, 17)


def test_a_procedure_of_the_2026_law_cannot_be_started_before_it(db, make_draft):
    """Correction of a certificate became a procedure of its own (QLDT-12) on 1/3/2026."""
    import pytest

    with time_machine.travel("2026-02-27 10:00 +0700", tick=False):
        with pytest.raises(ops.DossierError, match="không tiếp nhận hồ sơ mới|not open for new dossiers"):
            make_draft(code="QLDT-12")
    with time_machine.travel("2026-03-01 00:30 +0700", tick=False):   # 17:30 UTC the day before
        assert make_draft(code="QLDT-12").version.number == 1
