"""Submission, codes, access by others, withdrawal, and the rendered-once receipt."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import time_machine

from portal.calendar.models import CalendarOverride
from portal.documents.models import Slip
from portal.dossiers import operations as ops
from portal.dossiers.models import Dossier, DossierEvent
from portal.dossiers.workflow import State
from portal.services.unit_of_work import commit
from tests.factories import UserFactory
from tests.samples import PDF, upload

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def test_submit_with_missing_documents_lists_them(client, db, login_as, make_draft):
    user = login_as("investor")
    dossier = make_draft(user=user, code="QLDT-04", complete=False)
    response = client.post(f"/dossiers/{dossier.id}/submit")
    page = response.get_data(as_text=True)
    assert "Hồ sơ chưa đầy đủ. Còn thiếu:" in page
    for name in ("Văn bản đề nghị điều chỉnh dự án đầu tư", "Báo cáo tình hình thực hiện dự án đầu tư",
                 "Quyết định của nhà đầu tư về việc điều chỉnh dự án đầu tư"):
        assert f"Chưa có tệp: {name}" in page
    assert "Chưa có tệp: Tài liệu giải trình" not in page  # optional
    assert "Chưa nhập: Nội dung đề nghị điều chỉnh" in page
    assert db.session.get(Dossier, dossier.id).state is State.DRAFT


def test_double_click_on_submit_gives_one_code(client, db, login_as, make_draft, outbox):
    user = login_as("investor")
    dossier = make_draft(user=user)
    first = client.post(f"/dossiers/{dossier.id}/submit")
    second = client.post(f"/dossiers/{dossier.id}/submit", follow_redirects=True)
    assert first.status_code == 302
    assert "Hồ sơ này đã được nộp." in second.get_data(as_text=True)
    events = db.session.scalars(db.select(DossierEvent).where(DossierEvent.dossier_id == dossier.id)).all()
    assert [(e.from_state, e.to_state) for e in events] == [(State.DRAFT, State.SUBMITTED)]
    assert len([m for m in outbox.to(user.email) if "đã được nộp" in m["Subject"]]) == 1


def test_codes_are_consecutive_per_day_and_restart_the_next_day(db, make_draft):
    with time_machine.travel(datetime(2026, 10, 8, 23, 50, tzinfo=VN), tick=False):
        drafts = [make_draft() for _ in range(3)]
        for d in drafts:
            ops.submit_dossier(d, d.created_by)
    with time_machine.travel(datetime(2026, 10, 9, 0, 5, tzinfo=VN), tick=False):  # 17:05 UTC the day before
        late = make_draft()
        ops.submit_dossier(late, late.created_by)
    assert [d.code for d in drafts] == [f"000.00.25.H34-261008-{n:04d}" for n in (1, 2, 3)]
    assert late.code == "000.00.25.H34-261009-0001"


def test_a_submitted_dossier_cannot_be_edited(client, db, login_as, make_draft):
    user = login_as("investor")
    dossier = make_draft(user=user)
    ops.submit_dossier(dossier, user)
    db.session.commit()
    document = dossier.version.documents[0]
    page = client.post(f"/dossiers/{dossier.id}/documents/{document.id}/files", data=upload(PDF, "x.pdf"),
                       content_type="multipart/form-data", follow_redirects=True).get_data(as_text=True)
    assert "Hồ sơ đã nộp không thể thay đổi." in page
    record = dossier.files[0]
    client.post(f"/dossiers/{dossier.id}/files/{record.id}/delete")
    assert len(db.session.get(Dossier, dossier.id).files) == len(dossier.version.documents)
    response = client.get(f"/dossiers/{dossier.id}/edit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier.id}")


def test_another_enterprise_gets_404_for_dossier_file_and_receipt(client, db, login_as, make_draft, desk_officer):
    owner = UserFactory()
    dossier = make_draft(user=owner)
    ops.submit_dossier(dossier, owner)
    ops.receive_dossier(dossier, desk_officer)
    db.session.commit()
    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id)).one()
    record = dossier.files[0]
    urls = [f"/dossiers/{dossier.id}", f"/dossiers/{dossier.id}/files/{record.id}",
            f"/dossiers/{dossier.id}/slips/{slip.id}.pdf", f"/dossiers/{dossier.id}/edit",
            f"/projects/{dossier.project_id}"]
    login_as("investor")  # of another enterprise
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/dossiers/{dossier.id}/withdraw", data={"reason": "x"}).status_code == 404
    assert client.post(f"/dossiers/{dossier.id}/submit").status_code == 404
    # The officer may download the receipt; nobody anonymous may.
    client.post("/account/logout")
    assert client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf").status_code == 404
    login_as("desk_officer")
    assert client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf").status_code == 200


def test_receipt_is_rendered_once_and_served_from_storage(client, db, login_as, make_draft, desk_officer):
    user = login_as("investor")
    dossier = make_draft(user=user)
    ops.submit_dossier(dossier, user)
    ops.receive_dossier(dossier, desk_officer)
    commit()  # the receipt is rendered once the reception is committed
    slip = db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id)).one()
    db.session.refresh(slip)
    assert slip.storage_key and slip.sha256 and slip.rendered_at
    first_key, first_hash = slip.storage_key, slip.sha256
    one = client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf")
    two = client.get(f"/dossiers/{dossier.id}/slips/{slip.id}.pdf")
    db.session.refresh(slip)
    assert one.data == two.data and slip.storage_key == first_key and slip.sha256 == first_hash
    import hashlib

    assert hashlib.sha256(one.data).hexdigest() == first_hash


def test_reception_uses_the_boards_extra_days_off(db, make_draft, desk_officer):
    db.session.add(CalendarOverride(day=date(2026, 3, 4), is_working=False, note="Nghỉ bù"))
    dossier = make_draft()  # QLDT-02: 5 working days
    ops.submit_dossier(dossier, dossier.created_by)
    with time_machine.travel(datetime(2026, 3, 2, 10, 0, tzinfo=VN), tick=False):
        ops.receive_dossier(dossier, desk_officer)
    # Mon 2/3: 3/3 (1), [4/3 off], 5/3 (2), 6/3 (3), 9/3 (4), 10/3 (5).
    assert dossier.due_at.astimezone(VN) == datetime(2026, 3, 10, 10, 0, tzinfo=VN)


def test_reception_after_office_hours_counts_from_the_next_working_day(db, make_draft, desk_officer):
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    with time_machine.travel(datetime(2026, 8, 21, 17, 45, tzinfo=VN), tick=False):  # a Friday evening
        ops.receive_dossier(dossier, desk_officer)
    # Counted from the worked Saturday 22/8 at 07:00; 5 working days: 24–28/8.
    assert dossier.due_at.astimezone(VN) == datetime(2026, 8, 28, 7, 0, tzinfo=VN)


def test_only_the_desk_receives(db, make_draft):
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    specialist = UserFactory(specialist=True)
    try:
        ops.receive_dossier(dossier, specialist)
    except ops.DossierError:
        pass
    else:
        raise AssertionError("a specialist received a dossier")
    assert dossier.state is State.SUBMITTED


def test_withdraw_with_a_reason(client, db, login_as, make_draft, outbox):
    user = login_as("investor")
    dossier = make_draft(user=user)
    ops.submit_dossier(dossier, user)
    db.session.commit()
    page = client.post(f"/dossiers/{dossier.id}/withdraw", data={"reason": "  "}).get_data(as_text=True)
    assert "Vui lòng nêu lý do rút hồ sơ." in page
    assert db.session.get(Dossier, dossier.id).state is State.SUBMITTED
    page = client.post(f"/dossiers/{dossier.id}/withdraw", data={"reason": "Điều chỉnh lại phương án đầu tư"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Đã rút hồ sơ." in page
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.state is State.WITHDRAWN and dossier.national_code == 7
    assert dossier.events[-1].note == "Điều chỉnh lại phương án đầu tư"
    page = client.post(f"/dossiers/{dossier.id}/withdraw", data={"reason": "lần nữa"}, follow_redirects=True)
    assert "Hồ sơ này không thể rút được nữa." in page.get_data(as_text=True)


def test_dashboard_lists_and_filters(client, db, login_as, make_draft, desk_officer):
    user = login_as("investor")
    submitted = make_draft(user=user)
    ops.submit_dossier(submitted, user)
    received = make_draft(user=user)
    ops.submit_dossier(received, user)
    ops.receive_dossier(received, desk_officer)
    draft = make_draft(user=user, complete=False)
    db.session.commit()
    page = client.get("/dossiers/").get_data(as_text=True)
    assert submitted.code in page and received.code in page and f"Bản nháp số {draft.id}" in page
    assert "Mới đăng ký" in page and "Được tiếp nhận" in page and "(mã " not in page   # names, not codes
    page = client.get("/dossiers/?state=received").get_data(as_text=True)
    assert received.code in page and submitted.code not in page
    # Overdue is derived from the due date.
    with time_machine.travel(datetime(2031, 1, 6, 9, 0, tzinfo=VN), tick=False):
        login_as("investor", enterprise=user.enterprises[0])
        page = client.get("/dossiers/?state=received").get_data(as_text=True)
    assert "Quá hạn" in page


def test_events_are_append_only(db, make_draft):
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    db.session.commit()
    event = dossier.events[0]
    event.note = "rewritten"
    try:
        db.session.flush()
    except RuntimeError as exc:
        assert "append-only" in str(exc)
    else:
        raise AssertionError("an event was updated")
    finally:
        db.session.rollback()


def test_draft_amounts_are_read_as_typed_and_shown_grouped(client, db, make_draft, login_as):
    user = login_as("investor")
    dossier = make_draft(user=user, code="QLDT-01", complete=False)
    response = client.post(f"/dossiers/{dossier.id}/edit", data={"fields-requested_capital": "12.345.678.901",
                                                                 "fields-land_area": "2 500,5", "return_method": "at_desk"})
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.field_values == {"requested_capital": "12345678901", "land_area": "2500.5"}
    page = client.get(f"/dossiers/{dossier.id}/edit").get_data(as_text=True)
    assert 'value="12.345.678.901"' in page and 'value="2.500,5"' in page
    # An amount that cannot be read one way is refused with the expected form; nothing is saved.
    page = client.post(f"/dossiers/{dossier.id}/edit", data={"fields-requested_capital": "1.5",
                                                             "return_method": "at_desk"}).get_data(as_text=True)
    assert "Nhập số theo dạng 250.000.000.000 / 1.234,5" in page and 'value="1.5"' in page
    db.session.refresh(dossier)
    assert dossier.field_values["requested_capital"] == "12345678901"


def test_a_figure_the_certificate_copies_must_fit_the_project(client, db, make_draft, login_as):
    dossier = make_draft(user=login_as("investor"), code="QLDT-01", complete=False)
    page = client.post(f"/dossiers/{dossier.id}/edit", data={"fields-land_area": "10.000.000.000.000",
                                                             "return_method": "at_desk"}).get_data(as_text=True)
    assert "Số này quá lớn." in page  # the project's land area holds less than 10^12 m²
    page = client.post(f"/dossiers/{dossier.id}/edit", data={"fields-requested_capital": "1.000,5",
                                                             "return_method": "at_desk"}).get_data(as_text=True)
    assert "Nhập số nguyên, không có phần thập phân." in page  # capital in whole đồng


def test_submitted_outside_office_hours_says_when_the_desk_will_see_it(client, db, login_as, make_draft, outbox):
    """Friday 6/3/2026 at 20:15: the desk opens again on Monday 9/3 at 07:00, which the page
    and the mail say, in Viet Nam time. At 10:00 on a working day nothing is added."""
    with time_machine.travel(datetime(2026, 3, 6, 20, 15, tzinfo=VN), tick=False):
        user = login_as("investor")
        late = make_draft(user=user)
        client.post(f"/dossiers/{late.id}/submit")
        page = client.get(f"/dossiers/{late.id}").get_data(as_text=True)
    notice = "Bộ phận Một cửa sẽ tiếp nhận hồ sơ từ 07:00 09/03/2026 (giờ Việt Nam, UTC+7)"
    assert notice in page
    assert notice in outbox.body(outbox.to(user.email)[-1])
    with time_machine.travel(datetime(2026, 3, 9, 10, 0, tzinfo=VN), tick=False):
        user = login_as("investor")
        early = make_draft(user=user)
        client.post(f"/dossiers/{early.id}/submit")
        assert "ngoài giờ hành chính" not in client.get(f"/dossiers/{early.id}").get_data(as_text=True)


def test_officers_see_the_national_status_code(client, db, login_as, make_draft):
    dossier = make_draft()
    ops.submit_dossier(dossier, dossier.created_by)
    db.session.commit()
    login_as("desk_officer")
    assert "(mã 1)" in client.get(f"/officer/dossiers/{dossier.id}").get_data(as_text=True)
