"""An investor registers, confirms the email, logs in and out; bad input is explained."""
from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import pytest

from portal.accounts.models import Enterprise, User
from portal.db import utcnow
from portal.extensions import db as _db

GOOD = {
    "full_name": "Trần Thị Hồng Nhung",
    "email": "nhung.tran@example.com",
    "phone": "0905 123 456",
    "password": "Rừng-cà-phê-Đăk-Tô-9",
    "confirm": "Rừng-cà-phê-Đăk-Tô-9",
    "enterprise_name": "Công ty Cổ phần Chế biến Nông sản Ngọc Hồi",
    "enterprise_code": "6101987654",
    "address": "Khu kinh tế cửa khẩu quốc tế Bờ Y, huyện Ngọc Hồi",
    "legal_representative": "Trần Văn Hùng",
    "country": "VN",
    "language": "vi",
}


def link_in(body: str) -> str:
    return re.search(r"https?://\S+", body).group(0)


def path_of(url: str) -> str:
    return re.sub(r"^https?://[^/]+", "", url)


def register(client, **changes):
    return client.post("/account/register", data={**GOOD, **changes})


def test_register_confirm_login_logout(client, db, outbox):
    response = register(client)
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == GOOD["email"]))
    assert user.role.value == "investor" and not user.is_confirmed
    [enterprise] = user.enterprises
    assert (enterprise.requested_code, enterprise.enterprise_code) == ("6101987654", None)  # not claimed yet

    # Before confirming, the right password is not enough.
    response = client.post("/account/login", data={"email": GOOD["email"], "password": GOOD["password"]},
                           follow_redirects=True)
    assert "Vui lòng xác nhận địa chỉ email trước" in response.text

    [mail] = outbox.to(GOOD["email"])
    assert mail["Subject"].startswith("Xác nhận địa chỉ email")
    link = path_of(link_in(outbox.body(mail)))
    # Opening the link shows a button; a mail scanner fetching it changes nothing.
    page = client.get(link)
    assert page.status_code == 200 and "Xác nhận email của tôi" in page.text
    assert not db.session.get(User, user.id).is_confirmed
    response = client.post(link, follow_redirects=True)
    assert "Địa chỉ email đã được xác nhận" in response.text
    assert db.session.get(User, user.id).is_confirmed
    assert db.session.get(Enterprise, enterprise.id).enterprise_code == "6101987654"  # claimed on confirmation

    response = client.post("/account/login", data={"email": "  NHUNG.Tran@Example.com ", "password": GOOD["password"]},
                           follow_redirects=True)
    assert "Xin chào Trần Thị Hồng Nhung" in response.text
    assert "Đăng xuất" in response.text

    response = client.post("/account/logout", follow_redirects=True)
    assert "Bạn đã đăng xuất" in response.text
    assert client.get("/account/profile").status_code == 302


def errors_of(response) -> str:
    return unescape(response.text)


@pytest.mark.parametrize("email", ["NHUNG.TRAN@example.com", "  nhung.tran@example.com  ", "Nhung.Tran@EXAMPLE.COM"])
def test_email_already_used_in_another_spelling(client, db, outbox, email):
    assert register(client).status_code == 302
    response = register(client, email=email, enterprise_code="6101987655")
    assert response.status_code == 302  # as for a new address: nothing tells that this one is taken
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(User).where(User.email == GOOD["email"])) == 1
    assert any("Có người thử đăng ký" in m["Subject"] for m in outbox.to(GOOD["email"]))


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"enterprise_code": "61-0198"}, "Mã số doanh nghiệp gồm 10 chữ số"),
        ({"enterprise_code": "61019876541"}, "Mã số doanh nghiệp gồm 10 chữ số"),
        ({"enterprise_code": ""}, "Vui lòng nhập mã số doanh nghiệp."),
        ({"password": "Ngắn-9", "confirm": "Ngắn-9"}, "Mật khẩu phải có ít nhất 10 ký tự."),
        ({"password": "password123", "confirm": "password123"}, "nằm trong số các mật khẩu phổ biến nhất"),
        ({"password": "qwertyuiop", "confirm": "qwertyuiop"}, "nằm trong số các mật khẩu phổ biến nhất"),
        ({"confirm": "Rừng-cà-phê-Đăk-Tô-8"}, "Hai mật khẩu không khớp nhau."),
        ({"email": "nhung.tran@"}, "Địa chỉ email không hợp lệ."),
        ({"phone": "abc"}, "Vui lòng nhập số điện thoại từ 8 đến 20 chữ số."),
        ({"full_name": "   "}, "Vui lòng nhập họ và tên."),
    ],
)
def test_bad_registration_is_explained_and_keeps_what_was_typed(client, db, changes, message):
    response = register(client, **changes)
    text = errors_of(response)
    assert response.status_code == 200
    assert message in text
    assert "Vui lòng sửa các mục sau" in text  # the error summary at the top
    for name in ("full_name", "enterprise_name", "address", "legal_representative"):
        if name not in changes:
            assert f'value="{GOOD[name]}"' in text
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(User)) == 0
    assert _db.session.scalar(_db.select(_db.func.count()).select_from(Enterprise)) == 0


