"""Every change to accounts: registration, confirmation, login, reset, profile.

Operations take plain data, flush (never commit) and queue their e-mails to be sent
once the request's unit of work has committed.
"""
from __future__ import annotations

import math
import secrets
from datetime import timedelta
from typing import Optional

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from portal.accounts import mfa, notifications
from portal.audit import operations as audit
from portal.accounts.models import (
    Enterprise, EnterpriseInvitation, EnterpriseMember, LoginThrottle, MemberStatus, Role, User, normalise_email,
)
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
from portal.services import jobs


class AccountError(Exception):
    """A refused account action; `str(exc)` is a message for the user, `field` the form
    field it concerns (when there is one)."""

    def __init__(self, message: str = "", field: str = ""):
        super().__init__(message)
        self.field = field


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
    next_page: Optional[str] = None,
) -> Optional[User]:
    """Create an investor, the enterprise they represent, and mail a confirmation link
    (which leads on to `next_page`, the page they were on their way to).

    An address that already has an account gets no new one, and the page says nothing
    different (no way to learn who is registered): the address's owner is told by mail
    that someone tried, and the same hashing work is spent. Returns None then.
    """
    existing = user_by_email(email)
    if existing is not None:
        hash_password(password)
        if not _told_today("register.existing_email", existing.email):  # one mail a day, not a flood
            notifications.registration_attempt(existing)
        audit.record("register.existing_email", target=existing.email)
        return None
    user = User(
        email=email,
        password_hash=hash_password(password),
        full_name=full_name.strip(),
        phone=phone.strip(),
        role=Role.INVESTOR,
        language=language,
    )
    enterprise = Enterprise(  # its code is only requested until the address is confirmed
        name=enterprise_name.strip(),
        requested_code=(enterprise_code or "").strip() or None,
        address=address.strip(),
        legal_representative=legal_representative.strip(),
        country=country,
    )
    db.session.add_all([user, enterprise])
    db.session.add(EnterpriseMember(user=user, enterprise=enterprise, is_representative=True))
    db.session.flush()
    send_confirmation(user, next_page)
    return user


def _told_today(action: str, target: str) -> bool:
    from portal.audit.models import AuditEvent

    since = utcnow() - timedelta(days=1)
    return db.session.scalar(db.select(AuditEvent.id).where(
        AuditEvent.action == action, AuditEvent.target == target, AuditEvent.created_at >= since).limit(1)) is not None


def send_confirmation(user: User, next_page: Optional[str] = None) -> None:
    """Mail the confirmation link; it leads on to `next_page` (a path on this site) once
    the address is confirmed and the investor has logged in."""
    token = make_token("confirm", {"u": user.id, "e": user.email})
    notifications.confirmation(user, token, next_page)


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
    _mark_confirmed(user)
    db.session.flush()
    return user


def _mark_confirmed(user: User) -> None:
    """The address is proven (by the confirmation link, or by a reset link received there):
    the first time, the enterprise the user registered claims its code."""
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        _claim_enterprises(user)


# --- enterprises: claims, requests to join, invitations ---------------------------------

def _claim_enterprises(user: User) -> None:
    """On confirmation, the enterprise the user registered claims its code; if a confirmed
    enterprise already holds that code, the registration becomes a request to join it
    (a membership at once when its representative invited this address)."""
    from sqlalchemy.exc import IntegrityError

    for member in list(user.memberships):
        enterprise = member.enterprise
        if enterprise.claimed_at is not None:
            continue
        code = enterprise.requested_code
        holder = _enterprise_by_code(code) if code else None
        if holder is None:
            try:
                with db.session.begin_nested():  # two confirmations of one code at once: one wins
                    enterprise.enterprise_code, enterprise.claimed_at = code, utcnow()
                    db.session.flush()
            except IntegrityError:
                holder = _enterprise_by_code(code)
        if holder is not None:
            user.memberships.remove(member)
            db.session.delete(enterprise)
            db.session.flush()
            _join(user, holder)
        else:
            audit.record("enterprise.claimed", actor=user, target=code or enterprise.name)


