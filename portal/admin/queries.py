"""What the administration lists: people and enterprises, searched and paged with their totals."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal import paging
from portal.accounts.models import Enterprise, EnterpriseMember, Role, User
from portal.accounts.queries import enterprise_matches
from portal.text import like_escape


def people(text: str, role: str, active: str, at: paging.Position = paging.FIRST) -> paging.Page:
    """Officers and investors by part of their e-mail or name, role and status; by name."""
    query = sa.select(User)
    if text:
        pattern = f"%{like_escape(text.lower())}%"
        query = query.where(sa.or_(sa.func.lower(User.email).like(pattern, escape="\\"),
                                   sa.func.lower(User.full_name).like(pattern, escape="\\")))
    if role:
        query = query.where(User.role == Role(role))
    if active:
        query = query.where(User.is_active.is_(active == "1"))
    return paging.numbered(query, (User.full_name, User.id), at, options=(joinedload(User.unit),))


def enterprises(text: str, at: paging.Position = paging.FIRST) -> paging.Page:
    """Enterprises by part of their name (with or without diacritics) or the start of their code."""
    query = sa.select(Enterprise)
    if text:
        query = query.where(enterprise_matches(text))
    return paging.numbered(query, (Enterprise.name, Enterprise.id), at,
                           options=(selectinload(Enterprise.members).joinedload(EnterpriseMember.user),))
