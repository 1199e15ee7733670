"""A dossier from submission to returned result through every role, over HTTP.

QLDT-04 (10 working days). Received Monday 5/10/2026 09:00 → due Monday 19/10 09:00.
The specialist asks for a supplement on Wednesday 7/10 (8 working days left); the
investor answers on Wednesday 14/10; the 8 days count again from Thursday 15/10:
due Monday 26/10 09:00.
"""
from __future__ import annotations

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine

from portal.catalogue.models import Unit
from portal.documents.models import Slip, SlipKind
from portal.dossiers.models import DossierEvent, ServiceRating
from portal.dossiers.operations import submit_dossier
from portal.dossiers.workflow import State
from portal.projects.models import Project
from tests.dossiers.test_journey import pdf_text
from tests.conftest import sign_in
from tests.factories import UserFactory
from tests.samples import PDF, upload

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def at(d, hh=9, mm=0):
    return time_machine.travel(datetime(2026, 10, d, hh, mm, tzinfo=VN), tick=False)


def act_as(client, user):
    sign_in(client, user)


def ok(response, *texts):
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page[page.find("<main"):][:1500]
    for text in texts:
        assert text in page, page[page.find("<main"):][:3000]
    return page


def slip_text(client, db, dossier, kind):
    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id, Slip.kind == kind)
                              .order_by(Slip.id.desc())).first()
    response = client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf")
    assert response.status_code == 200
    return pdf_text(response.data)


