"""Every change to accounts: registration, confirmation, login, reset, profile.

Operations take plain data, flush (never commit) and queue their e-mails to be sent
once the request's unit of work has committed.
"""
from __future__ import annotations

import math
from datetime import timedelta
from typing import Optional

import sqlalchemy as sa
from flask import current_app

from portal.accounts import mfa, notifications
from portal.audit import operations as audit
from portal.accounts.models import Enterprise, EnterpriseMember, LoginThrottle, Role, User, normalise_email
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
) -> Optional[User]:
    """Create an investor, the enterprise they represent, and mail a confirmation link.

    An address that already has an account gets no new one, and the page says nothing
    different (no way to learn who is registered): the address's owner is told by mail
    that someone tried, and the same hashing work is spent. Returns None then.
    """
    existing = user_by_email(email)
    if existing is not None:
        hash_password(password)
        audit.record("register.existing_email", target=existing.email)
        notifications.registration_attempt(existing)
        return None
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


class Throttled(AccountError):
    """Too many wrong attempts: the next one is accepted after `wait` seconds."""

    def __init__(self, wait: int):
        super().__init__("throttled")
        self.wait = wait


def _throttle(user: User, kind: str, source: str) -> LoginThrottle:
    row = db.session.scalar(db.select(LoginThrottle).where(
        LoginThrottle.user_id == user.id, LoginThrottle.kind == kind, LoginThrottle.source == source))
    if row is None:
        row = LoginThrottle(user_id=user.id, kind=kind, source=source, failures=0)
        db.session.add(row)
    return row


def _check_throttle(user: User, kind: str, source: str) -> None:
    row = db.session.scalar(db.select(LoginThrottle).where(
        LoginThrottle.user_id == user.id, LoginThrottle.kind == kind, LoginThrottle.source == source))
    now = utcnow()
    if row is not None and row.blocked_until is not None and row.blocked_until > now:
        raise Throttled(math.ceil((row.blocked_until - now).total_seconds()))


def _count_failure(user: User, kind: str, source: str) -> LoginThrottle:
    """One more wrong attempt: from the LOGIN_FREE_ATTEMPTS-th on, the next try waits, each
    time twice as long (from LOGIN_FIRST_DELAY_SECONDS up to LOGIN_MAX_DELAY_MINUTES)."""
    config = current_app.config
    row = _throttle(user, kind, source)
    row.failures = (row.failures or 0) + 1
    now = row.last_failure_at = utcnow()
    extra = row.failures - config["LOGIN_FREE_ATTEMPTS"]
    if extra >= 0:
        delay = min(config["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** min(extra, 20), config["LOGIN_MAX_DELAY_MINUTES"] * 60)
        row.blocked_until = now + timedelta(seconds=delay)
    db.session.flush()
    return row


def _clear_failures(user: User, kind: str, source: str) -> None:
    db.session.execute(sa.delete(LoginThrottle).where(
        LoginThrottle.user_id == user.id, LoginThrottle.kind == kind, LoginThrottle.source == source))


def authenticate(email: str, password: str, source: str = "") -> Optional[User]:
    """The active user with these credentials, or None; rehashes outdated hashes.

    Wrong passwords are counted per account and source address: after a few, each further
    attempt from that address waits longer (raises Throttled). The owner, logging in from
    elsewhere, is not locked out by someone guessing; the owner is told by e-mail when the
    waiting starts, with the way to reset the password.
    """
    user = user_by_email(email)
    if user is None:
        dummy_verify(password)
        audit.record("login.failure", target=email, detail="unknown email")
        return None
    try:
        _check_throttle(user, "password", source)
    except Throttled:
        dummy_verify(password)
        audit.record("login.throttled", actor_id=user.id, target=user.email)
        raise
    if not verify_password(user.password_hash, password) or not user.is_active:
        row = _count_failure(user, "password", source)
        audit.record("login.failure", actor_id=user.id, target=user.email,
                     detail="inactive" if not user.is_active else f"wrong password ({row.failures})")
        if row.failures == current_app.config["LOGIN_FREE_ATTEMPTS"] and user.is_active:
            notifications.login_throttled(user, source)
        return None
    _clear_failures(user, "password", source)
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
    user.set_totp_key(secret)
    user.totp_enabled_at, user.totp_last_step = utcnow(), step
    user.recovery_codes = digests
    audit.record("mfa.enabled", actor=user, target=user.email)
    db.session.flush()
    return codes


def check_second_factor(user: User, code: str) -> bool:
    """A fresh TOTP code, or one of the recovery codes (which is then spent). Wrong codes
    are counted per account: after a few, each further attempt waits longer (Throttled)."""
    _check_throttle(user, "mfa", "")
    step = mfa.accepted_step(user.totp_key, code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        _clear_failures(user, "mfa", "")
        db.session.flush()
        return True
    remaining = mfa.use_recovery_code(user.recovery_codes or [], code)
    if remaining is not None:
        user.recovery_codes = remaining
        _clear_failures(user, "mfa", "")
        audit.record("mfa.recovery_code_used", actor=user, target=user.email,
                     detail=f"{len(remaining)} codes left")
        db.session.flush()
        return True
    _count_failure(user, "mfa", "")
    audit.record("mfa.failure", actor=user, target=user.email)
    db.session.flush()
    return False


def reset_mfa(user: User, admin=None) -> None:
    """An administrator resets a lost authenticator; the officer enrols again at next login."""
    user.set_totp_key(None)
    user.totp_enabled_at = user.totp_last_step = None
    user.recovery_codes = []
    user.end_sessions()
    audit.record("admin.mfa_reset", actor=admin, target=user.email)
    db.session.flush()


def rotate_secrets() -> int:
    """Re-encrypt every stored TOTP secret with the first of ENCRYPTION_KEYS (secrets stored
    before encryption are encrypted now); returns how many were rewritten."""
    from portal.services.crypto import rotate

    count = 0
    for user in db.session.scalars(db.select(User).where(User.totp_secret.is_not(None))):
        user.totp_secret = rotate(user.totp_secret)
        count += 1
    audit.record("admin.keys_rotated", target="totp secrets", detail=f"{count} rewritten")
    db.session.flush()
    return count


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
    db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.user_id == user.id))
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
