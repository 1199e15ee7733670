"""Read helpers for accounts."""
from __future__ import annotations

from typing import Optional

from portal.accounts.models import Enterprise, User, normalise_email
from portal.extensions import db


def user_by_email(email: str) -> Optional[User]:
    return db.session.scalar(db.select(User).where(User.email == normalise_email(email)))


def email_taken(email: str) -> bool:
    return user_by_email(email) is not None


def enterprise_code_taken(code: str) -> bool:
    return (
        db.session.scalar(db.select(Enterprise.id).where(Enterprise.enterprise_code == code.strip()))
        is not None
    )
