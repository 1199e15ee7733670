"""Sessions end everywhere on logout, password change and deactivation; time-outs; lockout."""
from __future__ import annotations

import re
import time

import time_machine

from portal.accounts.models import User
from portal.audit.models import AuditEvent
from tests.factories import PASSWORD, UserFactory


def login(client, user, password=PASSWORD):
    return client.post("/account/login", data={"email": user.email, "password": password})


def logged_in(client) -> bool:
    return client.get("/account/profile").status_code == 200


def test_logout_ends_the_sessions_on_every_device(app, db):
    user = UserFactory()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    assert logged_in(laptop) and logged_in(phone)
    laptop.post("/account/logout")
    assert not logged_in(laptop) and not logged_in(phone)


def test_password_change_keeps_this_session_and_ends_the_others(app, db):
    user = UserFactory()
    laptop, phone = app.test_client(), app.test_client()
    login(laptop, user)
    login(phone, user)
    laptop.post("/account/password", data={"current_password": PASSWORD, "password": "Mật-khẩu-mới-2026",
                                           "confirm": "Mật-khẩu-mới-2026"})
    assert logged_in(laptop) and not logged_in(phone)


def test_password_reset_ends_every_session(app, db, outbox):
    import re

    user = UserFactory(email="reset@example.com")
    phone = app.test_client()
    login(phone, user)
    other = app.test_client()
    other.post("/account/forgot", data={"email": user.email})
    link = re.search(r"https?://\S+", outbox.body(outbox.to(user.email)[0])).group(0).split("localhost", 1)[1]
    other.post(link, data={"password": "Mật-khẩu-mới-2026", "confirm": "Mật-khẩu-mới-2026"})
    assert not logged_in(phone)


def test_deactivation_ends_the_sessions_at_once(app, db):
    user = UserFactory(email="nghi-viec@example.com")
    phone = app.test_client()
    login(phone, user)
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "nghi-viec@example.com"])
    assert result.exit_code == 0
    assert not logged_in(phone)
    assert login(app.test_client(), user).status_code == 200  # refused: the form again


def test_idle_and_absolute_timeouts(app, db):
    user = UserFactory()
    client = app.test_client()
    start = time.time()
    with time_machine.travel(start, tick=False):
        login(client, user)
    with time_machine.travel(start + 29 * 60, tick=False):
        assert logged_in(client)  # active: the idle clock restarts
    with time_machine.travel(start + 29 * 60 + 31 * 60, tick=False):
        response = client.get("/account/profile")
        assert response.status_code == 302 and "/account/login" in response.headers["Location"]
    client = app.test_client()
    with time_machine.travel(start, tick=False):
        login(client, user)
    moment = start
    while moment < start + 12 * 3600 - 60:  # busy all day, never idle ...
        moment += 25 * 60
        with time_machine.travel(moment, tick=False):
            client.get("/account/profile")
    with time_machine.travel(start + 12 * 3600 + 60, tick=False):
        assert not logged_in(client)  # ... but a session lasts 12 hours at most


