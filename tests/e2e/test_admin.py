"""In a real browser: the administrator creates an officer, who accepts the e-mailed
invitation, chooses a password, enrols an authenticator and receives a dossier; the
administrator adds an extra day off, which moves the due date of a dossier received
afterwards and not that of one received before; the administrator publishes a new version
of a procedure from a future date, and a dossier started under the version in force keeps
its checklist and its time limit."""
from __future__ import annotations

import io
import re

import pyotp
import pytest
from playwright.sync_api import expect
from werkzeug.datastructures import FileStorage

from portal.calendar import LOCAL_TZ
from portal.db import utcnow
from portal.extensions import db
from portal.services.unit_of_work import commit
from tests.conftest import Outbox, served
from tests.e2e.conftest import log_in, with_totp
from tests.factories import PASSWORD, UserFactory
from tests.samples import PDF

pytestmark = pytest.mark.e2e
ADMIN_KEY = pyotp.random_base32()


def submitted_dossier(investor):
    """A complete QLDT-02 dossier, submitted (as the `make_draft` fixture builds one)."""
    from portal.catalogue.models import Procedure
    from portal.dossiers import operations as ops
    from portal.projects.operations import create_project

    procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-02"))
    project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor, name_vi="Nhà máy gạch")
    dossier = ops.start_dossier(user=investor, procedure=procedure, project=project)
    for document in dossier.version.documents:
        if document.is_mandatory:
            ops.add_file(dossier, investor, document, FileStorage(io.BytesIO(PDF), "giay-to.pdf"))
    dossier.field_values = {spec["key"]: "1000000000" for spec in dossier.version.form_fields if spec.get("required")}
    ops.submit_dossier(dossier, investor)
    return dossier.id


@pytest.fixture
def portal(scratch_app):
    with scratch_app.app_context():
        with_totp(UserFactory(admin=True, email="quantri@example.com"), ADMIN_KEY)
        investor = UserFactory(email="nhadautu@example.com")
        first, second = submitted_dossier(investor), submitted_dossier(investor)
        commit()
    with served(scratch_app) as url:
        yield scratch_app, url, (first, second)


def mail_to(app, address: str, seconds: float = 10):
    """The mail sent to `address`: written once the answer has gone, so waited for."""
    import time
    from pathlib import Path

    outbox, deadline = Outbox(Path(app.config["OUTBOX_DIR"])), time.monotonic() + seconds
    while not outbox.to(address):
        assert time.monotonic() < deadline, f"no mail to {address}: {[m['To'] for m in outbox.messages]}"
        time.sleep(0.1)
    return outbox.to(address)[-1]


def test_an_invited_officer_enrols_and_receives_a_dossier(portal, browser):
    app, url, (dossier_id, _other) = portal
    admin = browser.new_context(locale="vi-VN").new_page()
    log_in(admin, url, "quantri@example.com", PASSWORD, ADMIN_KEY)
    admin.goto(url + "/admin/people/new")
    admin.get_by_label("Địa chỉ e-mail").fill("motcua.moi@example.com")
    admin.get_by_label("Họ và tên").fill("Đặng Thị Một Cửa")
    admin.get_by_label("Vai trò").select_option(label="Cán bộ tiếp nhận (Bộ phận Một cửa)")
    admin.get_by_label("Đơn vị", exact=True).select_option(label="Văn phòng Ban Quản lý")
    admin.get_by_role("button", name="Lưu").click()
    expect(admin.locator("h1")).to_have_text("Đặng Thị Một Cửa")
    expect(admin.get_by_text("Đã tạo tài khoản và gửi thư mời")).to_be_visible()

    link = re.search(r"/account/welcome/\S+", Outbox.body(mail_to(app, "motcua.moi@example.com"))).group(0)
    officer = browser.new_context(locale="vi-VN").new_page()
    officer.goto(url + link)
    officer.get_by_label("Mật khẩu mới", exact=False).first.fill("Sông-Đăk-Bla-chảy-qua-2026")
    officer.get_by_label("Nhập lại", exact=False).fill("Sông-Đăk-Bla-chảy-qua-2026")
    officer.locator("main form [type=submit]").click()
    expect(officer).to_have_url(re.compile(r"/account/login$"))
    log_in(officer, url, "motcua.moi@example.com", "Sông-Đăk-Bla-chảy-qua-2026")
    expect(officer).to_have_url(re.compile(r"/account/mfa/setup$"))
    key = officer.locator("code.secret").inner_text().strip()
    officer.locator("input[name=code]").fill(pyotp.TOTP(key).now())
    officer.locator("main form [type=submit]").click()
    officer.goto(url + f"/officer/dossiers/{dossier_id}")
    officer.get_by_role("button", name="Tiếp nhận", exact=True).click()
    expect(officer.get_by_text("Đã tiếp nhận hồ sơ; Giấy tiếp nhận đã được phát hành.")).to_be_visible()


