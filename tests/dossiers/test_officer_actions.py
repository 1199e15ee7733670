"""Refusal, stop, decline, apology, supplement at the desk, the book, reminders, scoping."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from openpyxl import load_workbook

from portal.catalogue.models import Unit
from portal.db import utcnow
from portal.documents.models import Slip, SlipKind
from portal.dossiers import processing
from portal.dossiers.models import Dossier
from portal.dossiers.operations import DossierError, receive_dossier, submit_dossier
from portal.dossiers.workflow import State
from portal.services.unit_of_work import commit
from tests.dossiers.test_journey import pdf_text
from tests.dossiers.test_officer_walkthrough import act_as
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def staff(db):
    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    return {
        "desk": UserFactory(desk_officer=True, full_name="Nguyễn Thị Tiếp Nhận"),
        "head": UserFactory(department_head=True, unit=qldt, full_name="Lê Thị Trưởng Phòng"),
        "specialist": UserFactory(specialist=True, unit=qldt, full_name="Trần Văn Chuyên Viên"),
        "leader": UserFactory(board_leader=True, full_name="Hồ Văn Lãnh Đạo"),
    }


@pytest.fixture
def submitted(db, make_draft):
    dossier = make_draft()
    submit_dossier(dossier, dossier.created_by)
    db.session.commit()
    return dossier


@pytest.fixture
def in_progress(db, submitted, staff):
    receive_dossier(submitted, staff["desk"])
    processing.assign(submitted, staff["head"], staff["specialist"])
    db.session.commit()
    return submitted


def slip_of(client, db, dossier, kind):
    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id, Slip.kind == kind)).one()
    return pdf_text(client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf").data)


def test_desk_refuses_with_the_specific_reason(client, db, submitted, staff):
    act_as(client, staff["desk"])
    page = client.post(f"/officer/dossiers/{submitted.id}/refuse", data={"refuse-reason": "  "}).get_data(as_text=True)
    assert "Cần nêu rõ lý do từ chối." in page
    assert db.session.get(Dossier, submitted.id).state is State.SUBMITTED
    reason = "Dự án thuộc diện phải chấp thuận chủ trương đầu tư trước khi cấp Giấy chứng nhận"
    client.post(f"/officer/dossiers/{submitted.id}/refuse", data={"refuse-reason": reason})
    dossier = db.session.get(Dossier, submitted.id)
    assert dossier.state is State.REFUSED and dossier.national_code == 3
    text = slip_of(client, db, dossier, SlipKind.REFUSAL)
    assert "PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ" in text and reason in text and dossier.code in text
    assert dossier.enterprise.name in text


def test_supplement_at_the_desk_goes_back_to_the_desk(client, db, submitted, staff):
    act_as(client, staff["desk"])
    response = client.post(f"/officer/dossiers/{submitted.id}/supplement", data={"supplement-items-0-description": "Bản sao CCCD"})
    assert "Mỗi nội dung cần nêu rõ giấy tờ cần bổ sung và lý do." in response.get_data(as_text=True)
    assert 'value="Bản sao CCCD"' in response.get_data(as_text=True)  # what was typed stays
    client.post(f"/officer/dossiers/{submitted.id}/supplement",
                data={"supplement-items-0-description": "Bản sao CCCD", "supplement-items-0-reason": "Bản đã nộp bị mờ"})
    dossier = db.session.get(Dossier, submitted.id)
    assert dossier.state is State.SUPPLEMENT_REQUESTED and dossier.supplement_origin is State.SUBMITTED
    text = slip_of(client, db, dossier, SlipKind.SUPPLEMENT)
    assert "Bản sao CCCD" in text and "Bản đã nộp bị mờ" in text and "Nguyễn Thị Tiếp Nhận" in text
    assert "tạm dừng" not in text  # not received yet: no clock to stop


def test_a_supplement_request_with_no_items_is_refused(db, in_progress, staff):
    with pytest.raises(DossierError):
        processing.request_supplement(in_progress, staff["specialist"], [{"description": "", "reason": ""}])
    assert in_progress.state is State.IN_PROGRESS and in_progress.supplement_requests == []


def test_proposed_stop_approved_issues_the_stop_notice(client, db, in_progress, staff):
    act_as(client, staff["specialist"])
    client.post(f"/officer/dossiers/{in_progress.id}/propose-stop", data={"stop-reason": "Nhà đầu tư đề nghị dừng để điều chỉnh quy mô"})
    act_as(client, staff["head"])
    client.post(f"/officer/dossiers/{in_progress.id}/approve", data={})
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.state is State.STOPPED and dossier.national_code == 8 and dossier.outcome.value == "stopped"
    text = slip_of(client, db, dossier, SlipKind.STOP)
    assert "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ" in text and "Nhà đầu tư đề nghị dừng để điều chỉnh quy mô" in text


def test_decline_with_reasons(client, db, in_progress, staff):
    from tests.samples import PDF

    act_as(client, staff["specialist"])
    client.post(f"/officer/dossiers/{in_progress.id}/propose-result",
                data={"propose-draft": (io.BytesIO(PDF), "du-thao.pdf")}, content_type="multipart/form-data")
    act_as(client, staff["leader"])
    client.post(f"/officer/dossiers/{in_progress.id}/decline", data={"decline-reasons": "Không phù hợp quy hoạch"})
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.state is State.RESOLVED and dossier.national_code == 9
    assert dossier.outcome.value == "not_approved" and dossier.decision_note == "Không phù hợp quy hoạch"
    act_as(client, dossier.created_by)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Không phê duyệt" in page and "Không phù hợp quy hoạch" in page
    assert "du-thao.pdf" not in page
    draft = next(f for f in dossier.files if f.kind.value == "draft_result")
    assert client.get(f"/dossiers/{dossier.id}/files/{draft.id}").status_code == 404


def test_apology_once_moves_the_due_date(client, db, in_progress, staff):
    original = in_progress.due_at
    act_as(client, staff["desk"])
    new_day = (original + timedelta(days=7)).astimezone(VN).date()
    page = client.post(f"/officer/dossiers/{in_progress.id}/apology",
                       data={"apology-new_date": new_day.isoformat(), "apology-new_time": "10:30",
                             "apology-reason": ""}).get_data(as_text=True)
    assert "Cần nêu lý do chậm trễ." in page
    client.post(f"/officer/dossiers/{in_progress.id}/apology",
                data={"apology-new_date": new_day.isoformat(), "apology-new_time": "10:30",
                      "apology-reason": "Cần lấy ý kiến Sở Tài chính"})
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.due_at.astimezone(VN) == datetime.combine(new_day, datetime.min.time().replace(hour=10, minute=30), VN)
    assert dossier.state is State.IN_PROGRESS
    text = slip_of(client, db, dossier, SlipKind.APOLOGY)
    assert "VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ" in text and "Cần lấy ý kiến Sở Tài chính" in text
    assert original.astimezone(VN).strftime("%d/%m/%Y") in text and new_day.strftime("%d/%m/%Y") in text
    # A second apology is refused and changes nothing.
    with pytest.raises(DossierError):
        processing.issue_apology(dossier, staff["head"], dossier.due_at + timedelta(days=3), "lần hai")
    assert dossier.due_at.astimezone(VN).date() == new_day


def test_officer_of_another_unit_sees_none_of_the_units_dossiers(client, db, in_progress, staff):
    construction = db.session.scalar(db.select(Unit).where(Unit.code == "XDTNMT"))
    other_head = UserFactory(department_head=True, unit=construction)
    other_specialist = UserFactory(specialist=True, unit=construction)
    for officer in (other_head, other_specialist):
        act_as(client, officer)
        assert client.get(f"/officer/dossiers/{in_progress.id}").status_code == 404
        assert client.post(f"/officer/dossiers/{in_progress.id}/notes", data={"note-text": "x"}).status_code == 404
    act_as(client, other_head)
    assert in_progress.code not in client.get("/officer/unit").get_data(as_text=True)
    act_as(client, staff["head"])
    assert in_progress.code in client.get("/officer/unit").get_data(as_text=True)


def test_investors_cannot_reach_the_workspace(client, db, in_progress):
    act_as(client, in_progress.created_by)
    assert client.get("/officer/desk").status_code == 403
    assert client.get(f"/officer/dossiers/{in_progress.id}").status_code == 403


def test_tracking_book_page_csv_and_xlsx(client, db, in_progress, staff, make_draft):
    other = make_draft()
    submit_dossier(other, other.created_by)
    receive_dossier(other, staff["desk"])
    db.session.commit()
    act_as(client, staff["desk"])
    today = utcnow().astimezone(VN).date()
    query = {"start": (today - timedelta(days=1)).isoformat(), "end": today.isoformat()}
    page = client.get("/officer/book", query_string=query).get_data(as_text=True)
    assert "Sổ theo dõi hồ sơ" in page and in_progress.code in page and other.code in page

    response = client.get("/officer/book.csv", query_string=query)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["STT", "Mã hồ sơ", "Thủ tục"]
    assert [r[1] for r in rows[1:]] == [in_progress.code, other.code]

    response = client.get("/officer/book.xlsx", query_string=query)
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Sổ theo dõi hồ sơ"
    assert values[1][1] == "Mã hồ sơ"
    assert [r[1] for r in values[2:]] == [in_progress.code, other.code]
    assert values[2][3] == in_progress.enterprise.name  # Vietnamese text kept

    # A specialist of another unit gets an empty book.
    construction = db.session.scalar(db.select(Unit).where(Unit.code == "XDTNMT"))
    act_as(client, UserFactory(specialist=True, unit=construction))
    assert in_progress.code not in client.get("/officer/book", query_string=query).get_data(as_text=True)


def test_remind_mails_due_tomorrow_and_overdue(app, db, in_progress, staff, outbox):
    due = in_progress.due_at
    with time_machine.travel(due - timedelta(hours=20), tick=False):
        result = app.test_cli_runner().invoke(args=["dossiers", "remind"])
    assert result.exit_code == 0 and "reminders sent" in result.output
    [mail] = [m for m in outbox.to(staff["specialist"].email) if "Hồ sơ đến hạn" in m["Subject"]]
    assert in_progress.code in outbox.body(mail) and "Đến hạn ngày mai" in outbox.body(mail)
    with time_machine.travel(due + timedelta(days=3), tick=False):
        app.test_cli_runner().invoke(args=["dossiers", "remind"])
    latest = outbox.to(staff["specialist"].email)[-1]
    assert "Quá hạn" in outbox.body(latest)


def test_overdue_is_shown_in_the_queue(client, db, in_progress, staff):
    with time_machine.travel(in_progress.due_at + timedelta(days=2), tick=False):
        act_as(client, staff["specialist"])
        page = client.get("/officer/mine").get_data(as_text=True)
        assert "Quá hạn" in page and "is-overdue" in page
        page = client.get(f"/officer/dossiers/{in_progress.id}").get_data(as_text=True)
        assert "quá hạn" in page