def _enterprise_by_code(code: str) -> Optional[Enterprise]:
    return db.session.scalar(db.select(Enterprise).where(Enterprise.enterprise_code == code))


def _open_invitation(enterprise: Enterprise, email: str) -> Optional[EnterpriseInvitation]:
    return db.session.scalar(db.select(EnterpriseInvitation).where(
        EnterpriseInvitation.enterprise_id == enterprise.id, EnterpriseInvitation.email == normalise_email(email),
        EnterpriseInvitation.accepted_at.is_(None)))


def _join(user: User, enterprise: Enterprise) -> EnterpriseMember:
    invitation = _open_invitation(enterprise, user.email)
    status = MemberStatus.ACTIVE if invitation else MemberStatus.PENDING
    member = EnterpriseMember(user=user, enterprise=enterprise, status=status)
    db.session.add(member)
    if invitation is not None:
        invitation.accepted_at = utcnow()
    db.session.flush()
    audit.record("enterprise.joined" if invitation else "enterprise.join_requested", actor=user,
                 target=enterprise.enterprise_code or enterprise.name)
    representative = enterprise.representative
    if invitation is None and representative is not None:
        notifications.join_request(representative, user, enterprise)
    return member


def add_enterprise(user: User, *, name: str, enterprise_code: Optional[str], address: str,
                   legal_representative: str, country: str) -> Enterprise:
    """A confirmed investor registers another enterprise: it claims its code at once, or,
    when the code is held already, the user asks to join the holder (its representative
    decides). This is also how the real company claims a code an operator released."""
    if user.role is not Role.INVESTOR or not user.is_confirmed:
        raise AccountError(_("Only a confirmed investor account can register an enterprise."))
    code = (enterprise_code or "").strip() or None
    if code and any(m.enterprise.enterprise_code == code for m in user.memberships):
        raise AccountError(_("You already act for this enterprise, or have asked to."))
    enterprise = Enterprise(name=name.strip(), requested_code=code, address=address.strip(),
                            legal_representative=legal_representative.strip(), country=country)
    db.session.add(EnterpriseMember(user=user, enterprise=enterprise, is_representative=True))
    db.session.flush()
    _claim_enterprises(user)
    db.session.flush()
    return enterprise


def _require_representative(enterprise: Enterprise, user: User) -> None:
    if not user.represents(enterprise):
        raise AccountError(_("Only the enterprise's representative can do this."))


def invite_member(enterprise: Enterprise, representative: User, email: str) -> EnterpriseInvitation:
    """The representative invites an address to act for the enterprise: a link by mail, to
    accept with an existing account or to register with (and join at confirmation)."""
    _require_representative(enterprise, representative)
    email = normalise_email(email)
    if any(m.user.email == email and m.is_active for m in enterprise.members):
        raise AccountError(_("%(email)s is already a member of the enterprise.", email=email))
    invitation = _open_invitation(enterprise, email) or EnterpriseInvitation(
        enterprise=enterprise, email=email, invited_by=representative)
    db.session.add(invitation)
    db.session.flush()
    token = make_token("invite", {"i": invitation.id, "e": invitation.email})
    notifications.invitation(invitation, token, has_account=user_by_email(email) is not None)
    audit.record("enterprise.invited", actor=representative, target=email,
                 detail=enterprise.enterprise_code or enterprise.name)
    return invitation


def invitation_for(token: str) -> EnterpriseInvitation:
    data = _read_link("invite", token, "INVITATION_MAX_AGE")
    invitation = db.session.get(EnterpriseInvitation, data.get("i"))
    if invitation is None or invitation.email != data.get("e") or invitation.accepted_at is not None:
        raise AccountError("used")
    return invitation


