"""Read helpers for accounts."""
from __future__ import annotations

from typing import Optional

import sqlalchemy as sa

from portal.accounts.models import Enterprise, User, normalise_email
from portal.extensions import db


def user_by_email(email: str) -> Optional[User]:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return user_by_email(email) is not None


def enterprise_of(user, enterprise_id: int) -> Optional[Enterprise]:
    """The enterprise if `user` is an active member of it (else None: 404)."""
    if enterprise_id not in user.enterprise_ids:
        return None
    return db.session.get(Enterprise, enterprise_id)


def open_invitations(enterprise: Enterprise) -> list:
    from portal.accounts.models import EnterpriseInvitation

    return list(db.session.scalars(db.select(EnterpriseInvitation).where(
        EnterpriseInvitation.enterprise_id == enterprise.id, EnterpriseInvitation.accepted_at.is_(None))
        .order_by(EnterpriseInvitation.created_at)))


def enterprise_matches(text: str) -> sa.ColumnElement[bool]:
    """Part of the enterprise's name with or without diacritics (portal_fold: unaccent on
    PostgreSQL, with a trigram index; the same folding in Python on SQLite), or the start of
    its enterprise code."""
    from portal.text import fold, like_escape

    return sa.or_(
        sa.func.portal_fold(Enterprise.name).like("%" + like_escape(fold(text)) + "%", escape="\\"),
        Enterprise.enterprise_code.like(like_escape(text.strip()) + "%", escape="\\"),
    )