def test_an_extra_day_off_moves_only_later_receptions(portal, browser):
    from portal.dossiers import operations as ops
    from portal.accounts.models import User
    from portal.dossiers.models import Dossier

    app, url, (before_id, after_id) = portal
    with app.app_context():
        desk = UserFactory(desk_officer=True)
        desk_id = desk.id
        ops.receive_dossier(db.session.get(Dossier, before_id), desk)
        commit()
        due_before = db.session.get(Dossier, before_id).due_at
    # The first working day after the reception that counts towards the limit becomes a day off.
    from portal.calendar import next_working_day

    closing = next_working_day(utcnow().astimezone(LOCAL_TZ).date())
    admin = browser.new_context(locale="vi-VN").new_page()
    log_in(admin, url, "quantri@example.com", PASSWORD, ADMIN_KEY)
    admin.goto(url + f"/admin/calendar?year={closing.year}")
    adding = admin.locator("form[action$='/admin/calendar']")
    adding.get_by_label(re.compile(r"^Ngày")).fill(closing.isoformat())
    adding.get_by_label("Ngày nghỉ thêm").check()
    adding.get_by_label("Lý do").fill("Quyết định số 12/QĐ-BQL")
    admin.get_by_role("button", name="Lưu ngày").click()
    expect(admin.get_by_text("Đã lưu ngày.")).to_be_visible()
    expect(admin.get_by_text(f"{closing:%d/%m/%Y}: ngày nghỉ thêm")).to_be_visible()
    with app.app_context():
        ops.receive_dossier(db.session.get(Dossier, after_id), db.session.get(User, desk_id))
        commit()
        later = db.session.get(Dossier, after_id)
        earlier = db.session.get(Dossier, before_id)
        assert earlier.due_at == due_before                                   # unchanged
        # Received at the same time, but a working day of its limit is now a day off: due a working day later.
        assert later.due_at.astimezone(LOCAL_TZ).date() == next_working_day(due_before.astimezone(LOCAL_TZ).date())


def test_a_future_version_leaves_an_older_dossier_as_it_was(portal, browser):
    """Version 3 of QLDT-02 (3 working days, a third mandatory document) is published from a
    month ahead. The investor's draft, started under version 2, still lists two documents and
    is submitted as it is; received, it is due 5 working days later, as version 2 says."""
    from datetime import timedelta

    from portal.calendar import due_at
    from portal.calendar.queries import overrides
    from portal.catalogue.models import Procedure
    from portal.dossiers import operations as ops
    from portal.dossiers.models import Dossier
    from portal.projects.operations import create_project

    app, url, _dossiers = portal
    with app.app_context():
        from portal.accounts.models import User

        investor = db.session.scalar(db.select(User).where(User.email == "nhadautu@example.com"))
        procedure = db.session.scalar(db.select(Procedure).where(Procedure.code == "QLDT-02"))
        project = create_project(enterprise_id=min(investor.enterprise_ids), created_by=investor, name_vi="Nhà máy gạch")
        draft = ops.start_dossier(user=investor, procedure=procedure, project=project)
        for document in draft.version.documents:
            ops.add_file(draft, investor, document, FileStorage(io.BytesIO(PDF), "giay-to.pdf"))
        draft.field_values = {"certified_capital": "1000000000"}
        commit()
        draft_id, old_number = draft.id, draft.version.number
    starts = utcnow().astimezone(LOCAL_TZ).date() + timedelta(days=30)

    admin = browser.new_context(locale="vi-VN").new_page()
    log_in(admin, url, "quantri@example.com", PASSWORD, ADMIN_KEY)
    admin.goto(url + "/admin/procedures/QLDT-02")
    admin.get_by_role("button", name="Tạo phiên bản mới từ phiên bản đang có hiệu lực").click()
    expect(admin.get_by_text(f"Đã tạo bản dự thảo phiên bản {old_number + 1}")).to_be_visible()
    admin.get_by_label("Thời hạn giải quyết (ngày)").fill("3")
    admin.get_by_role("button", name="Lưu bản dự thảo").click()
    expect(admin.get_by_text("Đã lưu bản dự thảo.")).to_be_visible()
    admin.get_by_role("link", name="Thêm thành phần hồ sơ").click()
    admin.get_by_label("Tên (tiếng Việt)").fill("Báo cáo đánh giá tác động môi trường")
    admin.get_by_role("button", name="Lưu thành phần hồ sơ").click()
    expect(admin.get_by_text("Đã lưu thành phần hồ sơ.")).to_be_visible()
    admin.get_by_label("Áp dụng từ ngày").fill(starts.isoformat())
    admin.get_by_role("button", name="Công bố phiên bản này").click()
    expect(admin.get_by_text(f"Đã công bố phiên bản {old_number + 1}, có hiệu lực từ ngày {starts:%d/%m/%Y}.")).to_be_visible()
    expect(admin.get_by_text("Đã công bố, chưa có hiệu lực")).to_be_visible()

    visitor = browser.new_context(locale="vi-VN").new_page()
    visitor.goto(url + "/procedures/QLDT-02")
    expect(visitor.get_by_text(f"Quy định mới từ ngày {starts:%d/%m/%Y}.")).to_be_visible()

    investor_page = browser.new_context(locale="vi-VN").new_page()
    log_in(investor_page, url, "nhadautu@example.com", PASSWORD)
    investor_page.goto(url + f"/dossiers/{draft_id}/edit")
    expect(investor_page.locator(".checklist__item")).to_have_count(2)
    expect(investor_page.get_by_text("Báo cáo đánh giá tác động môi trường")).to_have_count(0)
    investor_page.get_by_role("link", name="Kiểm tra và nộp hồ sơ").click()
    investor_page.get_by_role("button", name="Nộp hồ sơ").click()
    expect(investor_page.get_by_text("Đã nộp hồ sơ")).to_be_visible()
    with app.app_context():
        desk = UserFactory(desk_officer=True)
        dossier = db.session.get(Dossier, draft_id)
        ops.receive_dossier(dossier, desk)
        commit()
        assert dossier.version.number == old_number and len(dossier.version.documents) == 2
        assert dossier.due_at == due_at(dossier.received_at, 5, "working_days", overrides(), ops.office_hours())
