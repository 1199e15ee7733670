"""An enterprise's people: the representative invites, approves and removes members;
operators release or transfer an enterprise, on the record."""
from __future__ import annotations

import re

from portal.accounts.models import Enterprise, EnterpriseMember, MemberStatus, User
from portal.catalogue.models import Zone
from portal.audit.models import AuditEvent
from portal.extensions import db as _db
from tests.accounts.test_registration import GOOD, confirm, link_in, path_of, register
from tests.conftest import sign_in
from tests.factories import UserFactory


def test_the_representative_invites_an_existing_account(client, db, outbox):
    representative = UserFactory()
    enterprise = representative.enterprises[0]
    colleague = UserFactory(email="dong.nghiep@example.com")
    sign_in(client, representative)
    page = client.get(f"/account/enterprise/{enterprise.id}").get_data(as_text=True)
    assert "Mời người khác" in page and representative.email in page
    client.post(f"/account/enterprise/{enterprise.id}/invite", data={"email": "Dong.Nghiep@example.com"})
    [mail] = [m for m in outbox.to(colleague.email) if "Lời mời" in m["Subject"]]
    link = path_of(link_in(outbox.body(mail)))
    assert link.startswith("/account/invitations/")

    sign_in(client, UserFactory(email="nguoi.khac@example.com"))  # someone else cannot use it
    assert "dành cho một địa chỉ email khác" in client.get(link).get_data(as_text=True)
    sign_in(client, colleague)
    assert client.post(link).status_code == 302
    assert enterprise.id in _db.session.get(User, colleague.id).enterprise_ids
    assert client.post(link).status_code == 400  # used once


def test_an_invited_address_registers_and_joins_on_confirmation(client, db, outbox):
    representative = UserFactory()
    enterprise = representative.enterprises[0]
    sign_in(client, representative)
    client.post(f"/account/enterprise/{enterprise.id}/invite", data={"email": GOOD["email"]})
    [mail] = outbox.to(GOOD["email"])
    link = path_of(link_in(outbox.body(mail)))
    assert link.startswith("/account/register?invitation=")
    with client.session_transaction() as session:
        session.clear()
    form = client.get(link).get_data(as_text=True)
    assert f'value="{GOOD["email"]}"' in form and f'value="{enterprise.enterprise_code}"' in form
    register(client, enterprise_code=enterprise.enterprise_code)
    confirm(client, outbox, GOOD["email"])
    member = _db.session.scalar(_db.select(User).where(User.email == GOOD["email"]))
    assert member.enterprise_ids == {enterprise.id}  # joined at once: invited


def test_the_representative_approves_and_removes(client, db):
    representative = UserFactory()
    enterprise = representative.enterprises[0]
    asking = UserFactory(enterprise=False)
    _db.session.add(EnterpriseMember(user=asking, enterprise=enterprise, status=MemberStatus.PENDING))
    _db.session.commit()
    member_id = _db.session.scalar(_db.select(EnterpriseMember.id).where(EnterpriseMember.user_id == asking.id))
    sign_in(client, asking)  # waiting: no projects or dossiers yet
    assert client.get("/projects/new").headers["Location"].endswith("/account/profile")
    assert "đang chờ người đại diện chấp thuận" in client.get("/account/profile").get_data(as_text=True)
    assert client.get(f"/account/enterprise/{enterprise.id}").status_code == 404
    sign_in(client, representative)
    client.post(f"/account/enterprise/{enterprise.id}/members/{member_id}/approve")
    assert enterprise.id in _db.session.get(User, asking.id).enterprise_ids
    sign_in(client, asking)  # a member, not the representative: sees, cannot act
    assert client.get(f"/account/enterprise/{enterprise.id}").status_code == 200
    page = client.post(f"/account/enterprise/{enterprise.id}/members/{member_id}/remove", follow_redirects=True)
    assert "Chỉ người đại diện" in page.get_data(as_text=True)
    sign_in(client, representative)
    client.post(f"/account/enterprise/{enterprise.id}/members/{member_id}/remove")
    assert _db.session.get(User, asking.id).enterprise_ids == set()


