"""Operator commands: `flask users create` and `flask demo load`."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.accounts import operations as ops
from portal.accounts.models import Enterprise, EnterpriseMember, Role, User
from portal.accounts.queries import user_by_email
from portal.accounts.security import hash_password
from portal.db import utcnow
from portal.extensions import db
from portal.services.unit_of_work import commit

users_cli = AppGroup("users", help="Officer and administrator accounts.")
enterprises_cli = AppGroup("enterprises", help="Investor enterprises.")
demo_cli = AppGroup("demo", help="Demo data (never loaded unless asked).")

STAFF_ROLES = [r.value for r in Role if r is not Role.INVESTOR]


@users_cli.command("create")
@click.option("--role", required=True, type=click.Choice(STAFF_ROLES), help="The officer's role.")
@click.option("--unit", "unit_code", help="Code of the unit (units in data/catalogue.yaml).")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True, help="Full name as shown on slips.")
@click.option("--position", default="", help='Position printed under a signature, e.g. "Phó Trưởng ban".')
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True,
              help="Asked for when not given.")
def create_user(role: str, unit_code: str | None, email: str, full_name: str, position: str, password: str) -> None:
    """Create an officer or administrator account (they cannot self-register)."""
    from portal.accounts.security import is_common_password, personal_password

    if (len(password) < 10 or is_common_password(password)
            or personal_password(password, email=email, full_name=full_name)):
        raise click.ClickException("the password needs 10 characters or more, must not be a common one "
                                   "and must not be built from the officer's e-mail or name")
    try:
        user = ops.create_staff_user(email=email, password=password, full_name=full_name,
                                     role=Role(role), unit_code=unit_code, position=position)
    except ops.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"created {user.role.value} {user.email}" + (f" in {user.unit.code}" if user.unit else ""))


@users_cli.command("purge-unconfirmed")
@click.option("--days", type=int, default=None, help="Age in days (default REGISTRATION_EXPIRY_DAYS).")
def purge_unconfirmed(days: int | None) -> None:
    """Delete registrations never confirmed (run daily from cron): the enterprises they only
    requested go with them."""
    if days is None:
        count = ops.expire_registrations()
    else:
        count = ops.purge_unconfirmed(days)
        commit()
    click.echo(f"unconfirmed registrations removed: {count}")


@enterprises_cli.command("release")
@click.argument("code")
@click.option("--operator", default="", help="Who decides (for the audit trail).")
def release(code: str, operator: str) -> None:
    """Free an enterprise code held by the wrong people; the enterprise keeps its dossiers."""
    try:
        enterprise = ops.release_enterprise(code, operator)
    except ops.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"released {code} from {enterprise.name}")


@enterprises_cli.command("transfer")
@click.argument("code")
@click.option("--to", "email", required=True, help="E-mail of the new representative (a confirmed investor).")
@click.option("--operator", default="", help="Who decides (for the audit trail).")
@click.option("--remove-others", is_flag=True, help="Everyone else stops acting for the enterprise.")
def transfer(code: str, email: str, operator: str, remove_others: bool) -> None:
    """Make another account the representative of the enterprise holding CODE."""
    try:
        enterprise = ops.transfer_enterprise(code, email, operator, remove_others=remove_others)
    except ops.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    commit()
    click.echo(f"{enterprise.name}: representative is now {email}")


@users_cli.command("rotate-keys")
def rotate_keys() -> None:
    """Re-encrypt the officers' TOTP secrets with the first key of ENCRYPTION_KEYS (after
    putting a new key first; remove the old one afterwards)."""
    count = ops.rotate_secrets()
    commit()
    click.echo(f"secrets re-encrypted: {count}")


@users_cli.command("new-key")
def new_key() -> None:
    """Print a new key for ENCRYPTION_KEYS."""
    from portal.services.crypto import new_key as make

    click.echo(make())


def _user_or_fail(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {email}")
    return user


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Deactivate an account; its sessions end at once, everywhere."""
    ops.deactivate(_user_or_fail(email))
    commit()
    click.echo(f"deactivated {email}")


@users_cli.command("reset-mfa")
@click.argument("email")
def reset_mfa(email: str) -> None:
    """Reset a lost authenticator: the officer enrols a new one at the next login."""
    ops.reset_mfa(_user_or_fail(email))
    commit()
    click.echo(f"two-step verification reset for {email}")


# Demo data, loaded only when asked for (make run DEMO=1); bandit B105 is expected here.
DEMO_PASSWORD = "KonTum@Demo2026"  # nosec B105
# The demo officers' authenticator key (add it to an authenticator app, or run
# `python -c "import pyotp; print(pyotp.TOTP('KONTUMDEMOPORTALMOTCUA23').now())"`). Demo only.
DEMO_TOTP_SECRET = "KONTUMDEMOPORTALMOTCUA23"  # nosec B105

DEMO_STAFF = [
    ("motcua@example.com", "Nguyễn Thị Tiếp Nhận", Role.DESK_OFFICER, "VP", "Chuyên viên Văn phòng"),
    ("chuyenvien@example.com", "Trần Văn Chuyên", Role.SPECIALIST, "QLDT", "Chuyên viên"),
    ("truongphong@example.com", "Lê Thị Trưởng", Role.DEPARTMENT_HEAD, "QLDT", "Trưởng phòng Quản lý đầu tư"),
    ("lanhdao@example.com", "Phạm Văn Lãnh", Role.BOARD_LEADER, None, "Phó Trưởng ban"),
    ("admin@example.com", "Quản trị hệ thống", Role.ADMIN, None, ""),
]


@demo_cli.command("load")
def load_demo() -> None:
    """Create one demo account per role (password in the README). Safe to repeat; refused
    in production, where a known password would open the portal."""
    if current_app.config["PRODUCTION"]:
        raise click.ClickException("demo accounts are not created in production")
    created = 0
    for email, name, role, unit, position in DEMO_STAFF:
        if user_by_email(email) is None:
            user = ops.create_staff_user(email=email, password=DEMO_PASSWORD, full_name=name,
                                         role=role, unit_code=unit, position=position)
            user.set_totp_key(DEMO_TOTP_SECRET)
            user.totp_enabled_at = utcnow()
            created += 1
    if user_by_email("nhadautu@example.com") is None:
        investor = User(email="nhadautu@example.com", password_hash=hash_password(DEMO_PASSWORD),
                        full_name="Võ Minh Đầu Tư", phone="0260 3 862 999", role=Role.INVESTOR,
                        email_confirmed_at=utcnow())
        enterprise = Enterprise(name="Công ty TNHH Nông sản Sao Mai Kon Tum", enterprise_code="6101234567",
                                address="Lô C2, KCN Sao Mai, thành phố Kon Tum",
                                legal_representative="Võ Minh Đầu Tư", country="VN", claimed_at=utcnow())
        db.session.add(EnterpriseMember(user=investor, enterprise=enterprise, is_representative=True))
        created += 1
    commit()
    click.echo(f"demo accounts: {created} created; password {DEMO_PASSWORD}; "
               f"officers' authenticator key {DEMO_TOTP_SECRET}")
