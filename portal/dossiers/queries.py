"""Dossier queries, always scoped by who is asking; anything else answers None (404).

Investors see their enterprises' dossiers; desk officers and Board leaders see all;
specialists and department heads see their unit's.
"""
from __future__ import annotations

import hmac
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.accounts.models import OFFICER_ROLES, Role, User
from portal.dossiers import workflow
from portal.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from portal.dossiers.workflow import State
from portal.extensions import db

PAGE_SIZE = 25


def visible_to(user) -> sa.ColumnElement[bool]:
    """The SQL condition for the dossiers `user` may see (Dossier.visible_to)."""
    return Dossier.visible_to(user)


def to_act_on(user) -> sa.ColumnElement[bool]:
    """The dossiers on which `user` has something to do now: the SQL twin of
    workflow.must_act (tested against it), for queues, reminders and mail."""
    states = workflow.states_to_act_on(user.role)
    if not states:
        return sa.false()
    conditions = [Dossier.owned_by(user), Dossier.state.in_(states)]
    if State.PENDING_APPROVAL in states:
        conditions.append(sa.or_(Dossier.state != State.PENDING_APPROVAL, Dossier.awaiting_signer == user.role))
    return sa.and_(*conditions)


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


_PROCESSING = (State.IN_PROGRESS, State.PENDING_APPROVAL)


def unit_queue(user) -> dict[str, list[Dossier]]:
    """The unit's dossiers waiting for a specialist, those being processed (by due date),
    and those whose clock is paused while the investor supplements them."""
    return {
        "received": _queue(user, Dossier.state == State.RECEIVED, order=(Dossier.received_at,)),
        "processing": _queue(user, Dossier.state.in_(_PROCESSING), order=(Dossier.due_at.asc().nulls_last(),)),
        "paused": _queue(user, Dossier.state == State.SUPPLEMENT_REQUESTED, order=(Dossier.paused_at,)),
    }


def specialist_queue(user) -> dict[str, list[Dossier]]:
    """The specialist's dossiers by due date (overdue ones first, being the earliest); the
    paused ones apart, out of the due-date order until the investor answers."""
    mine = Dossier.assignee_id == user.id
    return {
        "processing": _queue(user, mine, Dossier.state.in_(_PROCESSING), order=(Dossier.due_at.asc().nulls_last(),)),
        "paused": _queue(user, mine, Dossier.state == State.SUPPLEMENT_REQUESTED, order=(Dossier.paused_at,)),
    }


def approvals_queue(user) -> list[Dossier]:
    """Proposals waiting for this officer's decision (review or signature)."""
    return _queue(user, to_act_on(user), Dossier.state == State.PENDING_APPROVAL,
                  order=(Dossier.due_at.asc().nulls_last(),))


def officers_to_act(dossier: Dossier) -> list[User]:
    """The active officers who have something to do on `dossier` as it now stands."""
    roles = [role for role in OFFICER_ROLES if workflow.actions_to_do(role, dossier.state)]
    if not roles:
        return []
    candidates = db.session.scalars(
        db.select(User).where(
            User.role.in_(roles), User.is_active.is_(True),
            sa.or_(User.role.in_([Role.DESK_OFFICER, Role.BOARD_LEADER]),
                   sa.and_(User.role == Role.DEPARTMENT_HEAD, User.unit_id == dossier.unit_id),
                   sa.and_(User.role == Role.SPECIALIST, User.id == dossier.assignee_id)))
        .order_by(User.id)
    )
    return [user for user in candidates if workflow.must_act(user, dossier)]


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
    """The desk's tracking book: dossiers entered (received, or refused at reception)
    between two local dates, inclusive, by their serial in the book."""
    from datetime import datetime, time, timedelta

    from portal.calendar import LOCAL_TZ

    begin = datetime.combine(start, time.min, LOCAL_TZ)
    finish = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)
    return list(db.session.scalars(
        db.select(Dossier)
        .where(visible_to(user), Dossier.book_entered_at >= begin, Dossier.book_entered_at < finish)
        .options(*_LIST_OPTIONS, selectinload(Dossier.events), selectinload(Dossier.created_by))
        .order_by(Dossier.book_year, Dossier.book_serial)
        .limit(5000)
    ))


def due_for_reminder(officer, now, tomorrow_end):
    """(due tomorrow, overdue, waiting) among the dossiers the officer must act on; waiting:
    dossiers at the desk since an earlier day, which have no due date before reception."""
    from datetime import datetime, time

    from portal.calendar import LOCAL_TZ

    mine = to_act_on(officer)
    dated = _queue(officer, mine, Dossier.state != State.SUBMITTED, Dossier.due_at.is_not(None),
                   Dossier.due_at < tomorrow_end, order=(Dossier.due_at.asc().nulls_last(),))
    today = datetime.combine(now.astimezone(LOCAL_TZ).date(), time.min, LOCAL_TZ)
    waiting = _queue(officer, mine, Dossier.state == State.SUBMITTED, Dossier.submitted_at < today,
                     order=(Dossier.submitted_at,))
    return [d for d in dated if d.due_at >= now], [d for d in dated if d.due_at < now], waiting