def test_operators_release_and_transfer_an_enterprise_on_record(app, db):
    squatter = UserFactory()
    enterprise = squatter.enterprises[0]
    code = enterprise.enterprise_code
    owner = UserFactory(enterprise=False, email="chu.that@example.com")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["enterprises", "transfer", code, "--to", owner.email, "--operator", "Văn phòng"])
    assert result.exit_code == 0, result.output
    assert enterprise.representative.email == owner.email
    result = runner.invoke(args=["enterprises", "release", code, "--operator", "Văn phòng"])
    assert result.exit_code == 0, result.output
    assert _db.session.get(Enterprise, enterprise.id).enterprise_code is None
    actions = {a for a in _db.session.scalars(_db.select(AuditEvent.action))}
    assert {"admin.enterprise_transferred", "admin.enterprise_released"} <= actions
    assert re.search("No enterprise", runner.invoke(args=["enterprises", "release", "0000000000"]).output)


def test_a_squatter_is_removed_and_the_company_claims_its_code(app, client, db, outbox):
    squatter = UserFactory()
    enterprise = squatter.enterprises[0]
    code = enterprise.enterprise_code
    staff = UserFactory(enterprise=False, email="nhan.vien@example.com")
    _db.session.add(EnterpriseMember(user=staff, enterprise=enterprise, status=MemberStatus.PENDING))
    owner = UserFactory(enterprise=False, email="giam.doc@example.com")
    _db.session.commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["enterprises", "release", code, "--operator", "Văn phòng"]).exit_code == 0
    assert [m.user.email for m in _db.session.get(Enterprise, enterprise.id).members] == [squatter.email]
    # The company, with an account already, claims the freed code from its profile.
    sign_in(client, owner)
    client.post("/account/enterprises", data={"enterprise_name": "Công ty Thật", "enterprise_code": code,
                                              "address": "Kon Tum", "legal_representative": "Giám Đốc",
                                              "country": "VN"})
    claimed = _db.session.scalar(_db.select(Enterprise).where(Enterprise.enterprise_code == code))
    assert claimed.id != enterprise.id and claimed.representative.email == owner.email


def test_transfer_can_remove_everyone_else(app, db):
    squatter = UserFactory()
    enterprise = squatter.enterprises[0]
    owner = UserFactory(enterprise=False)
    result = app.test_cli_runner().invoke(args=["enterprises", "transfer", enterprise.enterprise_code,
                                                "--to", owner.email, "--remove-others"])
    assert result.exit_code == 0, result.output
    assert [m.user.email for m in _db.session.get(Enterprise, enterprise.id).members] == [owner.email]
    assert enterprise.id not in _db.session.get(User, squatter.id).enterprise_ids


def test_someone_in_two_enterprises_chooses_which_one_a_project_is_for(client, db):
    from portal.projects.models import Project

    user = UserFactory()
    first = user.enterprises[0]
    other = Enterprise(name="Doanh nghiệp thứ hai", enterprise_code="6109999999", address="Kon Tum",
                       legal_representative="A", claimed_at=first.claimed_at)
    _db.session.add(EnterpriseMember(user=user, enterprise=other))
    _db.session.commit()
    sign_in(client, user)
    assert "Doanh nghiệp thứ hai" in client.get("/projects/new").get_data(as_text=True)
    zone = _db.session.scalar(_db.select(Zone.id))
    client.post("/projects/new", data={"name_vi": "Dự án B", "zone_id": zone, "enterprise_id": other.id})
    assert _db.session.scalar(_db.select(Project.enterprise_id).where(Project.name_vi == "Dự án B")) == other.id
    stranger = UserFactory().enterprises[0]  # someone else's enterprise cannot be chosen
    page = client.post("/projects/new", data={"name_vi": "Dự án C", "zone_id": zone, "enterprise_id": stranger.id})
    assert page.status_code == 200 and _db.session.scalar(
        _db.select(_db.func.count()).select_from(Project).where(Project.name_vi == "Dự án C")) == 0
