"""Every change to accounts: registration, confirmation, login, reset, profile.

Operations take plain data, flush (never commit) and queue their e-mails to be sent
once the request's unit of work has committed.
"""
from __future__ import annotations

from typing import Optional

from flask import current_app

from datetime import timedelta

from portal.accounts import mfa, notifications
from portal.audit import operations as audit
from portal.accounts.models import Enterprise, EnterpriseMember, Role, User, normalise_email
from portal.accounts.queries import user_by_email
from portal.accounts.security import (
    TokenError,
    dummy_verify,
    hash_password,
    make_token,
    needs_rehash,
    password_fingerprint,
    read_token,
    verify_password,
)
from portal.catalogue.models import Unit
from portal.db import utcnow
from portal.extensions import db


class AccountError(Exception):
    """A refused account action; `str(exc)` is a message for the user."""


def register_investor(
    *,
    email: str,
    password: str,
    full_name: str,
    phone: str,
    language: str,
    enterprise_name: str,
    enterprise_code: Optional[str],
    address: str,
    legal_representative: str,
    country: str,
) -> User:
    """Create an investor, the enterprise they represent, and mail a confirmation link."""
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        phone=phone.strip(),
        role=Role.INVESTOR,
        language=language,
    )
    enterprise = Enterprise(
        name=enterprise_name.strip(),
        enterprise_code=(enterprise_code or "").strip() or None,
        address=address.strip(),
        legal_representative=legal_representative.strip(),
        country=country,
    )
    db.session.add_all([user, enterprise])
    db.session.add(EnterpriseMember(user=user, enterprise=enterprise, is_representative=True))
    db.session.flush()
    send_confirmation(user)
    return user


def send_confirmation(user: User) -> None:
    token = make_token("confirm", {"u": user.id, "e": user.email})
    notifications.confirmation(user, token)


def resend_confirmation(email: str) -> None:
    """Mail a new link if the account exists and is unconfirmed; say nothing otherwise."""
    user = user_by_email(email)
    if user is not None and user.is_active and not user.is_confirmed:
        send_confirmation(user)


def _read_link(purpose: str, token: str, max_age_setting: str) -> dict:
    try:
        return read_token(purpose, token, current_app.config[max_age_setting])
    except TokenError as exc:
        raise AccountError("expired" if exc.expired else "invalid") from exc


def confirm_email(token: str) -> User:
    """Mark the address in the link as confirmed (confirming twice is harmless)."""
    data = _read_link("confirm", token, "EMAIL_CONFIRM_MAX_AGE")
    user = db.session.get(User, data.get("u"))
    if user is None or user.email != data.get("e") or not user.is_active:
        raise AccountError("invalid")
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> Optional[User]:
    """The active user with these credentials, or None; rehashes outdated hashes.

    After LOCKOUT_THRESHOLD wrong passwords in a row the account refuses logins for
    LOCKOUT_MINUTES, then accepts them again: slow enough to stop guessing, too short
    to lock a victim out for long.
    """
    user = user_by_email(email)
    if user is None:
        dummy_verify(password)
        audit.record("login.failure", target=email, detail="unknown email")
        return None
    now = utcnow()
    if user.locked_until is not None and user.locked_until > now:
        dummy_verify(password)
        audit.record("login.failure", actor_id=user.id, target=user.email, detail="account paused")
        return None
    if not verify_password(user.password_hash, password) or not user.is_active:
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= current_app.config["LOCKOUT_THRESHOLD"]:
            user.locked_until = now + timedelta(minutes=current_app.config["LOCKOUT_MINUTES"])
            user.failed_logins = 0
        audit.record("login.failure", actor_id=user.id, target=user.email,
                     detail="inactive" if not user.is_active else "wrong password")
        db.session.flush()
        return None
    user.failed_logins, user.locked_until = 0, None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_login(user: User) -> None:
    user.last_login_at = utcnow()
    audit.record("login.success", actor=user, target=user.email)
    db.session.flush()


def logout(user: User) -> None:
    """Logging out ends this account's sessions everywhere."""
    user.end_sessions()
    audit.record("logout", actor=user, target=user.email)
    db.session.flush()