def test_foreign_investor_without_vietnamese_enterprise(client, db):
    response = register(client, country="JP", enterprise_code="", email="tanaka@example.jp")
    assert response.status_code == 302
    user = db.session.scalar(db.select(User).where(User.email == "tanaka@example.jp"))
    assert user.enterprises[0].is_foreign and user.enterprises[0].enterprise_code is None


def confirm(client, outbox, email):
    mail = [m for m in outbox.to(email) if "Xác nhận" in m["Subject"]][-1]
    return client.post(path_of(link_in(outbox.body(mail))))


def test_an_unconfirmed_registration_holds_no_code(client, db, outbox):
    """A squatter registers the real company's code and never confirms; the company then
    registers, confirms, and holds its code."""
    register(client, email="squatter@example.com", full_name="Kẻ Chiếm Chỗ")
    register(client)
    confirm(client, outbox, GOOD["email"])
    holder = db.session.scalar(_db.select(Enterprise).where(Enterprise.enterprise_code == "6101987654"))
    assert holder.representative.email == GOOD["email"]
    squatter = db.session.scalar(_db.select(User).where(User.email == "squatter@example.com"))
    assert squatter.enterprises[0].enterprise_code is None
    # Confirming later, the squatter only asks to join; the representative is told and decides.
    confirm(client, outbox, "squatter@example.com")
    db.session.expire_all()
    squatter = db.session.get(User, squatter.id)
    assert squatter.enterprises == [] and [m.enterprise.id for m in squatter.pending_memberships] == [holder.id]
    assert any("đề nghị được thực hiện thủ tục" in m["Subject"] for m in outbox.to(GOOD["email"]))


def test_unconfirmed_registrations_expire(app, client, db, outbox):
    import time_machine

    register(client, email="cu@example.com", enterprise_code="6101987601")
    with time_machine.travel(utcnow() + timedelta(days=4), tick=False):
        result = app.test_cli_runner().invoke(args=["users", "purge-unconfirmed"])
    assert result.exit_code == 0 and "removed: 1" in result.output
    assert db.session.scalar(_db.select(User).where(User.email == "cu@example.com")) is None
    assert db.session.scalar(_db.select(Enterprise).where(Enterprise.requested_code == "6101987601")) is None


def test_field_errors_are_linked_for_screen_readers(client, db):
    text = errors_of(register(client, enterprise_code="123"))
    assert 'id="enterprise_code-error"' in text
    assert re.search(r'aria-describedby="enterprise_code-help enterprise_code-error"', text)
    assert 'aria-invalid="true"' in text


def test_confirmation_link_forged_or_expired(client, db, outbox, app):
    import time_machine

    register(client)
    link = path_of(link_in(outbox.body(outbox.to(GOOD["email"])[0])))
    response = client.post(link[:-3] + "xyz")
    assert response.status_code == 400 and "Đường dẫn này không hợp lệ" in response.text
    with time_machine.travel("2100-01-01"):
        response = client.post(link)
    assert response.status_code == 400 and "Đường dẫn này đã hết hạn" in response.text
    assert "/account/confirm/resend" in response.text