def client_from(app, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def test_wrong_passwords_slow_that_connection_not_the_owner(app, db, outbox):
    user = UserFactory()
    guesser, owner = client_from(app, "203.0.113.7"), client_from(app, "198.51.100.20")
    start = time.time()
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            login(guesser, user, "sai-mat-khau-1")
        page = login(guesser, user).get_data(as_text=True)  # the right password, but it must wait
        assert "nên lần thử tiếp theo phải chờ 30 giây" in page
        assert login(owner, user).status_code == 302  # the owner, elsewhere, is not locked out
    with time_machine.travel(start + 31, tick=False):
        login(guesser, user, "sai-mat-khau-1")  # the sixth wrong one: the wait doubles
        assert "phải chờ 60 giây" in login(guesser, user).get_data(as_text=True)
    with time_machine.travel(start + 92, tick=False):
        assert login(guesser, user).status_code == 302  # after the wait, the right password works
    [mail] = [m for m in outbox.to(user.email) if "Mật khẩu sai" in m["Subject"]]  # told once
    assert "203.0.113.7" in outbox.body(mail) and "/account/forgot" in outbox.body(mail)


def test_wrong_second_factor_codes_are_limited_per_account(app, db):
    import pyotp

    from portal.accounts.models import LoginThrottle
    from tests.security.test_mfa import enrol, password_step

    user = UserFactory(desk_officer=True)
    start = time.time()
    with time_machine.travel(start, tick=False):
        secret, _codes = enrol(app.test_client(), user)
    with time_machine.travel(start + 60, tick=False):
        for n in range(5):
            client = client_from(app, f"203.0.113.{n}")  # from everywhere
            password_step(client, user)
            client.post("/account/mfa", data={"code": "000000"})
        client = app.test_client()
        password_step(client, user)
        page = client.post("/account/mfa", data={"code": pyotp.TOTP(secret).now()}).get_data(as_text=True)
        assert "Nhập sai mã quá nhiều lần" in page
    assert db.session.scalar(db.select(LoginThrottle.failures).where(LoginThrottle.kind == "mfa")) == 5


def test_logins_are_audited_safely(app, db):
    user = UserFactory()
    client = app.test_client()
    login(client, user, "sai-mat-khau-1")
    client.post("/account/login", data={"email": "ghost@example.com\r\nINFO forged line", "password": "x"})
    login(client, user)
    client.post("/account/logout")
    events = db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [e.action for e in events]
    assert actions.count("login.failure") >= 1 and "login.success" in actions and "logout" in actions
    assert all("\n" not in e.target and "\r" not in e.target for e in events)
    success = next(e for e in events if e.action == "login.success")
    assert success.actor_id == user.id and success.ip == "127.0.0.1" and success.created_at.tzinfo is not None


def test_rehash_on_login_when_parameters_change(app, db):
    from argon2 import PasswordHasher

    user = UserFactory()
    user.password_hash = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1).hash(PASSWORD)
    db.session.commit()
    assert login(app.test_client(), user).status_code == 302
    fresh = db.session.get(User, user.id)
    assert fresh.password_hash.startswith("$argon2id$") and "m=1024,t=1" in fresh.password_hash


def test_changing_email_needs_the_current_password(client, db, login_as, outbox):
    user = login_as("investor")
    page = client.post("/account/email", data={"email": "moi@example.com", "current_password": "sai"}).get_data(as_text=True)
    assert "Mật khẩu hiện tại không đúng." in page
    assert db.session.get(User, user.id).email != "moi@example.com"
    client.post("/account/email", data={"email": "moi@example.com", "current_password": PASSWORD})
    fresh = db.session.get(User, user.id)
    assert fresh.email == "moi@example.com" and not fresh.is_confirmed
    assert outbox.to("moi@example.com")
    assert not logged_in(client)


def test_unknown_addresses_are_slowed_the_same(app, db):
    """Waiting does not tell that an account exists: an unknown address is slowed alike."""
    known, client = UserFactory(), client_from(app, "203.0.113.9")
    start = time.time()
    with time_machine.travel(start, tick=False):
        pages = []
        for email in (known.email, "khong.ai@example.com"):
            for _ in range(5):
                client.post("/account/login", data={"email": email, "password": "sai-mat-khau-1"})
            page = client.post("/account/login", data={"email": email, "password": "sai-mat-khau-1"})
            pages.append(re.findall(r'class="error"[^>]*>(.*?)</p>', page.get_data(as_text=True), re.S))
    assert pages[0] == pages[1] and "phải chờ 30 giây" in pages[0][0]


def test_ipv6_clients_are_counted_by_their_network():
    from portal.accounts.operations import client_source

    assert client_source("2001:db8:1:2:aaaa::1") == client_source("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert client_source("2001:db8:1:3::1") != client_source("2001:db8:1:2::1")
    assert client_source("::ffff:203.0.113.7") == client_source("203.0.113.7") == "203.0.113.7"


def test_wrong_passwords_at_the_same_moment_are_all_counted(scratch_app):
    import threading
    import urllib.error
    import urllib.request

    from portal.accounts.models import LoginThrottle
    from portal.extensions import db as _db
    from tests.conftest import served

    scratch_app.config["LOGIN_FREE_ATTEMPTS"] = 100
    statuses = []

    def guess(url):
        data = b"email=ai.do%40example.com&password=sai-mat-khau-1"
        try:
            with urllib.request.urlopen(f"{url}/account/login", data=data, timeout=60) as response:  # noqa: S310
                statuses.append(response.status)
        except urllib.error.HTTPError as exc:
            statuses.append(exc.code)

    with served(scratch_app) as url:
        threads = [threading.Thread(target=guess, args=(url,)) for _ in range(12)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    with scratch_app.app_context():
        failures = _db.session.scalar(_db.select(LoginThrottle.failures))
    assert statuses == [200] * 12 and failures == 12
