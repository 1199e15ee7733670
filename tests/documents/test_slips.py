"""The slips against the 2025 forms: what each prints, in Vietnamese, from the dossier."""
from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import time_machine
from pypdf import PdfReader

from portal.catalogue.models import Organisation
from portal.documents.builders import control_rows, keep_together
from portal.documents.models import SlipKind
from portal.dossiers import operations as ops
from tests.conftest import sign_in, slip_of
from tests.dossiers.test_journey import pdf_text
from tests.samples import PDF

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def pdf(name="du-thao.pdf"):
    from werkzeug.datastructures import FileStorage

    return FileStorage(io.BytesIO(PDF), name)


def test_internal_comments_stay_off_the_control_slip(client, db, world):
    people, ids = world
    from portal.dossiers.models import Dossier

    dossier = db.session.get(Dossier, ids["dossier"])
    ops.propose_result(dossier, dossier.assignee, pdf())
    ops.send_back(dossier, people["head"], "Bí mật nội bộ: xem lại số liệu")
    db.session.commit()
    sign_in(client, people["desk"])
    slip_url = client.post(f"/officer/dossiers/{dossier.id}/control-slip").headers["Location"]
    sign_in(client, people["investor_a"])
    text = pdf_text(client.get(slip_url).data)
    assert "PHIẾU KIỂM SOÁT" in text and "Bí mật nội bộ" not in text


def test_the_agency_name_keeps_its_place_name_on_one_line(client, db, submitted, staff):
    assert keep_together("BAN QUẢN LÝ KHU KINH TẾ TỈNH KON TUM", "Kon Tum") == \
        "BAN QUẢN LÝ KHU KINH TẾ TỈNH KON\u00a0TUM"
    ops.receive_dossier(submitted, staff["desk"])
    db.session.commit()
    from portal.documents.models import Slip

    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == submitted.id)).one()
    assert "KON\u00a0TUM" in slip.data["agency"].upper() and "Kon\u00a0Tum" in slip.data["parent_agency"]


def test_the_receipt_numbers_its_lines_once_and_shows_the_procedure_code(client, db, submitted, staff):
    submitted.procedure.national_code = "1.009645"
    ops.receive_dossier(submitted, staff["desk"])
    db.session.commit()
    sign_in(client, submitted.created_by)
    text = slip_of(client, db, submitted, SlipKind.RECEIPT)
    assert "mã thủ tục 1.009645" in text
    markers = [f"{n}." for n in range(1, 12)]
    # The list markers come out after the text: one list, 1 to 11, never starting again at 1.
    assert text.endswith(" ".join(markers)) and text.count("1. 2.") == 1


def test_the_control_slip_grades_each_hand_off_against_its_step(client, db, make_draft, staff):
    # QLDT-02: 5 working days. Received Monday 5/10/2026 09:00: due Monday 12/10 09:00.
    # Steps (DOMAIN.md's default split): reception by 14:00 Monday (0.5 day of 7:00–17:00),
    # assignment by 09:00 Tuesday; the return's half day and the leader's day back from the
    # due date: signature by 14:00 Friday 9/10, review by 14:00 Thursday 8/10, and the
    # specialist's proposal by 14:00 Wednesday 7/10.
    def at(d, hh=9, mm=0):
        return time_machine.travel(datetime(2026, 10, d, hh, mm, tzinfo=VN), tick=False)

    with at(2, 16):
        dossier = make_draft()
        ops.submit_dossier(dossier, dossier.created_by)
    with at(5, 9):
        ops.receive_dossier(dossier, staff["desk"])
    with at(6, 8):
        ops.assign(dossier, staff["head"], staff["specialist"])  # on time for its step
    with at(7, 16):
        ops.propose_result(dossier, staff["specialist"], pdf())  # after 14:00 Wednesday: late for its step
    with at(7, 16, 30):
        ops.forward(dossier, staff["head"], "Đồng ý trình ký")  # a day before its step's due day: early
    with at(9, 11):
        ops.approve(dossier, staff["leader"], pdf("gcn.pdf"), irc_number="5401234567",
                    irc_date=datetime(2026, 10, 9).date())  # on the day, before 14:00
        db.session.commit()
        rows = control_rows(dossier, datetime(2026, 10, 9, 11, tzinfo=VN))
    grades = [(r["taker"], r["result"], r["step_due"]["date"] if r["step_due"] else None) for r in rows]
    assert grades == [
        ("Văn phòng Ban Quản lý", "", None),                          # submitted: the investor's own move
        ("Phòng Quản lý đầu tư", "on_time", "05/10/2026"),
        ("Trần Văn Chuyên Viên", "on_time", "06/10/2026"),
        ("Trưởng phòng (Phòng Quản lý đầu tư)", "late", "07/10/2026"),
        ("Lãnh đạo Ban", "early", "08/10/2026"),
        ("Văn phòng Ban Quản lý", "on_time", "09/10/2026"),
    ]
    assert [r["step_due"]["hour"] for r in rows[1:]] == ["14", "09", "14", "14", "14"]