def start_mfa(user: User, secret: str, code: str) -> Optional[list[str]]:
    """Enrol an authenticator: returns the recovery codes (shown once), or None if the code is wrong."""
    step = mfa.accepted_step(secret, code, None)
    if step is None:
        return None
    codes, digests = mfa.new_recovery_codes()
    user.totp_secret, user.totp_enabled_at, user.totp_last_step = secret, utcnow(), step
    user.recovery_codes = digests
    audit.record("mfa.enabled", actor=user, target=user.email)
    db.session.flush()
    return codes


def check_second_factor(user: User, code: str) -> bool:
    """A fresh TOTP code, or one of the recovery codes (which is then spent)."""
    step = mfa.accepted_step(user.totp_secret or "", code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        db.session.flush()
        return True
    remaining = mfa.use_recovery_code(user.recovery_codes or [], code)
    if remaining is not None:
        user.recovery_codes = remaining
        audit.record("mfa.recovery_code_used", actor=user, target=user.email,
                     detail=f"{len(remaining)} codes left")
        db.session.flush()
        return True
    audit.record("mfa.failure", actor=user, target=user.email)
    db.session.flush()
    return False


def reset_mfa(user: User, admin=None) -> None:
    """An administrator resets a lost authenticator; the officer enrols again at next login."""
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.recovery_codes = []
    user.end_sessions()
    audit.record("admin.mfa_reset", actor=admin, target=user.email)
    db.session.flush()


def deactivate(user: User, admin=None) -> None:
    """An administrator deactivates an account: its sessions end at once."""
    user.is_active = False
    user.end_sessions()
    audit.record("admin.deactivate", actor=admin, target=user.email)
    db.session.flush()


def change_email(user: User, current_password: str, new_email: str) -> None:
    """A new address, confirmed again by a link sent to it; needs the current password."""
    if not verify_password(user.password_hash, current_password):
        raise AccountError("wrong_password")
    old = user.email
    user.email = new_email
    user.email_confirmed_at = None
    user.end_sessions()
    audit.record("account.email_changed", actor=user, target=old, detail=f"to {user.email}")
    db.session.flush()
    send_confirmation(user)


def request_password_reset(email: str) -> None:
    """Mail a reset link if the account exists; the answer to the user is the same either way."""
    user = user_by_email(email)
    if user is None or not user.is_active:
        return
    token = make_token("reset", {"u": user.id, "p": password_fingerprint(user.password_hash)})
    notifications.password_reset(user, token)


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to; refuses expired, forged and already used links."""
    data = _read_link("reset", token, "PASSWORD_RESET_MAX_AGE")
    user = db.session.get(User, data.get("u"))
    if (
        user is None
        or not user.is_active
        or data.get("p") != password_fingerprint(user.password_hash)
    ):
        # A used link no longer matches the new password: it is spent.
        raise AccountError("used")
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password from a reset link; the link then stops working."""
    user = user_for_reset_token(token)
    user.password_hash = hash_password(new_password)
    # Receiving the link proves the address, too.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    user.failed_logins, user.locked_until = 0, None
    user.end_sessions()
    audit.record("password.reset", actor=user, target=user.email)
    db.session.flush()
    notifications.password_changed(user)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("wrong_password")
    user.password_hash = hash_password(new_password)
    user.end_sessions()
    audit.record("password.changed", actor=user, target=user.email)
    db.session.flush()
    notifications.password_changed(user)


def update_profile(user: User, *, full_name: str, phone: str, language: str) -> None:
    user.full_name = full_name.strip()
    user.phone = phone.strip()
    user.language = language
    db.session.flush()


def create_staff_user(
    *, email: str, password: str, full_name: str, role: Role, unit_code: Optional[str], position: str = ""
) -> User:
    """Create an officer or administrator (no self-registration for them). The position
    (chức vụ) is printed under the officer's signature on the slips they sign."""
    if role is Role.INVESTOR:
        raise AccountError("Investors register themselves on the portal.")
    if user_by_email(email) is not None:
        raise AccountError(f"A user with the email {normalise_email(email)} already exists.")
    unit = None
    if unit_code:
        unit = db.session.scalar(db.select(Unit).where(Unit.code == unit_code))
        if unit is None:
            raise AccountError(f"No unit with the code {unit_code}.")
    if role.needs_unit and unit is None:
        raise AccountError(f"The role {role.value} needs a unit (--unit).")
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        position=(position or "").strip(),
        role=role,
        unit=unit,
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    audit.record("admin.user_created", target=user.email, detail=f"role {role.value}")
    return user
