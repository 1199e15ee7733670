"""Reading the audit trail: search by who, what, object, address and period; a period's
events for a file, read in batches."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Optional

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal import paging
from portal.accounts.models import User
from portal.audit.models import AuditEvent
from portal.extensions import db
from portal.text import like_escape


@dataclass
class Criteria:
    actor: str = ""       # part of the e-mail address or the name
    action: str = ""      # the start of the action ("calendar." finds every calendar change)
    target: str = ""      # part of the object
    ip: str = ""
    start: Optional[datetime] = None
    end: Optional[datetime] = None   # excluded


def _base(criteria: Criteria) -> sa.Select:
    query = sa.select(AuditEvent)
    if criteria.actor:
        pattern = f"%{like_escape(criteria.actor.lower())}%"
        query = query.where(AuditEvent.actor_id.in_(
            sa.select(User.id).where(sa.or_(sa.func.lower(User.email).like(pattern, escape="\\"),
                                            sa.func.lower(User.full_name).like(pattern, escape="\\")))))
    if criteria.action:
        query = query.where(AuditEvent.action.like(f"{like_escape(criteria.action)}%", escape="\\"))
    if criteria.target:
        query = query.where(AuditEvent.target.like(f"%{like_escape(criteria.target)}%", escape="\\"))
    if criteria.ip:
        query = query.where(AuditEvent.ip == criteria.ip)
    if criteria.start is not None:
        query = query.where(AuditEvent.created_at >= criteria.start)
    if criteria.end is not None:
        query = query.where(AuditEvent.created_at < criteria.end)
    return query


def search(criteria: Criteria, at: paging.Position = paging.FIRST) -> paging.Page:
    """A page of the matching events, the newest first, with their total."""
    return paging.numbered(_base(criteria), (AuditEvent.created_at.desc(), AuditEvent.id.desc()), at,
                           options=(joinedload(AuditEvent.actor),))


def in_period(criteria: Criteria) -> Iterator[AuditEvent]:
    """Every matching event, oldest first, read 500 at a time (for the CSV file)."""
    query = (_base(criteria).options(joinedload(AuditEvent.actor))
             .order_by(AuditEvent.created_at, AuditEvent.id).execution_options(yield_per=500))
    yield from db.session.scalars(query)
