"""Officers and administrators log in with a second step (TOTP), or a recovery code."""
from __future__ import annotations

import re
import time

import pyotp
import pytest
import time_machine

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory


def password_step(client, user):
    return client.post("/account/login", data={"email": user.email, "password": PASSWORD})


def enrol(client, user) -> tuple[str, list[str]]:
    response = password_step(client, user)
    assert response.headers["Location"].endswith("/account/mfa/setup")
    page = client.get("/account/mfa/setup").get_data(as_text=True)
    secret = re.search(r'<code class="secret">([A-Z2-7]+)</code>', page).group(1)
    assert 'src="data:image/svg+xml' in page  # the QR code
    page = client.post("/account/mfa/setup", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
    codes = re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)
    assert len(codes) == 10
    return secret, codes


@pytest.mark.parametrize("role", ["desk_officer", "specialist", "department_head", "board_leader", "admin"])
def test_staff_must_enrol_before_getting_in(client, db, role):
    user = UserFactory(role=role)
    password_step(client, user)
    assert client.get("/account/profile").status_code == 302  # the password alone is not a login
    secret, _codes = enrol(client, user)
    assert client.get("/account/profile").status_code == 200
    stored = db.session.get(User, user.id)
    assert stored.totp_key == secret and secret not in stored.totp_secret  # encrypted at rest


def test_investors_log_in_with_the_password_alone(client, db):
    user = UserFactory()
    assert password_step(client, user).headers["Location"] == "/"


def test_second_login_asks_for_a_fresh_code_once(app, db):
    user = UserFactory(desk_officer=True)
    start = time.time()
    with time_machine.travel(start, tick=False):
        secret, _codes = enrol(app.test_client(), user)
    client = app.test_client()
    with time_machine.travel(start + 120, tick=False):
        response = password_step(client, user)
        assert response.headers["Location"].endswith("/account/mfa")
        page = client.post("/account/mfa", data={"code": "000000"}).get_data(as_text=True)
        assert "Mã xác thực không đúng" in page
        code = pyotp.TOTP(secret).now()
        assert client.post("/account/mfa", data={"code": code}).status_code == 302
        assert client.get("/account/profile").status_code == 200
        # The same code cannot be replayed for another login.
        thief = app.test_client()
        password_step(thief, user)
        assert "Mã xác thực không đúng" in thief.post("/account/mfa", data={"code": code}).get_data(as_text=True)


def test_recovery_codes_work_once(app, db):
    user = UserFactory(department_head=True)
    _secret, codes = enrol(app.test_client(), user)
    client = app.test_client()
    password_step(client, user)
    assert client.post("/account/mfa", data={"code": codes[3].upper()}).status_code == 302
    client.post("/account/logout")
    password_step(client, user)
    assert "Mã xác thực không đúng" in client.post("/account/mfa", data={"code": codes[3]}).get_data(as_text=True)
    assert len(db.session.get(User, user.id).recovery_codes) == 9
    actions = set(db.session.scalars(db.select(AuditEvent.action)))
    assert {"mfa.enabled", "mfa.recovery_code_used", "mfa.failure"} <= actions


def test_the_second_step_cannot_be_skipped_or_reused_later(app, db):
    user = UserFactory(desk_officer=True)
    start = time.time()
    with time_machine.travel(start, tick=False):
        secret, _ = enrol(app.test_client(), user)
        client = app.test_client()
        password_step(client, user)
    with time_machine.travel(start + 11 * 60, tick=False):  # the password step is stale
        response = client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()})
        assert response.headers["Location"].endswith("/account/login")


def test_admin_resets_a_lost_authenticator(app, db):
    user = UserFactory(specialist=True, email="mat-dien-thoai@example.com")
    enrol(app.test_client(), user)
    result = app.test_cli_runner().invoke(args=["users", "reset-mfa", "mat-dien-thoai@example.com"])
    assert result.exit_code == 0
    client = app.test_client()
    assert password_step(client, user).headers["Location"].endswith("/account/mfa/setup")


