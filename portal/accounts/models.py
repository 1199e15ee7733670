"""Users, roles, enterprises and membership.

Investors register themselves and belong to one or more enterprises; officers and
administrators are created by an operator (`flask users create`) and belong to a unit.
"""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal.catalogue.models import Unit
from portal.db import UTCDateTime, str_enum, utcnow
from portal.extensions import db


def normalise_email(value: str) -> str:
    """One spelling per mailbox: surrounding spaces dropped, case folded."""
    return (value or "").strip().lower()


class Role(enum.StrEnum):
    INVESTOR = "investor"
    DESK_OFFICER = "desk_officer"
    SPECIALIST = "specialist"
    DEPARTMENT_HEAD = "department_head"
    BOARD_LEADER = "board_leader"
    ADMIN = "admin"

    @property
    def title(self) -> str:
        return str(_ROLE_TITLES[self])

    @property
    def is_officer(self) -> bool:
        return self in OFFICER_ROLES

    @property
    def needs_unit(self) -> bool:
        return self in {Role.DESK_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD}


OFFICER_ROLES = frozenset(
    {Role.DESK_OFFICER, Role.SPECIALIST, Role.DEPARTMENT_HEAD, Role.BOARD_LEADER}
)

_ROLE_TITLES = {
    Role.INVESTOR: _l("Investor"),
    Role.DESK_OFFICER: _l("One-stop desk officer"),
    Role.SPECIALIST: _l("Specialist"),
    Role.DEPARTMENT_HEAD: _l("Department head"),
    Role.BOARD_LEADER: _l("Board leader"),
    Role.ADMIN: _l("Administrator"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    # Chức vụ, printed under an officer's signature (e.g. "Phó Trưởng ban").
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.INVESTOR)
    unit_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("units.id"), index=True)
    language: Mapped[str] = mapped_column(sa.String(5), default="vi")
    is_active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Bumped by logout, password changes and deactivation: every older session ends.
    session_version: Mapped[int] = mapped_column(default=1)
    # Time-based one-time passwords (required for officers and administrators).
    # Encrypted at rest (portal/services/crypto.py): read it through `totp_key`.
    totp_secret: Mapped[Optional[str]] = mapped_column(sa.String(255))
    totp_enabled_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    totp_last_step: Mapped[Optional[int]]  # the last accepted time step: a code works once
    recovery_codes: Mapped[list] = mapped_column(sa.JSON, default=list)  # argon2 hashes

    unit: Mapped[Optional[Unit]] = relationship()
    memberships: Mapped[list["EnterpriseMember"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    @validates("email")
    def _normalise_email(self, key, value):
        return normalise_email(value)

    def get_id(self) -> str:
        """What the session remembers: the id and the session generation."""
        return f"{self.id}:{self.session_version}"

    def end_sessions(self) -> None:
        """Every session of this account, on every device, ends at its next request."""
        self.session_version = (self.session_version or 1) + 1

    @property
    def needs_mfa(self) -> bool:
        return self.role is not Role.INVESTOR

    @property
    def totp_key(self) -> str:
        """The authenticator's shared secret, decrypted."""
        from portal.services.crypto import decrypt

        return decrypt(self.totp_secret or "")

    def set_totp_key(self, secret: Optional[str]) -> None:
        from portal.services.crypto import encrypt

        self.totp_secret = encrypt(secret) if secret else None

    @property
    def has_mfa(self) -> bool:
        return self.totp_enabled_at is not None

    @property
    def is_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_officer(self) -> bool:
        return self.role.is_officer

    @property
    def enterprises(self) -> list["Enterprise"]:
        """The enterprises this user acts for (a request to join still waiting does not count)."""
        return [m.enterprise for m in self.memberships if m.is_active]

    @property
    def enterprise_ids(self) -> set[int]:
        return {m.enterprise_id for m in self.memberships if m.is_active}

    @property
    def pending_memberships(self) -> list["EnterpriseMember"]:
        return [m for m in self.memberships if not m.is_active]

    def represents(self, enterprise: "Enterprise") -> bool:
        return any(m.enterprise_id == enterprise.id and m.is_active and m.is_representative for m in self.memberships)


class MemberStatus(enum.StrEnum):
    ACTIVE = "active"
    PENDING = "pending"  # asked to join; waits for the representative

    @property
    def title(self) -> str:
        return str(_MEMBER_STATUS_TITLES[self])


_MEMBER_STATUS_TITLES = {
    MemberStatus.ACTIVE: _l("Member"),
    MemberStatus.PENDING: _l("Waiting for approval"),
}


class Enterprise(db.Model):
    """An investor enterprise. Its code is claimed only when the person who registered it
    confirms their e-mail address: until then it is only requested (`requested_code`), so
    nobody can hold a real company's code with an unconfirmed registration."""

    __tablename__ = "enterprises"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    # Mã số doanh nghiệp, once claimed; a foreign investor without a Vietnamese enterprise has none yet.
    enterprise_code: Mapped[Optional[str]] = mapped_column(sa.String(20), unique=True)
    requested_code: Mapped[Optional[str]] = mapped_column(sa.String(20))
    claimed_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    address: Mapped[str] = mapped_column(sa.String(255))
    legal_representative: Mapped[str] = mapped_column(sa.String(200))
    country: Mapped[str] = mapped_column(sa.String(2), default="VN")  # ISO 3166-1 alpha-2
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list["EnterpriseMember"]] = relationship(
        back_populates="enterprise", cascade="all, delete-orphan"
    )

    @property
    def is_foreign(self) -> bool:
        return self.country != "VN"

    @property
    def representative(self) -> Optional["User"]:
        return next((m.user for m in self.members if m.is_representative and m.is_active), None)


class EnterpriseMember(db.Model):
    """A user acting for an enterprise; the registering user is its representative."""

    __tablename__ = "enterprise_members"
    __table_args__ = (sa.UniqueConstraint("enterprise_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(
        sa.ForeignKey("enterprises.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    is_representative: Mapped[bool] = mapped_column(default=False)
    status: Mapped[MemberStatus] = mapped_column(str_enum(MemberStatus), default=MemberStatus.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    enterprise: Mapped[Enterprise] = relationship(back_populates="members")
    user: Mapped[User] = relationship(back_populates="memberships")

    @property
    def is_active(self) -> bool:
        return self.status is MemberStatus.ACTIVE


class EnterpriseInvitation(db.Model):
    """The representative invites someone, by e-mail, to act for the enterprise."""

    __tablename__ = "enterprise_invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    invited_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    accepted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    enterprise: Mapped[Enterprise] = relationship()
    invited_by: Mapped[Optional[User]] = relationship()

    @validates("email")
    def _normalise_email(self, key, value):
        return normalise_email(value)


class LoginThrottle(db.Model):
    """Wrong passwords for an address (account or not) from one source, or wrong second-factor
    codes for an account: after a few free attempts each one waits longer (never a lock
    that someone elsewhere could keep the owner under, and the same for unknown addresses,
    so that the answer does not tell which ones have an account)."""

    __tablename__ = "login_throttles"
    __table_args__ = (sa.UniqueConstraint("kind", "subject", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))  # "password" or "mfa"
    subject: Mapped[str] = mapped_column(sa.String(254))  # the e-mail typed, or "user:<id>" for codes
    source: Mapped[str] = mapped_column(sa.String(64), default="")  # the client's address (an IPv6 /64)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    blocked_until: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