def accept_invitation(token: str, user: User) -> Enterprise:
    """The invited person, logged in with the invited address, joins the enterprise."""
    invitation = invitation_for(token)
    if user.email != invitation.email:
        raise AccountError(_("This invitation is for another email address: log in with that one."))
    enterprise = invitation.enterprise
    member = next((m for m in user.memberships if m.enterprise_id == enterprise.id), None)
    if member is None:
        db.session.add(EnterpriseMember(user=user, enterprise=enterprise, status=MemberStatus.ACTIVE))
    else:
        member.status = MemberStatus.ACTIVE
    invitation.accepted_at = utcnow()
    audit.record("enterprise.joined", actor=user, target=enterprise.enterprise_code or enterprise.name)
    db.session.flush()
    return enterprise


def _member_of(enterprise: Enterprise, member_id: int) -> EnterpriseMember:
    member = next((m for m in enterprise.members if m.id == member_id), None)
    if member is None:
        raise AccountError(_("This person is not a member of the enterprise."))
    return member


def approve_member(enterprise: Enterprise, representative: User, member_id: int) -> EnterpriseMember:
    """The representative accepts a request to join."""
    _require_representative(enterprise, representative)
    member = _member_of(enterprise, member_id)
    member.status = MemberStatus.ACTIVE
    audit.record("enterprise.member_approved", actor=representative, target=member.user.email,
                 detail=enterprise.enterprise_code or enterprise.name)
    db.session.flush()
    notifications.membership_approved(member.user, enterprise)
    return member


def remove_member(enterprise: Enterprise, representative: User, member_id: int) -> None:
    """The representative removes a member, or turns down a request to join; the
    representative cannot be removed this way (an operator transfers the enterprise)."""
    _require_representative(enterprise, representative)
    member = _member_of(enterprise, member_id)
    if member.is_representative:
        raise AccountError(_("The representative cannot be removed; ask the Board to transfer the enterprise."))
    audit.record("enterprise.member_removed", actor=representative, target=member.user.email,
                 detail=enterprise.enterprise_code or enterprise.name)
    enterprise.members.remove(member)
    db.session.flush()


def revoke_invitation(enterprise: Enterprise, representative: User, invitation_id: int) -> None:
    _require_representative(enterprise, representative)
    invitation = db.session.get(EnterpriseInvitation, invitation_id)
    if invitation is None or invitation.enterprise_id != enterprise.id or invitation.accepted_at is not None:
        raise AccountError(_("This invitation is no longer open."))
    db.session.delete(invitation)
    db.session.flush()


@jobs.task
def expire_registrations() -> int:
    """The daily clean-up: registrations older than REGISTRATION_EXPIRY_DAYS expire."""
    from portal.services.unit_of_work import commit

    count = purge_unconfirmed(current_app.config["REGISTRATION_EXPIRY_DAYS"])
    commit()
    return count


def purge_unconfirmed(days: int) -> int:
    """Registrations never confirmed within `days` expire: the accounts and the enterprises
    they only requested go (their codes were never claimed). Returns how many accounts."""
    from sqlalchemy.exc import IntegrityError

    limit = utcnow() - timedelta(days=days)
    # Never logged in: an account whose new address awaits confirmation after a change of
    # e-mail has logged in before, and is not a registration.
    expired = list(db.session.scalars(db.select(User).where(
        User.role == Role.INVESTOR, User.email_confirmed_at.is_(None), User.last_login_at.is_(None),
        User.created_at < limit)))
    removed = 0
    for user in expired:
        try:
            with db.session.begin_nested():  # one that something still refers to is kept, not the rest
                for member in list(user.memberships):
                    if member.enterprise.claimed_at is None and len(member.enterprise.members) == 1:
                        db.session.delete(member.enterprise)
                db.session.delete(user)
                db.session.flush()
            removed += 1
        except IntegrityError:
            current_app.logger.warning("unconfirmed registration %s kept: still referred to", user.id)
    if removed:
        audit.record("admin.unconfirmed_purged", target=f"{removed} accounts", detail=f"older than {days} days")
    db.session.flush()
    return removed


