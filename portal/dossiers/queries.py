"""Dossier queries, always scoped by who is asking; anything else answers None (404).

Investors see their enterprises' dossiers; desk officers and Board leaders see all;
specialists and department heads see their unit's.
"""
from __future__ import annotations

import hmac
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import Role
from portal.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from portal.dossiers.workflow import State
from portal.extensions import db

PAGE_SIZE = 25


def visible_to(user) -> sa.ColumnElement[bool]:
    """The SQL condition for the dossiers `user` may see."""
    if not user.is_authenticated:
        return sa.false()
    if user.role is Role.INVESTOR:
        ids = user.enterprise_ids
        return Dossier.enterprise_id.in_(ids) if ids else sa.false()
    if user.role in (Role.DESK_OFFICER, Role.BOARD_LEADER):
        return Dossier.state != State.DRAFT
    if user.role in (Role.SPECIALIST, Role.DEPARTMENT_HEAD) and user.unit_id:
        return sa.and_(Dossier.unit_id == user.unit_id, Dossier.state != State.DRAFT)
    return sa.false()


def dossier_for(user, dossier_id: int) -> Optional[Dossier]:
    return db.session.scalar(
        db.select(Dossier)
        .where(Dossier.id == dossier_id, visible_to(user))
        .options(selectinload(Dossier.files).selectinload(DossierFile.required_document),
                 selectinload(Dossier.events).selectinload(DossierEvent.actor),
                 selectinload(Dossier.supplement_requests).selectinload(SupplementRequest.items),
                 selectinload(Dossier.notes))
    )


def file_for(user, dossier_id: int, file_id: int) -> Optional[DossierFile]:
    return db.session.scalar(
        db.select(DossierFile)
        .join(DossierFile.dossier)
        .where(DossierFile.id == file_id, DossierFile.dossier_id == dossier_id, visible_to(user))
    )


def dossiers_for(user, state: Optional[State] = None, page: int = 1, project_id: Optional[int] = None):
    """One page of the dossiers `user` sees, newest first; returns (rows, has_more)."""
    query = (
        db.select(Dossier)
        .where(visible_to(user))
        .options(selectinload(Dossier.procedure), selectinload(Dossier.project))
        .order_by(Dossier.created_at.desc(), Dossier.id.desc())
    )
    if state is not None:
        query = query.where(Dossier.state == state)
    if project_id is not None:
        query = query.where(Dossier.project_id == project_id)
    rows = list(db.session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)))
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def project_timeline(user, project_id: int) -> list[DossierEvent]:
    """Every event of every dossier of a project the user sees, newest first."""
    return list(db.session.scalars(
        db.select(DossierEvent)
        .join(DossierEvent.dossier)
        .where(Dossier.project_id == project_id, visible_to(user))
        .options(selectinload(DossierEvent.dossier).selectinload(Dossier.procedure))
        .order_by(DossierEvent.created_at.desc(), DossierEvent.id.desc())
        .limit(200)
    ))


def dossier_by_code(code: str) -> Optional[Dossier]:
    return db.session.scalar(db.select(Dossier).where(Dossier.code == code))


def tracked_dossier(code: str, key: str) -> Optional[Dossier]:
    """The dossier for the public tracking page: needs both the code and its lookup key."""
    dossier = dossier_by_code((code or "").strip())
    given = (key or "").strip().upper().encode()
    expected = (dossier.lookup_key or "").encode() if dossier else b"-"
    if dossier is None or not hmac.compare_digest(given, expected):
        return None
    return dossier


# --- officers' queues -----------------------------------------------------------------

QUEUE_LIMIT = 200
_LIST_OPTIONS = (selectinload(Dossier.procedure), selectinload(Dossier.enterprise), selectinload(Dossier.unit),
                 selectinload(Dossier.assignee))


def _queue(user, *conditions, order=()):
    return list(db.session.scalars(
        db.select(Dossier).where(visible_to(user), *conditions).options(*_LIST_OPTIONS)
        .order_by(*order, Dossier.id).limit(QUEUE_LIMIT)
    ))