def test_an_abandoned_enrolment_key_is_not_passed_to_the_next_officer(client, db):
    first, second = UserFactory(desk_officer=True), UserFactory(desk_officer=True)
    client.post("/account/login", data={"email": first.email, "password": PASSWORD})
    key_first = re.search(r'<code class="secret">(\w+)</code>', client.get("/account/mfa/setup").get_data(as_text=True))
    client.post("/account/login", data={"email": second.email, "password": PASSWORD})
    key_second = re.search(r'<code class="secret">(\w+)</code>', client.get("/account/mfa/setup").get_data(as_text=True))
    assert key_first.group(1) != key_second.group(1)


def test_recovery_codes_are_long_and_hashed_with_argon2(app, db):
    user = UserFactory(desk_officer=True)
    _secret, codes = enrol(app.test_client(), user)
    assert all(len(code.replace("-", "")) == 16 for code in codes)  # 16 of 32 symbols: 80 bits
    stored = db.session.get(User, user.id).recovery_codes
    assert all(item.startswith("$argon2id$") for item in stored)
    assert not any(code.replace("-", "") in "".join(stored) for code in codes)


def test_secrets_are_rotated_to_a_new_key(app, db):
    from portal.services.crypto import new_key

    user = UserFactory(desk_officer=True)
    user.set_totp_key("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    legacy = UserFactory(desk_officer=True, totp_secret="KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")  # from before encryption
    db.session.commit()
    old_key, fresh = app.config["ENCRYPTION_KEYS"], new_key()
    old_token = user.totp_secret
    try:
        app.config["ENCRYPTION_KEYS"] = fresh + "," + (old_key or _derived_key(app))
        assert user.totp_key == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the old key still reads
        result = app.test_cli_runner().invoke(args=["users", "rotate-keys"])
        assert result.exit_code == 0 and "secrets re-encrypted: 2" in result.output
        db.session.refresh(user)
        db.session.refresh(legacy)
        assert user.totp_secret != old_token and legacy.totp_secret.startswith("gAAAAA")
        app.config["ENCRYPTION_KEYS"] = fresh  # the old key removed: everything still reads
        assert user.totp_key == "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
        assert legacy.totp_key == "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"
    finally:
        app.config["ENCRYPTION_KEYS"] = old_key


def _derived_key(app):
    import base64
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha256(b"portal.encryption:" + app.config["SECRET_KEY"].encode())
                                    .digest()).decode()


def test_old_short_recovery_codes_no_longer_work_and_new_ones_are_made(app, client, db):
    import hashlib

    user = UserFactory(desk_officer=True)
    enrol(app.test_client(), user)
    old = "abcde-fghjk"
    user.recovery_codes = [hashlib.sha256(old.replace("-", "").encode()).hexdigest()]
    db.session.commit()
    other = app.test_client()
    password_step(other, user)
    assert "Mã xác thực không đúng" in other.post("/account/mfa", data={"code": old}).get_data(as_text=True)
    from tests.conftest import sign_in

    sign_in(client, user)
    assert "không còn dùng được" in client.get("/account/profile").get_data(as_text=True)
    page = client.post("/account/mfa/recovery-codes", data={"current_password": PASSWORD}).get_data(as_text=True)
    assert len(re.findall(r"<li><code>([a-z0-9-]+)</code></li>", page)) == 10
    assert all(item.startswith("$argon2id$") for item in db.session.get(User, user.id).recovery_codes)


def test_a_secret_the_keys_cannot_read_is_a_clear_refusal(app, db):
    user = UserFactory(desk_officer=True)
    enrol(app.test_client(), user)
    saved = app.config["ENCRYPTION_KEYS"]
    from portal.services.crypto import new_key

    app.config["ENCRYPTION_KEYS"] = new_key()  # the key that encrypted it was dropped too early
    try:
        client = app.test_client()
        password_step(client, user)
        response = client.post("/account/mfa", data={"code": "123456"})
        assert response.status_code == 200 and "Hiện không thể kiểm tra mã xác thực" in response.get_data(as_text=True)
    finally:
        app.config["ENCRYPTION_KEYS"] = saved