def release_enterprise(code: str, operator: str = "", actor: Optional[User] = None) -> Enterprise:
    """An operator frees an enterprise code held by the wrong people (squatting): the
    enterprise keeps its members and dossiers but no longer holds the code."""
    enterprise = _enterprise_by_code(code)
    if enterprise is None:
        raise AccountError(f"No enterprise holds the code {code}.")
    enterprise.enterprise_code, enterprise.requested_code = None, code
    # Requests to join it came with the code: they are not the squatter's to approve.
    for member in [m for m in enterprise.members if not m.is_active]:
        enterprise.members.remove(member)
    audit.record("admin.enterprise_released", actor=actor, target=code, detail=f"{enterprise.name} ({operator})")
    db.session.flush()
    return enterprise


def transfer_enterprise(code: str, email: str, operator: str = "", remove_others: bool = False,
                        actor: Optional[User] = None) -> Enterprise:
    """An operator makes another (confirmed) account the enterprise's representative; with
    `remove_others` everyone else stops acting for it (a squatter, for instance)."""
    enterprise = _enterprise_by_code(code)
    user = user_by_email(email)
    if enterprise is None:
        raise AccountError(f"No enterprise holds the code {code}.")
    if user is None or user.role is not Role.INVESTOR or not user.is_confirmed:
        raise AccountError(_("No confirmed investor account has the address %(email)s.", email=email), "email")
    for member in enterprise.members:
        member.is_representative = False
    member = next((m for m in enterprise.members if m.user_id == user.id), None)
    if member is None:
        member = EnterpriseMember(user=user, enterprise=enterprise)
        db.session.add(member)
    member.status, member.is_representative = MemberStatus.ACTIVE, True
    if remove_others:
        for other in [m for m in enterprise.members if m is not member]:
            enterprise.members.remove(other)
    audit.record("admin.enterprise_transferred", actor=actor, target=code,
                 detail=f"to {user.email}{', others removed' if remove_others else ''} ({operator})")
    db.session.flush()
    return enterprise


class Throttled(AccountError):
    """Too many wrong attempts: the next one is accepted after `wait` seconds."""

    def __init__(self, wait: int):
        super().__init__("throttled")
        self.wait = wait


def client_source(address: str) -> str:
    """Where attempts come from: the client's address, an IPv6 client's /64 (one home or
    office network, which can take any address in it)."""
    import ipaddress

    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return (address or "")[:64]
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _check_throttle(kind: str, subject: str, source: str) -> None:
    blocked = db.session.scalar(db.select(LoginThrottle.blocked_until).where(
        LoginThrottle.kind == kind, LoginThrottle.subject == subject, LoginThrottle.source == source))
    now = utcnow()
    if blocked is not None and blocked > now:
        raise Throttled(math.ceil((blocked - now).total_seconds()))


def _count_failure(kind: str, subject: str, source: str) -> int:
    """One more wrong attempt, counted in one statement (two at once both count, neither
    fails): from the LOGIN_FREE_ATTEMPTS-th on, the next try waits, each time twice as long
    (from LOGIN_FIRST_DELAY_SECONDS up to LOGIN_MAX_DELAY_MINUTES). Returns the count."""
    from sqlalchemy.dialects import postgresql, sqlite

    config = current_app.config
    now = utcnow()
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    failures = db.session.execute(
        insert(LoginThrottle).values(kind=kind, subject=subject, source=source, failures=1, last_failure_at=now)
        .on_conflict_do_update(index_elements=["kind", "subject", "source"],
                               set_={"failures": LoginThrottle.failures + 1, "last_failure_at": now})
        .returning(LoginThrottle.failures)
    ).scalar_one()
    extra = failures - config["LOGIN_FREE_ATTEMPTS"]
    if extra >= 0:
        delay = min(config["LOGIN_FIRST_DELAY_SECONDS"] * 2 ** min(extra, 20), config["LOGIN_MAX_DELAY_MINUTES"] * 60)
        db.session.execute(sa.update(LoginThrottle).where(
            LoginThrottle.kind == kind, LoginThrottle.subject == subject, LoginThrottle.source == source)
            .values(blocked_until=now + timedelta(seconds=delay)).execution_options(synchronize_session=False))
    return failures