def test_resend_confirmation(client, db, outbox):
    register(client)
    client.post("/account/confirm/resend", data={"email": GOOD["email"].upper()})
    assert len(outbox.to(GOOD["email"])) == 2
    # Same answer for an unknown address, and no mail.
    response = client.post("/account/confirm/resend", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert "Nếu có tài khoản chưa xác nhận dùng địa chỉ này" in response.text


def test_officers_cannot_self_register(client, db):
    register(client, role="admin", unit="VP")
    user = db.session.scalar(db.select(User).where(User.email == GOOD["email"]))
    assert user.role.value == "investor" and user.unit is None


def test_single_line_fields_keep_no_line_breaks_into_mail(client, db, outbox):
    injected = "Nhung\r\n\r\nTài khoản của bạn sắp bị khóa. Xác minh ngay: http://evil.example/verify\r\n"
    assert register(client, full_name=injected, enterprise_name="Công ty\nABC").status_code == 302
    user = db.session.scalar(_db.select(User).where(User.email == GOOD["email"]))
    assert user.full_name == "Nhung Tài khoản của bạn sắp bị khóa. Xác minh ngay: http://evil.example/verify"
    assert user.enterprises[0].name == "Công ty ABC"
    [mail] = outbox.to(GOOD["email"])
    lines = outbox.body(mail).splitlines()
    assert not any(line.startswith("Tài khoản của bạn sắp bị khóa") for line in lines)  # no paragraph of its own


@pytest.mark.parametrize("password", ["NhungTran2026!", "nhung.tran.2026", "6101987654abc", "NgocHoi-2026!"])
def test_passwords_built_from_ones_own_data_are_refused(client, db, password):
    page = register(client, password=password, confirm=password).get_data(as_text=True)
    assert "Mật khẩu được tạo từ họ tên, email hoặc doanh nghiệp của bạn" in page
    assert db.session.scalar(_db.select(_db.func.count()).select_from(User)) == 0


def test_a_new_password_is_checked_against_the_owner(client, db, login_as):
    user = login_as("investor", full_name="Lê Văn Tám", email="levantam@example.com")
    page = client.post("/account/password", data={"current_password": "Mật-khẩu-thử-2026",
                                                   "password": "LeVanTam-1975", "confirm": "LeVanTam-1975"})
    assert "Mật khẩu được tạo từ họ tên, email hoặc doanh nghiệp của bạn" in page.get_data(as_text=True)
    assert user.password_hash == db.session.get(User, user.id).password_hash


def test_registering_an_existing_address_looks_the_same_and_tells_its_owner(client, db, outbox):
    from tests.factories import UserFactory

    owner = UserFactory(email=GOOD["email"], full_name="Chủ Tài Khoản")
    fresh = register(client, email="moi.hoan.toan@example.com", enterprise_code="6101987655")
    again = register(client)
    assert again.status_code == fresh.status_code == 302 and again.headers["Location"] == fresh.headers["Location"]
    with client.session_transaction() as session:
        flashes = [text for _category, text in session.get("_flashes", [])]
    assert flashes[-1] == flashes[-2].replace("moi.hoan.toan@example.com", GOOD["email"])  # the same words
    assert db.session.scalar(_db.select(_db.func.count()).select_from(User).where(User.email == GOOD["email"])) == 1
    [mail] = outbox.to(owner.email)
    assert "Có người thử đăng ký" in mail["Subject"] and "Không có tài khoản mới nào được tạo" in outbox.body(mail)


def test_a_huge_name_costs_the_password_check_little(client, db):
    """The name is cut to its length before the password is compared with it (a 14 kB name
    of short words once took 15 s and 2 GB)."""
    from portal.accounts.security import personal_password

    words = " ".join(f"a{n}" for n in range(3000))  # about 15 kB
    assert personal_password("Rừng-cà-phê-Đăk-Tô-9", email="x@example.com", full_name=words) is False
    assert register(client, full_name=words).status_code == 200  # refused by the name's length
    assert db.session.scalar(_db.select(_db.func.count()).select_from(User)) == 0


def test_confirming_through_a_password_reset_claims_the_code(client, db, outbox):
    register(client)
    client.post("/account/forgot", data={"email": GOOD["email"]})
    mail = [m for m in outbox.to(GOOD["email"]) if "mật khẩu" in m["Subject"].lower()][-1]
    link = path_of(link_in(outbox.body(mail)))
    client.post(link, data={"password": "Một-mật-khẩu-mới-2026", "confirm": "Một-mật-khẩu-mới-2026"})
    user = db.session.scalar(_db.select(User).where(User.email == GOOD["email"]))
    assert user.is_confirmed and user.enterprises[0].enterprise_code == "6101987654"


def test_a_changed_address_waiting_for_confirmation_is_not_purged(app, client, db, outbox):
    import time_machine

    from tests.factories import PASSWORD, UserFactory

    user = UserFactory(email="lau.nam@example.com")
    client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    client.post("/account/email", data={"email": "dia.chi.moi@example.com", "current_password": PASSWORD})
    assert not db.session.get(User, user.id).is_confirmed
    with time_machine.travel(utcnow() + timedelta(days=10), tick=False):
        result = app.test_cli_runner().invoke(args=["users", "purge-unconfirmed"])
    assert "removed: 0" in result.output and db.session.get(User, user.id) is not None


def test_the_owner_is_told_of_registration_attempts_once_a_day(client, db, outbox):
    from tests.factories import UserFactory

    owner = UserFactory(email=GOOD["email"])
    for n in range(3):
        register(client, enterprise_code=f"610198765{n}")
    assert len(outbox.to(owner.email)) == 1