def desk_queue(user) -> dict[str, list[Dossier]]:
    """Submitted dossiers, oldest first; results waiting to be handed over."""
    return {
        "submitted": _queue(user, Dossier.state == State.SUBMITTED, order=(Dossier.submitted_at,)),
        "resolved": _queue(user, Dossier.state == State.RESOLVED, order=(Dossier.finished_at,)),
    }


def unit_queue(user) -> dict[str, list[Dossier]]:
    """The unit's dossiers waiting for a specialist, and those being processed (by due date)."""
    return {
        "received": _queue(user, Dossier.state == State.RECEIVED, order=(Dossier.received_at,)),
        "processing": _queue(
            user, Dossier.state.in_([State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED, State.PENDING_APPROVAL]),
            order=(Dossier.due_at.is_(None), Dossier.due_at)),
    }


def specialist_queue(user) -> list[Dossier]:
    """The specialist's dossiers by due date: overdue ones come first, being the earliest."""
    return _queue(user, Dossier.assignee_id == user.id,
                  Dossier.state.in_([State.IN_PROGRESS, State.SUPPLEMENT_REQUESTED, State.PENDING_APPROVAL]),
                  order=(Dossier.due_at.is_(None), Dossier.due_at))


def approvals_queue(user) -> list[Dossier]:
    return _queue(user, Dossier.state == State.PENDING_APPROVAL, order=(Dossier.due_at.is_(None), Dossier.due_at))


def specialists_of(unit_id: int) -> list:
    from portal.accounts.models import Role, User

    return list(db.session.scalars(
        db.select(User).where(User.unit_id == unit_id, User.role == Role.SPECIALIST, User.is_active.is_(True))
        .order_by(User.full_name)
    ))


def specialist_loads(unit_id: int, now) -> list[tuple]:
    """(specialist, open dossiers, overdue dossiers) for each specialist of the unit."""
    active = [State.IN_PROGRESS, State.PENDING_APPROVAL, State.SUPPLEMENT_REQUESTED]
    running = [State.IN_PROGRESS, State.PENDING_APPROVAL]
    counts = dict(
        (row.assignee_id, (row.open, row.overdue))
        for row in db.session.execute(
            db.select(
                Dossier.assignee_id,
                sa.func.count().label("open"),
                sa.func.count().filter(sa.and_(Dossier.state.in_(running), Dossier.due_at < now)).label("overdue"),
            ).where(Dossier.unit_id == unit_id, Dossier.state.in_(active)).group_by(Dossier.assignee_id)
        )
    )
    return [(s, *counts.get(s.id, (0, 0))) for s in specialists_of(unit_id)]


def tracking_book(user, start, end) -> list[Dossier]:
    """Dossiers received between two local dates (inclusive), in order of reception."""
    from datetime import datetime, time, timedelta

    from portal.calendar import LOCAL_TZ

    begin = datetime.combine(start, time.min, LOCAL_TZ)
    finish = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)
    return list(db.session.scalars(
        db.select(Dossier)
        .where(visible_to(user), Dossier.received_at >= begin, Dossier.received_at < finish)
        .options(*_LIST_OPTIONS, selectinload(Dossier.events))
        .order_by(Dossier.received_at, Dossier.id)
        .limit(5000)
    ))


def due_for_reminder(officer, now, tomorrow_end):
    """(due tomorrow, overdue) among the dossiers the officer must act on."""
    from portal.accounts.models import Role

    if officer.role is Role.SPECIALIST:
        mine = [Dossier.assignee_id == officer.id, Dossier.state == State.IN_PROGRESS]
    elif officer.role is Role.DEPARTMENT_HEAD:
        mine = [Dossier.unit_id == officer.unit_id, Dossier.state.in_([State.RECEIVED, State.PENDING_APPROVAL])]
    elif officer.role is Role.BOARD_LEADER:
        mine = [Dossier.state == State.PENDING_APPROVAL]
    else:
        return [], []
    rows = _queue(officer, *mine, Dossier.due_at.is_not(None), Dossier.due_at < tomorrow_end,
                  order=(Dossier.due_at,))
    return [d for d in rows if d.due_at >= now], [d for d in rows if d.due_at < now]
