"""A project's certificate record: the first issue, then each amendment in turn; what a
certificate certifies is copied from the dossier onto the project."""
from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from werkzeug.datastructures import FileStorage

from portal.calendar import LOCAL_TZ
from portal.db import utcnow
from portal.dossiers import operations as ops
from tests.samples import PDF


def pdf():
    return FileStorage(io.BytesIO(PDF), "gcndkdt.pdf")


def decided(dossier, staff, **approval):
    """Submit, receive, process and send the dossier up to the leader's signature."""
    ops.submit_dossier(dossier, dossier.created_by)
    ops.receive_dossier(dossier, staff["desk"])
    ops.assign(dossier, staff["head"], staff["specialist"])
    ops.propose_result(dossier, staff["specialist"], pdf())
    ops.forward(dossier, staff["head"], "Đã thẩm tra")
    ops.approve(dossier, staff["leader"], pdf(), **approval)


def test_a_new_certificate_records_its_first_issue_and_what_it_certifies(db, make_draft, staff):
    dossier = make_draft(code="QLDT-01")
    dossier.field_values = {"requested_capital": "250000000000", "land_area": "25000.5",
                            "schedule": "Khởi công quý I/2027, vận hành quý IV/2028"}
    decided(dossier, staff, irc_number="6121000456", irc_date=date(2026, 11, 2))
    project = dossier.project
    assert [(e.kind.value, e.number, e.issued_on, e.dossier_id) for e in project.certificate_entries] == [
        ("issue", "6121000456", date(2026, 11, 2), dossier.id)]
    assert project.total_capital_vnd == Decimal("250000000000")
    assert project.land_area_m2 == Decimal("25000.5")
    assert project.schedule == "Khởi công quý I/2027, vận hành quý IV/2028"


def test_amendments_are_numbered_in_turn_and_never_touch_the_first_issue(db, make_draft, staff):
    first = make_draft(code="QLDT-04")  # the project holds 5401234567 of 15/01/2025
    first.field_values = {**first.field_values, "amended_capital": "300000000000"}
    decided(first, staff, irc_date=date(2026, 3, 10))
    project = first.project
    assert project.total_capital_vnd == Decimal("300000000000")  # the amended capital, copied
    second = ops.start_dossier(user=first.created_by, procedure=first.procedure, project=project)
    second.field_values = {"amendment": "Điều chỉnh tiến độ"}
    for doc in second.version.documents:
        if doc.is_mandatory:
            ops.add_file(second, first.created_by, doc, pdf())
    decided(second, staff, irc_date=date(2026, 9, 1))
    assert [(e.kind.value, e.issued_on, e.amendment_no) for e in project.certificate_entries] == [
        ("issue", date(2025, 1, 15), None), ("amend", date(2026, 3, 10), 1), ("amend", date(2026, 9, 1), 2)]
    assert project.total_capital_vnd == Decimal("300000000000")  # the second left the capital as it was


@pytest.mark.parametrize("when, message", [
    ("tomorrow", "không được sau ngày hôm nay"),
    ("before_first_issue", "không được trước ngày cấp lần đầu"),
])
def test_impossible_certificate_dates_are_refused(db, make_draft, staff, when, message):
    dossier = make_draft(code="QLDT-04")
    day = (utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=1)) if when == "tomorrow" else date(2024, 12, 31)
    with pytest.raises(ops.DossierError, match=message):
        decided(dossier, staff, irc_date=day)
    assert len(dossier.project.certificate_entries) == 1


def test_after_the_board_records_a_certificate_the_investor_still_edits_the_rest(client, db, make_draft, staff):
    from tests.conftest import sign_in

    dossier = make_draft(code="QLDT-01")
    dossier.field_values = {"requested_capital": "250000000000"}
    decided(dossier, staff, irc_number="6121000456", irc_date=date(2026, 11, 2))
    db.session.commit()
    project = dossier.project
    sign_in(client, dossier.created_by)
    form = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert "certificate_number" not in form and "readonly" in form
    response = client.post(f"/projects/{project.id}/edit", data={
        "name_vi": "Nhà máy mới tên", "zone_id": project.zone_id, "total_capital_vnd": "1.000",
        "certificate_number": "6121000456", "certificate_date": "2026-11-02"})
    assert response.status_code == 302
    db.session.refresh(project)
    assert project.name_vi == "Nhà máy mới tên"
    assert project.total_capital_vnd == Decimal("250000000000")  # what the certificate certifies stays
    assert [e.number for e in project.certificate_entries] == ["6121000456"]


def test_the_approver_records_the_amendment_number_printed_on_the_certificate(db, make_draft, staff):
    # A certificate amended three times before the portal: the first amendment filed here is no. 4.
    dossier = make_draft(code="QLDT-05")
    decided(dossier, staff, irc_date=date(2026, 6, 1), amendment_no=4)
    assert [(e.kind.value, e.amendment_no) for e in dossier.project.certificate_entries] == [
        ("issue", None), ("amend", 4)]
    again = ops.start_dossier(user=dossier.created_by, procedure=dossier.procedure, project=dossier.project)
    for doc in again.version.documents:
        ops.add_file(again, dossier.created_by, doc, pdf())
    with pytest.raises(ops.DossierError, match="lần thứ 4|no. 4"):
        decided(again, staff, irc_date=date(2026, 7, 1), amendment_no=3)