def test_the_agency_head_signs_the_apology(client, db, in_progress, staff):
    org = db.session.scalar(db.select(Organisation))
    org.head_name, org.head_title_vi = "Nguyễn Văn Trưởng Ban", "Trưởng ban"
    from portal.calendar import add_working_days

    day = add_working_days(in_progress.due_at.astimezone(VN).date(), 2)
    ops.issue_apology(in_progress, staff["desk"], datetime.combine(day, datetime.min.time().replace(hour=9), VN),
                      "Chờ ý kiến Sở Xây dựng")
    db.session.commit()
    sign_in(client, in_progress.created_by)
    text = slip_of(client, db, in_progress, SlipKind.APOLOGY)
    assert "TRƯỞNG BAN" in text and "Nguyễn Văn Trưởng Ban" in text and "Chờ ý kiến Sở Xây dựng" in text
    assert text.endswith("1. 2. 3. 4. 5. 6. 7. 8.") and text.count("1. 2.") == 1  # one numbered list


def test_slips_are_vietnamese_whatever_the_officers_language(app, db, staff):
    from flask_babel import force_locale

    from portal.documents.builders import signer

    staff["leader"].position = ""
    with app.test_request_context(), force_locale("en"):
        assert signer(staff["leader"])["title"] == "Lãnh đạo Ban"


def test_a_short_limit_shrinks_the_fixed_steps_in_proportion(db, make_draft, staff):
    # QLDT-05: 3 working days, less than the default fixed steps (3.5 days). Received Monday
    # 5/10/2026 09:00, due Thursday 8/10 09:00: the fixed steps take half (1.5 days) in
    # proportion, the specialist the other half; a proposal on Monday afternoon is early.
    from portal.documents.builders import step_deadlines
    from portal.dossiers.operations import office_hours

    with time_machine.travel(datetime(2026, 10, 2, 16, tzinfo=VN), tick=False):
        dossier = make_draft(code="QLDT-05")
        ops.submit_dossier(dossier, dossier.created_by)
    with time_machine.travel(datetime(2026, 10, 5, 9, tzinfo=VN), tick=False):
        ops.receive_dossier(dossier, staff["desk"])
    steps = step_deadlines(dossier, office_hours())
    order = ["reception", "assignment", "processing", "review", "signature", "return"]
    assert [steps[s] for s in order] == sorted(steps[s] for s in order)
    assert steps["assignment"].astimezone(VN) < datetime(2026, 10, 5, 17, tzinfo=VN)
    assert datetime(2026, 10, 6, 9, tzinfo=VN) < steps["processing"] < datetime(2026, 10, 7, 9, tzinfo=VN)


OLD = {"parent_agency": "Ủy ban nhân dân tỉnh Kon Tum", "agency": "Ban Quản lý Khu kinh tế tỉnh Kon Tum",
       "desk": "Văn phòng Ban Quản lý", "place": "Kon Tum", "code": "000.00.25.H34-261001-0001",
       "tracking_url": "http://localhost/tracking?code=x&key=y", "lookup_key": "ABCDEFGH", "number": "00001/XX",
       "issued": {"day": "01", "month": "10", "year": "2026", "date": "01/10/2026", "hour": "09", "minute": "00"},
       "applicant": {"name": "Công ty TNHH Cũ", "address": "Kon Tum", "phone": "", "email": "a@example.com",
                     "enterprise_code": "", "submitter": "A", "representative": "B"},
       "procedure": "Thủ tục cũ", "handling_unit": "Phòng Quản lý đầu tư"}
MOMENT = {"day": "01", "month": "10", "year": "2026", "date": "01/10/2026", "hour": "09", "minute": "00"}


def test_slips_issued_before_the_2025_forms_still_render(app):
    """A slip is rendered once, from the data stored when it was issued: data stored by the
    earlier version (one reason, no signer) must still render."""
    from portal.services.pdf import render_pdf

    old = {
        SlipKind.REFUSAL: {**OLD, "reason": "Lý do cũ", "officer": {"name": "Nguyễn Thị Tiếp Nhận", "unit": "",
                                                                       "phone": "", "email": ""}},
        SlipKind.STOP: {**OLD, "received": MOMENT, "reason": "Dừng cũ", "decided_by": "Hồ Văn Lãnh Đạo"},
        SlipKind.APOLOGY: {**OLD, "received": MOMENT, "original_due": MOMENT, "new_due": MOMENT,
                           "reason": "Chậm cũ"},
        SlipKind.CONTROL: {**OLD, "received": MOMENT, "due": MOMENT, "event_count": 1,
                           "rows": [{"giver": "A", "taker": "B", "time": "09:00 01/10/2026", "result": "on_time",
                                     "note": ""}]},
    }
    expected = {SlipKind.REFUSAL: "Lý do cũ", SlipKind.STOP: "Hồ Văn Lãnh Đạo", SlipKind.APOLOGY: "Chậm cũ",
                SlipKind.CONTROL: "Đúng hạn"}
    with app.test_request_context():
        for kind, data in old.items():
            text = " ".join(PdfReader(io.BytesIO(render_pdf(kind.template, {"slip": data}))).pages[0]
                            .extract_text().split())
            assert expected[kind] in text, kind


