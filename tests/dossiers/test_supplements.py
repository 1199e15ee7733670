"""Supplement requests: one during processing, the clock paused in office days, the
paused dossier out of the due-date order, and what it does to the grade."""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from werkzeug.datastructures import FileStorage

from portal.dossiers import operations as ops
from portal.dossiers.timeliness import Timeliness, of_dossier
from portal.dossiers.workflow import State
from tests.conftest import sign_in
from tests.samples import PDF

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ITEM = [{"description": "Bản sao hợp đồng thuê lại đất", "reason": "Bản đã nộp thiếu trang 3"}]


def at(d, hh=9, mm=0):
    return time_machine.travel(datetime(2026, 10, d, hh, mm, tzinfo=VN), tick=False)


@pytest.fixture
def processing(db, make_draft, staff):
    """QLDT-04 (10 working days) received Monday 5/10/2026 09:00: due Monday 19/10 09:00."""
    with at(2, 16):
        dossier = make_draft(code="QLDT-04")
        ops.submit_dossier(dossier, dossier.created_by)
    with at(5, 9):
        ops.receive_dossier(dossier, staff["desk"])
        ops.assign(dossier, staff["head"], staff["specialist"])
    return dossier


def answer(dossier):
    request = dossier.open_supplement
    for item in request.items:
        ops.add_supplement_file(dossier, dossier.created_by, item, FileStorage(io.BytesIO(PDF), "bo-sung.pdf"))
    ops.resubmit_supplement(dossier, dossier.created_by)


@pytest.mark.parametrize("asked, answered, due", [
    ((12, 18), (12, 20), 19),  # asked and answered the same evening, after closing: nothing moves
    ((12, 10), (13, 10), 20),  # Monday to Tuesday: one working day
], ids=["same-evening", "monday-to-tuesday"])
def test_the_wait_moves_the_due_date_by_the_office_days_it_took(db, processing, staff, asked, answered, due):
    with at(*asked):
        ops.request_supplement(processing, staff["specialist"], ITEM)
    with at(*answered):
        answer(processing)
    assert processing.state is State.IN_PROGRESS
    assert processing.due_at == processing.legal_due_at == datetime(2026, 10, due, 9, tzinfo=VN)


def test_one_supplement_request_during_processing(db, processing, staff):
    with at(7, 10):
        ops.request_supplement(processing, staff["specialist"], ITEM)
    with at(8, 10):
        answer(processing)
    with at(9, 10), pytest.raises(ops.DossierError, match="một lần"):
        ops.request_supplement(processing, staff["specialist"], ITEM)
    assert processing.state is State.IN_PROGRESS and len(processing.supplement_requests) == 1


def test_a_procedure_that_allows_a_second_request_grades_it_late(db, processing, staff):
    processing.version.processing_supplements = 2
    with at(7, 10):
        ops.request_supplement(processing, staff["specialist"], ITEM)
    with at(8, 10):
        answer(processing)
    with at(9, 10):
        ops.request_supplement(processing, staff["specialist"], ITEM)
    with at(12, 10):
        answer(processing)
        assert of_dossier(processing, datetime(2026, 10, 12, 10, tzinfo=VN)) is Timeliness.PAST


def test_a_paused_dossier_says_so_and_leaves_the_due_date_order(client, db, processing, staff, make_draft):
    with at(5, 10):
        other = make_draft(code="QLDT-02")  # 5 working days: due before the paused one
        ops.submit_dossier(other, other.created_by)
        ops.receive_dossier(other, staff["desk"])
        ops.assign(other, staff["head"], staff["specialist"])
    with at(7, 10):
        ops.request_supplement(processing, staff["specialist"], ITEM)  # 8 working days left (8/10 to 19/10)
        db.session.commit()
    with at(9, 10):
        sign_in(client, staff["specialist"])
        page = client.get("/officer/mine").get_data(as_text=True)
        running, paused = page.split('<h2 id="paused">')
        assert other.code in running and processing.code not in running
        assert processing.code in paused and "tạm dừng tính thời gian: còn 8 ngày làm việc" in paused
        page = client.get(f"/officer/dossiers/{processing.id}").get_data(as_text=True)
        assert "tạm dừng tính thời gian: còn 8 ngày làm việc" in page and "quá hạn" not in page