def _clear_failures(kind: str, subject: str, source: Optional[str] = None) -> None:
    condition = [LoginThrottle.kind == kind, LoginThrottle.subject == subject]
    if source is not None:
        condition.append(LoginThrottle.source == source)
    db.session.execute(sa.delete(LoginThrottle).where(*condition).execution_options(synchronize_session=False))


def authenticate(email: str, password: str, source: str = "") -> Optional[User]:
    """The active user with these credentials, or None; rehashes outdated hashes.

    Wrong passwords are counted per address typed and client source, for addresses with an
    account and without alike (the answers cannot tell them apart): after a few, each
    further attempt from that source waits longer (raises Throttled). The owner, logging in
    from elsewhere, is not locked out by someone guessing, and is told by e-mail when the
    waiting starts, with the way to reset the password.
    """
    subject, source = normalise_email(email)[:254], client_source(source)
    try:
        _check_throttle("password", subject, source)
    except Throttled:
        dummy_verify(password)
        audit.record("login.throttled", target=subject)
        raise
    user = user_by_email(email)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        if user is None:
            dummy_verify(password)
        failures = _count_failure("password", subject, source)
        detail = "unknown email" if user is None else "inactive" if not user.is_active else "wrong password"
        audit.record("login.failure", actor_id=user.id if user else None, target=subject, detail=f"{detail} ({failures})")
        if user is not None and user.is_active and failures == current_app.config["LOGIN_FREE_ATTEMPTS"]:
            notifications.login_throttled(user, source)
        return None
    _clear_failures("password", subject, source)
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
    subject = f"user:{user.id}"
    _check_throttle("mfa", subject, "")
    step = mfa.accepted_step(_totp_key(user), code, user.totp_last_step)
    if step is not None:
        user.totp_last_step = step
        _clear_failures("mfa", subject)
        db.session.flush()
        return True
    remaining = mfa.use_recovery_code(user.recovery_codes or [], code)
    if remaining is not None:
        user.recovery_codes = remaining
        _clear_failures("mfa", subject)
        audit.record("mfa.recovery_code_used", actor=user, target=user.email,
                     detail=f"{len(remaining)} codes left")
        db.session.flush()
        return True
    _count_failure("mfa", subject, "")
    audit.record("mfa.failure", actor=user, target=user.email)
    db.session.flush()
    return False


def new_recovery_codes(user: User, current_password: str) -> list[str]:
    """New recovery codes replace the old ones (shown once); needs the current password."""
    if not user.has_mfa:
        raise AccountError(_("Set up the authenticator first."))
    if not verify_password(user.password_hash, current_password):
        raise AccountError(_("The current password is incorrect."))
    codes, digests = mfa.new_recovery_codes()
    user.recovery_codes = digests
    audit.record("mfa.recovery_codes_renewed", actor=user, target=user.email)
    db.session.flush()
    return codes


def _totp_key(user: User) -> str:
    """The user's TOTP secret; one that the configured keys cannot read (a key removed too
    early, a wrong ENCRYPTION_KEYS) is refused with a message, and logged, not a 500."""
    from cryptography.fernet import InvalidToken

    try:
        return user.totp_key
    except (InvalidToken, ValueError):
        current_app.logger.error("TOTP secret of user %s cannot be decrypted: check ENCRYPTION_KEYS", user.id)
        raise AccountError(_("Your authenticator cannot be checked just now. Please tell the portal's "
                             "administrator.")) from None


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
    _mark_confirmed(user)
    _clear_failures("password", user.email)
    _clear_failures("mfa", f"user:{user.id}")
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


# --- officers, managed by an administrator in the browser -------------------------------

