"""`flask users create` makes officer and admin accounts; `flask demo load` is asked for."""
from __future__ import annotations

from portal.accounts.models import User


def test_create_officer(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "--role", "specialist", "--unit", "QLDT",
                                 "--email", " ChuyenVien.Moi@Example.com ", "--name", "Đỗ Thị Chuyên",
                                 "--password", "Phòng-QLĐT-2026"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.email == "chuyenvien.moi@example.com"))
    assert user.role.value == "specialist" and user.unit.code == "QLDT" and user.is_confirmed


def test_create_refuses_bad_input(app, db):
    runner = app.test_cli_runner()
    base = ["users", "create", "--email", "x@example.com", "--name", "X", "--password", "Phòng-QLĐT-2026"]
    assert "needs a unit" in runner.invoke(args=base + ["--role", "desk_officer"]).output
    assert "No unit with the code" in runner.invoke(args=base + ["--role", "specialist", "--unit", "ZZ"]).output
    result = runner.invoke(args=["users", "create", "--role", "admin", "--email", "y@example.com",
                                 "--name", "Y", "--password", "password123"])
    assert result.exit_code != 0 and "common" in result.output
    result = runner.invoke(args=base + ["--role", "investor"])
    assert result.exit_code != 0  # investors register themselves
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_demo_accounts_only_when_asked(app, db):
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    roles = {u.role.value for u in db.session.scalars(db.select(User))}
    assert roles == {"investor", "desk_officer", "specialist", "department_head", "board_leader", "admin"}
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 6


def test_demo_officers_log_in_with_the_documented_key(app, db, client):
    import pyotp

    from portal.accounts.cli import DEMO_PASSWORD, DEMO_TOTP_SECRET

    app.test_cli_runner().invoke(args=["demo", "load"])
    response = client.post("/account/login", data={"email": "motcua@example.com", "password": DEMO_PASSWORD})
    assert response.headers["Location"].endswith("/account/mfa")
    response = client.post("/account/mfa", data={"code": pyotp.TOTP(DEMO_TOTP_SECRET).now()})
    assert response.status_code == 302
    assert client.get("/officer/desk").status_code == 200
