"""Login, password reset through an expiring single-use link, profile and password change."""
from __future__ import annotations

import re

import time_machine

from portal.accounts.models import User
from tests.factories import PASSWORD, UserFactory

WRONG = "Email hoặc mật khẩu không đúng."


def reset_link(outbox, address):
    [mail] = outbox.to(address)
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", outbox.body(mail)).group(0))


def test_failed_login_says_only_email_or_password_is_wrong(client, db):
    user = UserFactory()
    wrong_password = client.post("/account/login", data={"email": user.email, "password": "not-the-one-1"})
    unknown_email = client.post("/account/login", data={"email": "ghost@example.com", "password": PASSWORD})
    for response in (wrong_password, unknown_email):
        assert response.status_code == 200
        assert WRONG in response.text
    assert 'value="ghost@example.com"' in unknown_email.text


def test_inactive_user_cannot_log_in(client, db):
    user = UserFactory(inactive=True)
    response = client.post("/account/login", data={"email": user.email, "password": PASSWORD})
    assert WRONG in response.text


def test_login_redirects_only_to_this_site(client, db):
    user = UserFactory()
    response = client.post("/account/login?next=https://evil.example/", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/"
    client.post("/account/logout")
    response = client.post("/account/login?next=/account/profile", data={"email": user.email, "password": PASSWORD})
    assert response.headers["Location"] == "/account/profile"


def test_password_reset_flow_and_single_use(client, db, outbox):
    user = UserFactory(email="dautu@example.com")
    response = client.post("/account/forgot", data={"email": " DauTu@Example.com"}, follow_redirects=True)
    assert "đường dẫn đặt lại mật khẩu đã được gửi đến" in response.text
    link = reset_link(outbox, "dautu@example.com")

    assert "Chọn mật khẩu mới" in client.get(link).text
    response = client.post(link, data={"password": "Sao-Mai-Hòa-Bình-2026", "confirm": "Sao-Mai-Hòa-Bình-2026"},
                           follow_redirects=True)
    assert "Mật khẩu đã được thay đổi" in response.text
    assert client.post("/account/login", data={"email": user.email, "password": "Sao-Mai-Hòa-Bình-2026"}).status_code == 302
    client.post("/account/logout")
    assert WRONG in client.post("/account/login", data={"email": user.email, "password": PASSWORD}).text

    # The link is spent.
    again = client.get(link)
    assert again.status_code == 400
    assert "Đường dẫn này đã được sử dụng hoặc không còn hiệu lực" in again.text
    assert "/account/forgot" in again.text
    assert client.post(link, data={"password": "Another-One-2026!", "confirm": "Another-One-2026!"}).status_code == 400
    # The user was told by mail that the password changed.
    assert any("Mật khẩu của bạn đã được thay đổi" in m["Subject"] for m in outbox.to("dautu@example.com"))


def test_expired_reset_link_is_refused(client, db, outbox, app):
    UserFactory(email="cham@example.com")
    with time_machine.travel("2026-11-26 08:00 +0000", tick=False):
        client.post("/account/forgot", data={"email": "cham@example.com"})
    link = reset_link(outbox, "cham@example.com")
    with time_machine.travel("2026-11-26 09:30 +0000", tick=False):  # one hour is the limit
        response = client.get(link)
    assert response.status_code == 400
    assert "Đường dẫn này đã hết hạn" in response.text
    assert "Yêu cầu đường dẫn mới" in response.text


def test_reset_for_unknown_email_sends_nothing_and_says_the_same(client, db, outbox):
    response = client.post("/account/forgot", data={"email": "nobody@example.com"}, follow_redirects=True)
    assert "đường dẫn đặt lại mật khẩu đã được gửi đến" in response.text
    assert outbox.messages == []


def test_reset_with_weak_password_keeps_link_usable(client, db, outbox):
    UserFactory(email="yeu@example.com")
    client.post("/account/forgot", data={"email": "yeu@example.com"})
    link = reset_link(outbox, "yeu@example.com")
    response = client.post(link, data={"password": "1234567890", "confirm": "1234567890"})
    assert response.status_code == 200
    assert "mật khẩu phổ biến nhất" in response.text
    assert client.get(link).status_code == 200


def test_edit_profile(client, db, login_as):
    user = login_as("investor")
    response = client.post("/account/profile", data={"full_name": "Lê Văn Mới", "phone": "0912 345 678",
                                                     "language": "en"}, follow_redirects=True)
    assert "Your profile has been saved." in response.text  # now in the language just chosen
    fresh = db.session.get(User, user.id)
    assert (fresh.full_name, fresh.phone, fresh.language) == ("Lê Văn Mới", "0912 345 678", "en")


def test_change_password_needs_the_current_one(client, db, login_as):
    login_as("investor")
    response = client.post("/account/password", data={"current_password": "wrong-password-1",
                                                      "password": "Mới-Toanh-2026", "confirm": "Mới-Toanh-2026"})
    assert "Mật khẩu hiện tại không đúng." in response.text
    response = client.post("/account/password", data={"current_password": PASSWORD,
                                                      "password": "Mới-Toanh-2026", "confirm": "Mới-Toanh-2026"},
                           follow_redirects=True)
    assert "Mật khẩu đã được thay đổi." in response.text


def test_profile_needs_login(client, db):
    response = client.get("/account/profile")
    assert response.status_code == 302 and "/account/login" in response.headers["Location"]


def test_an_over_long_email_stops_at_its_length(client, db):
    """The e-mail validator's work grows with the square of the length: a long address is
    refused by its length before the validator runs (the message says so)."""
    address = "x\u0301" * 200 + "@example.com"
    for path in ("/account/login", "/account/forgot", "/account/confirm/resend"):
        page = client.post(path, data={"email": address, "password": "p"}).get_data(as_text=True)
        assert "Địa chỉ email có tối đa 254 ký tự." in page, path
        assert "Địa chỉ email không hợp lệ." not in page, path


def test_reset_mail_leaves_after_the_answer(client, db, outbox):
    from tests.factories import UserFactory

    user = UserFactory()
    response = client.post("/account/forgot", data={"email": user.email}, buffered=False)
    assert response.status_code == 302
    assert outbox.to(user.email) == []  # the answer does not wait for the mail
    response.close()  # what a server does once the answer is sent
    assert len(outbox.to(user.email)) == 1