def test_from_submission_to_returned_result(client, db, make_draft, outbox):
    qldt = db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))
    desk = UserFactory(desk_officer=True, full_name="Nguyễn Thị Tiếp Nhận")
    head = UserFactory(department_head=True, full_name="Lê Thị Trưởng Phòng", unit=qldt)
    specialist = UserFactory(specialist=True, full_name="Trần Văn Chuyên Viên", unit=qldt, phone="0260 3 111 222")
    UserFactory(specialist=True, full_name="Phạm Thị Dự Phòng", unit=qldt)
    leader = UserFactory(board_leader=True, full_name="Hồ Văn Lãnh Đạo")
    investor = UserFactory(full_name="Đặng Thị Đầu Tư", email="dautu@example.com")

    with at(2, 16):
        dossier = make_draft(user=investor, code="QLDT-04")
        submit_dossier(dossier, investor)
        db.session.commit()
    base = f"/officer/dossiers/{dossier.id}"

    # The desk sees it in its queue, opens the PDF in the browser, receives it.
    with at(5, 9):
        act_as(client, desk)
        ok(client.get("/officer/desk"), dossier.code)
        page = ok(client.get(base), "Tiếp nhận")
        view = re.search(rf'href="({base}/files/\d+/view)"', page).group(1)
        shown = client.get(view)
        assert shown.mimetype == "application/pdf" and "attachment" not in shown.headers["Content-Disposition"]
        assert "sandbox" in shown.headers["Content-Security-Policy"]
        client.post(f"{base}/receive")
    db.session.refresh(dossier)
    assert dossier.state is State.RECEIVED and dossier.due_at.astimezone(VN) == datetime(2026, 10, 19, 9, 0, tzinfo=VN)

    # The head sees the unit's queue and the specialists' load, and assigns.
    with at(5, 10):
        act_as(client, head)
        ok(client.get("/officer/unit"), dossier.code, "Trần Văn Chuyên Viên", "Phạm Thị Dự Phòng")
        client.post(f"{base}/assign", data={"assign-specialist": specialist.id})
    db.session.refresh(dossier)
    assert dossier.state is State.IN_PROGRESS and dossier.assignee_id == specialist.id

    # The specialist leaves an internal note and asks for a supplement (two items, one request).
    with at(7, 10):
        act_as(client, specialist)
        ok(client.get("/officer/mine"), dossier.code, "8 ngày làm việc")
        client.post(f"{base}/notes", data={"note-text": "Kiểm tra lại số liệu vốn góp."})
        response = client.post(f"{base}/supplement", data={"supplement-items-0-description": "", "supplement-items-0-reason": ""})
        ok(response, "Cần liệt kê ít nhất một nội dung cần bổ sung")
        client.post(f"{base}/supplement", data={
            "supplement-items-0-document": dossier.version.documents[1].id,
            "supplement-items-0-description": "Báo cáo tình hình thực hiện dự án có chữ ký",
            "supplement-items-0-reason": "Bản đã nộp chưa có chữ ký của người đại diện",
            "supplement-items-1-description": "Bản thuyết minh điều chỉnh vốn",
            "supplement-items-1-reason": "Chưa nêu nguồn vốn bổ sung",
            "supplement-note": "Liên hệ chuyên viên nếu cần hướng dẫn.",
        })
    db.session.refresh(dossier)
    assert dossier.state is State.SUPPLEMENT_REQUESTED

    # The investor sees each item, uploads against each, and sends the supplement back.
    with at(14, 15):
        act_as(client, investor)
        page = ok(client.get(f"/dossiers/{dossier.id}"), "Báo cáo tình hình thực hiện dự án có chữ ký",
                  "Chưa nêu nguồn vốn bổ sung", "Yêu cầu bổ sung giấy tờ")
        assert "Kiểm tra lại số liệu vốn góp" not in page  # internal notes stay inside
        items = re.findall(r"/supplement/(\d+)/files", page)
        assert len(items) == 2
        client.post(f"/dossiers/{dossier.id}/supplement/{items[0]}/files", data=upload(PDF, "bao-cao-ky.pdf"),
                    content_type="multipart/form-data")
        ok(client.post(f"/dossiers/{dossier.id}/supplement/send", follow_redirects=True),
           "Cần đính kèm ít nhất một tệp cho mỗi nội dung")
        client.post(f"/dossiers/{dossier.id}/supplement/{items[1]}/files", data=upload(PDF, "thuyet-minh.pdf"),
                    content_type="multipart/form-data")
        ok(client.post(f"/dossiers/{dossier.id}/supplement/send", follow_redirects=True), "Đã gửi hồ sơ bổ sung.")
    db.session.refresh(dossier)
    assert dossier.state is State.IN_PROGRESS
    assert dossier.due_at.astimezone(VN) == datetime(2026, 10, 26, 9, 0, tzinfo=VN)  # the wait does not count

    # The specialist proposes a result; the head sends it back; the second proposal goes up.
    with at(15, 9):
        act_as(client, specialist)
        ok(client.post(f"{base}/propose-result", data={"propose-note": "Đề nghị điều chỉnh"}), "Cần đính kèm dự thảo kết quả")
        client.post(f"{base}/propose-result", data={"propose-draft": (io.BytesIO(PDF), "du-thao.pdf"),
                                                     "propose-note": "Đề nghị điều chỉnh"},
                    content_type="multipart/form-data")
    with at(15, 14):
        act_as(client, head)
        ok(client.get("/officer/approvals"), dossier.code)
        client.post(f"{base}/send-back", data={"back-comment": "Bổ sung căn cứ pháp lý trong dự thảo."})
    with at(16, 9):
        act_as(client, specialist)
        client.post(f"{base}/propose-result", data={"propose-draft": (io.BytesIO(PDF), "du-thao-2.pdf")},
                    content_type="multipart/form-data")

    # An amended IRC is signed by a Board leader: the head may only review and forward it.
    with at(16, 10):
        act_as(client, head)
        page = ok(client.post(f"{base}/approve", data={"approve-result": (io.BytesIO(PDF), "gcndkdt.pdf")},
                              content_type="multipart/form-data"), "Kết quả của thủ tục này do Lãnh đạo Ban ký")
        client.post(f"{base}/forward", data={"forward-comment": "Đã thẩm tra, đề nghị Lãnh đạo Ban ký."})
    db.session.refresh(dossier)
    assert dossier.state is State.PENDING_APPROVAL and dossier.awaiting_signer.value == "board_leader"

    # The leader approves with the signed certificate: amendment no. 1 joins the project's record.
    with at(16, 15):
        act_as(client, leader)
        ok(client.get("/officer/approvals"), dossier.code)
        ok(client.post(f"{base}/approve", data={"approve-result": (io.BytesIO(PDF), "gcndkdt.pdf")},
                       content_type="multipart/form-data"), "Cần ghi ngày của Giấy chứng nhận.")
        ok(client.post(f"{base}/approve", data={"approve-result": (io.BytesIO(PDF), "gcndkdt.pdf"),
                                                "approve-irc_date": "2026-10-17"},
                       content_type="multipart/form-data"), "Ngày cấp giấy chứng nhận không được sau ngày hôm nay.")
        client.post(f"{base}/approve", data={"approve-result": (io.BytesIO(PDF), "gcndkdt.pdf"),
                                             "approve-irc_number": "5401234567", "approve-irc_date": "2026-10-16"},
                    content_type="multipart/form-data")
    db.session.refresh(dossier)
    assert dossier.state is State.RESOLVED and dossier.outcome.value == "approved"
    project = db.session.get(Project, dossier.project_id)
    entries = [(e.kind.value, e.number, e.issued_on.isoformat(), e.amendment_no, e.dossier_id)
               for e in project.certificate_entries]
    assert entries == [("issue", "5401234567", "2025-01-15", None, None),  # the first issue stays as it was
                       ("amend", "5401234567", "2026-10-16", 1, dossier.id)]

    # The desk returns the result, recording how.
    with at(19, 8):
        act_as(client, desk)
        ok(client.get("/officer/desk"), dossier.code)
        client.post(f"{base}/return", data={"return-handover": "Trao trực tiếp cho bà Đặng Thị Đầu Tư, CCCD 062123456789"})
        control = client.post(f"{base}/control-slip")
        control_text = pdf_text(client.get(control.headers["Location"]).data)
    db.session.refresh(dossier)
    assert dossier.state is State.RETURNED and dossier.national_code == 10

    # The investor downloads the result and rates the service.
    with at(19, 10):
        act_as(client, investor)
        page = ok(client.get(f"/dossiers/{dossier.id}"), "Đã trả kết quả", "gcndkdt.pdf", "Đánh giá dịch vụ")
        assert "du-thao.pdf" not in page  # drafts are internal
        result_id = re.search(rf'/dossiers/{dossier.id}/files/(\d+)">gcndkdt.pdf', page).group(1)
        assert client.get(f"/dossiers/{dossier.id}/files/{result_id}").status_code == 200
        ok(client.post(f"/dossiers/{dossier.id}/rating", data={"score": "5", "comment": "Nhanh, đúng hẹn"},
                       follow_redirects=True), "Cảm ơn bạn đã đánh giá dịch vụ.")
    assert db.session.scalar(db.select(ServiceRating.score).where(ServiceRating.dossier_id == dossier.id)) == 5

    # The events, in order.
    events = db.session.scalars(db.select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)
                                .order_by(DossierEvent.id)).all()
    assert [e.action for e in events] == [
        "submit", "receive", "assign", "request_supplement", "resubmit", "propose_result", "send_back",
        "propose_result", "forward", "approve", "return_result"]

    # The investor was told what concerns the investor, and nothing of the internal steps.
    subjects = [m["Subject"] for m in outbox.to("dautu@example.com")]
    assert subjects == [f"Hồ sơ {dossier.code} đã được tiếp nhận", f"Hồ sơ {dossier.code}: yêu cầu bổ sung hồ sơ",
                        f"Hồ sơ {dossier.code}: đã có kết quả", f"Hồ sơ {dossier.code}: đã trả kết quả"]
    # The officers were told what they must act on.
    assert [m["Subject"] for m in outbox.to(desk.email)] == [f"Hồ sơ {dossier.code}: kết quả cần trả"]
    assert [m["Subject"] for m in outbox.to(specialist.email)] == [
        f"Hồ sơ {dossier.code}: được giao cho ông/bà", f"Hồ sơ {dossier.code}: đã nhận hồ sơ bổ sung",
        f"Hồ sơ {dossier.code}: được chuyển lại cho ông/bà"]
    assert [m["Subject"] for m in outbox.to(head.email)] == [f"Hồ sơ {dossier.code}: cần phân công"] + [
        f"Hồ sơ {dossier.code}: chờ ông/bà quyết định"] * 2
    assert [m["Subject"] for m in outbox.to(leader.email)] == [f"Hồ sơ {dossier.code}: chờ ông/bà quyết định"]

    # The slips.
    act_as(client, investor)
    receipt = slip_text(client, db, dossier, SlipKind.RECEIPT)
    assert "09 giờ 00 phút, ngày 19/10/2026" in receipt
    act_as(client, desk)
    supplement = slip_text(client, db, dossier, SlipKind.SUPPLEMENT)
    for text in ("PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ", dossier.code, "Báo cáo tình hình thực hiện dự án có chữ ký",
                 "Bản đã nộp chưa có chữ ký của người đại diện", "Chưa nêu nguồn vốn bổ sung",
                 "Trần Văn Chuyên Viên", "0260 3 111 222", "tạm dừng"):
        assert text in supplement, text
    for text in ("PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ", dossier.code, "Trần Văn Chuyên Viên",
                 "Người phê duyệt: Hồ Văn Lãnh Đạo", "Trao trực tiếp cho bà Đặng Thị Đầu Tư",
                 "Người giao ký", "Người nhận ký"):
        assert text in control_text, text