def _unit_for_role(role: Role, unit: Optional[Unit]) -> Optional[Unit]:
    if role is Role.INVESTOR:
        raise AccountError(_("Investors register themselves on the portal."), "role")
    if role.needs_unit and unit is None:
        raise AccountError(_("This role works in a unit: choose one."), "unit")
    return unit if role.needs_unit else None


def invite_officer(admin: User, *, email: str, full_name: str, role: Role, unit: Optional[Unit],
                   position: str = "", phone: str = "") -> User:
    """Create an officer or administrator who chooses a password from a single-use link
    sent to them (valid INVITATION_MAX_AGE) and enrols an authenticator at first login;
    the administrator types no password."""
    if user_by_email(email) is not None:
        raise AccountError(_("An account with this e-mail address already exists."), "email")
    user = User(email=email, password_hash=hash_password(secrets.token_urlsafe(32)), full_name=full_name.strip(),
                position=(position or "").strip(), phone=(phone or "").strip(), role=role,
                unit=_unit_for_role(role, unit), language=admin.language)
    db.session.add(user)
    db.session.flush()
    audit.record("admin.officer_invited", actor=admin, target=user.email,
                 detail=f"role {role.value}" + (f", unit {user.unit.code}" if user.unit else ""))
    send_welcome(user, admin)
    return user


def send_welcome(user: User, admin: Optional[User] = None) -> None:
    """(Again) the link to choose a first password; refused once one has been chosen."""
    if user.email_confirmed_at is not None:
        raise AccountError(_("This officer has already set a password: use a password reset instead."))
    token = make_token("welcome", {"u": user.id, "p": password_fingerprint(user.password_hash)})
    if admin is not None:
        audit.record("admin.invitation_sent", actor=admin, target=user.email)
    notifications.welcome(user, token)


def user_for_welcome_token(token: str) -> User:
    data = _read_link("welcome", token, "INVITATION_MAX_AGE")
    user = db.session.get(User, data.get("u"))
    if user is None or not user.is_active or data.get("p") != password_fingerprint(user.password_hash):
        raise AccountError("used")
    return user


def accept_welcome(token: str, new_password: str) -> User:
    """The invited officer's first password: the link then stops working, the address is
    confirmed; the second factor is enrolled at the first login."""
    user = user_for_welcome_token(token)
    user.password_hash = hash_password(new_password)
    _mark_confirmed(user)
    user.end_sessions()
    audit.record("account.welcome_accepted", actor=user, target=user.email)
    db.session.flush()
    return user


def _active_admins_besides(user: User) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)) or 0


def change_officer(admin: User, user: User, *, role: Role, unit: Optional[Unit], position: str, phone: str,
                   full_name: str) -> None:
    """Role, unit, title for slips, phone. The last active administrator stays one."""
    if user.role is Role.INVESTOR:
        raise AccountError(_("Investors manage their own accounts."), "role")
    if user.role is Role.ADMIN and role is not Role.ADMIN and user.is_active and not _active_admins_besides(user):
        raise AccountError(_("This is the last active administrator: make another one first."), "role")
    unit = _unit_for_role(role, unit)
    before = f"{user.role.value}/{user.unit.code if user.unit else '-'}"
    changed_access = role is not user.role or unit is not user.unit
    user.role, user.unit = role, unit
    user.position, user.phone, user.full_name = position.strip(), phone.strip(), full_name.strip()
    if changed_access:
        user.end_sessions()   # the new role's pages from the next login
    audit.record("admin.officer_changed", actor=admin, target=user.email,
                 detail=f"{before} -> {role.value}/{unit.code if unit else '-'}")
    db.session.flush()


def set_active(admin: User, user: User, active: bool) -> None:
    """Deactivate (sessions end at once) or reactivate an account; the last active
    administrator cannot be deactivated."""
    if not active and user.role is Role.ADMIN and not _active_admins_besides(user):
        raise AccountError(_("This is the last active administrator: make another one first."))
    if active:
        user.is_active = True
        audit.record("admin.reactivate", actor=admin, target=user.email)
        db.session.flush()
    else:
        deactivate(user, admin)