def _pdf_facts(data: bytes) -> tuple:
    """(tagged, title, language, text of each page) of a PDF."""
    reader = PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    tagged = "/StructTreeRoot" in root and bool(root.get("/MarkInfo", {}).get("/Marked"))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    return tagged, reader.metadata.title, str(root.get("/Lang")), pages


def test_every_slip_is_tagged_with_its_title_and_language(client, db, world):
    """The receipt and the supplement request of enterprise A's dossier: tagged for screen
    readers (PDF/UA), titled as the form is, in Vietnamese."""
    from portal.documents.models import Slip

    people, ids = world
    sign_in(client, people["investor_a"])
    slips = db.session.scalars(db.select(Slip).where(Slip.dossier_id == ids["dossier"]).order_by(Slip.id)).all()
    titles = {SlipKind.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
              SlipKind.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"}
    assert {slip.kind for slip in slips} >= set(titles)
    for slip in slips:
        tagged, title, language, pages = _pdf_facts(
            client.get(f"/dossiers/{ids['dossier']}/slips/{slip.id}.pdf").data)
        assert tagged and language == "vi", slip.kind
        if slip.kind in titles:
            assert title == titles[slip.kind] and title.upper() in pages[0]


def test_an_english_reader_gets_a_courtesy_translation_beside_the_original(client, db, world):
    from portal.documents.models import Slip

    people, ids = world
    receipt = db.session.scalar(db.select(Slip).where(Slip.dossier_id == ids["dossier"],
                                                      Slip.kind == SlipKind.RECEIPT))
    sign_in(client, people["investor_a"])
    link = f"/dossiers/{ids['dossier']}/slips/{receipt.id}.en.pdf"
    assert link not in client.get(f"/dossiers/{ids['dossier']}").get_data(as_text=True)   # Vietnamese reader
    client.get("/language/en")
    page = client.get(f"/dossiers/{ids['dossier']}").get_data(as_text=True)
    assert link in page and "English courtesy translation" in page
    tagged, title, language, pages = _pdf_facts(client.get(link).data)
    assert tagged and language == "en" and title == "Receipt of dossier and appointment for the result"
    assert all("Courtesy translation. The Vietnamese original is the legal document." in text for text in pages)
    original = _pdf_facts(client.get(f"/dossiers/{ids['dossier']}/slips/{receipt.id}.pdf").data)
    assert original[2] == "vi" and "Courtesy translation" not in " ".join(original[3])   # the original stays Vietnamese
    sign_in(client, people["investor_b"])
    assert client.get(link).status_code == 404


def test_all_six_slips_are_tagged_titled_and_in_vietnamese(client, db, in_progress, make_draft, staff):
    """Receipt, supplement request (form 02 is issued on the dossier's way), refusal, apology,
    stop (a withdrawal) and process control slip: each PDF is tagged, in Vietnamese, and its
    title is the form's name, printed as its first heading."""
    from portal.calendar import add_working_days
    from portal.documents.models import Slip

    day = add_working_days(in_progress.due_at.astimezone(VN).date(), 2)
    ops.issue_apology(in_progress, staff["desk"], datetime.combine(day, datetime.min.time().replace(hour=9), VN),
                      "Chờ ý kiến Sở Xây dựng")
    ops.request_supplement(in_progress, in_progress.assignee, [{"description": "Bản vẽ mặt bằng", "reason": "Thiếu"}])
    refused, withdrawn = make_draft(user=in_progress.created_by), make_draft(user=in_progress.created_by)
    for dossier in (refused, withdrawn):
        ops.submit_dossier(dossier, dossier.created_by)
    ops.refuse_dossier(refused, staff["desk"], "Hồ sơ không thuộc thẩm quyền")
    ops.receive_dossier(withdrawn, staff["desk"])
    ops.withdraw_dossier(withdrawn, withdrawn.created_by, "Nhà đầu tư thay đổi kế hoạch")
    db.session.commit()
    sign_in(client, staff["desk"])
    client.post(f"/officer/dossiers/{in_progress.id}/control-slip")
    sign_in(client, in_progress.created_by)
    titles = {SlipKind.RECEIPT: "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
              SlipKind.SUPPLEMENT: "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"}
    seen = set()
    for slip in db.session.scalars(db.select(Slip).where(Slip.dossier_id.in_([in_progress.id, refused.id,
                                                                               withdrawn.id]))):
        tagged, title, language, pages = _pdf_facts(client.get(f"/dossiers/{slip.dossier_id}/slips/{slip.id}.pdf").data)
        assert tagged and language == "vi" and title and title.upper() in pages[0], slip.kind
        assert titles.get(slip.kind, title) == title
        seen.add(slip.kind)
    assert seen == set(SlipKind)
