"""People and enterprises in the administration: an officer invited by e-mail chooses a
password from a single-use link; roles, units, deactivation and the last administrator;
enterprises released or handed to another representative. Every change audited."""
from __future__ import annotations

import re

import pytest

from portal.accounts.models import Role, User
from portal.audit.models import AuditEvent
from portal.catalogue.models import Unit
from tests.conftest import sign_in
from tests.factories import EnterpriseFactory, UserFactory



def _qldt(db):
    return db.session.scalar(db.select(Unit).where(Unit.code == "QLDT"))


def _actions(db) -> list[str]:
    return list(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.action.like("admin.%"))
                                   .order_by(AuditEvent.id)))


def test_an_officer_is_invited_and_chooses_a_password_once(app, client, db, admin, outbox):
    answer = client.post("/admin/people/new", data={
        "email": "Chuyen.Vien@Example.com", "full_name": "Trần Thị Mới", "role": "specialist",
        "unit": str(_qldt(db).id), "position": "Chuyên viên", "phone": "0260 3 111 222"})
    assert answer.status_code == 302
    officer = db.session.scalar(db.select(User).where(User.email == "chuyen.vien@example.com"))
    assert (officer.role, officer.unit.code, officer.is_confirmed, officer.has_mfa) == (
        Role.SPECIALIST, "QLDT", False, False)
    [mail] = outbox.to("chuyen.vien@example.com")
    assert "Tài khoản của bạn" in mail["Subject"]
    link = re.search(r"https?://\S+/account/welcome/\S+", outbox.body(mail)).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    newcomer = app.test_client()
    assert newcomer.get("/" + path).status_code == 200
    chosen = newcomer.post("/" + path, data={"password": "Mật-khẩu-mới-2026!", "confirm": "Mật-khẩu-mới-2026!"})
    assert chosen.status_code == 302 and chosen.headers["Location"].endswith("/account/login")
    db.session.refresh(officer)
    assert officer.is_confirmed
    assert newcomer.get("/" + path).status_code == 400            # the link works once
    # Logging in now asks for the authenticator to be set up.
    login = newcomer.post("/account/login", data={"email": "chuyen.vien@example.com",
                                                  "password": "Mật-khẩu-mới-2026!"})
    assert login.headers["Location"].endswith("/account/mfa/setup")
    assert _actions(db)[:2] == ["admin.officer_invited", "admin.invitation_sent"]


def test_bad_officers_are_refused_on_their_field(client, db, admin):
    UserFactory(email="da.co@example.com")
    cases = [({"email": "da.co@example.com", "full_name": "A", "role": "board_leader"},
              "Đã có tài khoản với địa chỉ e-mail này."),
             ({"email": "moi@example.com", "full_name": "B", "role": "desk_officer", "unit": ""},
              "Vai trò này làm việc tại một đơn vị: hãy chọn đơn vị."),
             ({"email": "khong-hop-le", "full_name": "C", "role": "board_leader"}, "Nhập địa chỉ e-mail hợp lệ.")]
    for data, message in cases:
        answer = client.post("/admin/people/new", data=data)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 400 and message in html, (data, message)
        assert f'value="{data["email"]}"' in html     # what was typed stays
    assert db.session.scalar(db.select(db.func.count()).select_from(User).where(User.email == "moi@example.com")) == 0


def test_role_unit_deactivation_and_the_last_administrator(client, db, admin):
    head = UserFactory(department_head=True, email="truongphong@example.com")
    moved = client.post(f"/admin/people/{head.id}", data={
        "full_name": "Người Được Chuyển", "role": "board_leader", "unit": "", "position": "Phó Trưởng ban",
        "phone": ""})
    assert moved.status_code == 302
    db.session.refresh(head)
    assert (head.role, head.unit, head.position) == (Role.BOARD_LEADER, None, "Phó Trưởng ban")
    version = head.session_version
    assert client.post(f"/admin/people/{head.id}/active", data={"active": "0"}).status_code == 302
    db.session.refresh(head)
    assert not head.is_active and head.session_version > version      # its sessions ended
    client.post(f"/admin/people/{head.id}/active", data={"active": "1"})
    db.session.refresh(head)
    assert head.is_active
    # The only administrator can neither leave the role nor be deactivated.
    demoted = client.post(f"/admin/people/{admin.id}", data={
        "full_name": admin.full_name, "role": "board_leader", "unit": "", "position": "", "phone": ""})
    assert demoted.status_code == 400 and "quản trị viên cuối cùng" in demoted.get_data(as_text=True)
    client.post(f"/admin/people/{admin.id}/active", data={"active": "0"})
    db.session.refresh(admin)
    assert admin.is_active and admin.role is Role.ADMIN
    assert _actions(db) == ["admin.officer_changed", "admin.deactivate", "admin.reactivate"]


def test_people_are_searched_and_paged(client, db, admin):
    UserFactory(full_name="Nguyễn Văn Tìm Thấy", email="timthay@example.com")
    html = client.get("/admin/people?q=tìm thấy").get_data(as_text=True)
    assert "timthay@example.com" in html and "(1)" in html
    assert "timthay@example.com" not in client.get("/admin/people?role=admin").get_data(as_text=True)


def test_an_enterprise_is_found_released_and_handed_over(client, db, admin):
    squatter = UserFactory(email="chiemgiu@example.com",
                           enterprise=EnterpriseFactory(name="Công ty Cổ phần Cà phê Đăk Tô", enterprise_code="6101234567"))
    rightful = UserFactory(email="chudung@example.com")
    enterprise = squatter.memberships[0].enterprise
    found = client.get("/admin/enterprises?q=ca phe dak to").get_data(as_text=True)
    assert "Công ty Cổ phần Cà phê Đăk Tô" in found and "chiemgiu@example.com" in found
    refused = client.post(f"/admin/enterprises/{enterprise.id}/transfer", data={"email": "khongco@example.com"})
    assert refused.status_code == 400 and "khongco@example.com" in refused.get_data(as_text=True)
    handed = client.post(f"/admin/enterprises/{enterprise.id}/transfer",
                         data={"email": "chudung@example.com", "remove_others": "y"})
    assert handed.status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.representative.id == rightful.id and len(enterprise.members) == 1
    assert client.post(f"/admin/enterprises/{enterprise.id}/release").status_code == 302
    db.session.refresh(enterprise)
    assert enterprise.enterprise_code is None and enterprise.requested_code == "6101234567"
    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.action.like("admin.enterprise_%"))).all()
    assert [(e.action, e.actor_id) for e in events] == [("admin.enterprise_transferred", admin.id),
                                                        ("admin.enterprise_released", admin.id)]
