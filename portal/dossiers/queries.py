"""Dossier queries, always scoped by who is asking; anything else answers None (404).

Investors see their enterprises' dossiers; desk officers and Board leaders see all;
specialists and department heads see their unit's.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from portal import paging
from portal.accounts.models import OFFICER_ROLES, Enterprise, Role, User
from portal.dossiers import workflow
from portal.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from portal.dossiers.workflow import OPEN_STATES, State
from portal.extensions import db
from portal.text import like_escape



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


def dossiers_for(user, state: Optional[State] = None, at: paging.Position = paging.FIRST,
                 project_id: Optional[int] = None, name: str = "") -> paging.Page:
    """A page of the dossiers `user` sees, newest first (by enterprise and creation: an index)."""
    query = db.select(Dossier).where(visible_to(user))
    if state is not None:
        query = query.where(Dossier.state == state)
    if project_id is not None:
        query = query.where(Dossier.project_id == project_id)
    return paging.keyset(query, (Dossier.created_at, Dossier.id), at, descending=True, name=name,
                         options=(joinedload(Dossier.procedure), joinedload(Dossier.project)))


def project_timeline(user, project_id: int, at: paging.Position = paging.FIRST, name: str = "") -> paging.Page:
    """A page of the events of every dossier of a project the user sees, newest first."""
    query = (db.select(DossierEvent).join(DossierEvent.dossier)
             .where(Dossier.project_id == project_id, visible_to(user)))
    return paging.keyset(query, (DossierEvent.created_at, DossierEvent.id), at, descending=True, name=name,
                         options=(joinedload(DossierEvent.dossier).joinedload(Dossier.procedure),),
                         size=paging.PAGE_SIZE * 2)


def dossier_by_code(code: str) -> Optional[Dossier]:
    return db.session.scalar(db.select(Dossier).where(Dossier.code == code))


def tracked_dossier(code: str, key: str) -> Optional[Dossier]:
    """The dossier for the public tracking page: needs both the code and its lookup key.
    What the page shows comes in two queries (the dossier with its procedure and unit, then
    its events)."""
    dossier = db.session.scalar(
        db.select(Dossier).where(Dossier.code == (code or "").strip())
        .options(joinedload(Dossier.procedure), joinedload(Dossier.unit), selectinload(Dossier.events)))
    given = (key or "").strip().upper().encode()
    expected = (dossier.lookup_key or "").encode() if dossier else b"-"
    if dossier is None or not hmac.compare_digest(given, expected):
        return None
    return dossier


# --- officers' queues -----------------------------------------------------------------
# Each list is a page with its total (paging.keyset), in an order that a partial index of
# migration 0009 serves: the open states by unit or assignee, then the date, then the id.

# What a list shows of each dossier, joined in the same query (each is one row per dossier).
_LIST_OPTIONS = (joinedload(Dossier.procedure), joinedload(Dossier.version), joinedload(Dossier.enterprise),
                 joinedload(Dossier.unit), joinedload(Dossier.assignee))
# The same fetched apart, for a page the database must sort (search): it sorts narrow rows.
_SEPARATE_OPTIONS = (selectinload(Dossier.procedure), selectinload(Dossier.version),
                     selectinload(Dossier.enterprise), selectinload(Dossier.unit), selectinload(Dossier.assignee))
_PROCESSING = (State.IN_PROGRESS, State.PENDING_APPROVAL)


def _queue(user, name: str, at, *conditions, order, size: int = paging.PAGE_SIZE) -> paging.Page:
    """A queue of the dossiers `user` owns (the ones they act on, a subset of those they see)."""
    base = db.select(Dossier).where(Dossier.owned_by(user), *conditions)
    return paging.keyset(base, (order, Dossier.id), at(name), options=_LIST_OPTIONS, name=name, size=size)


def _first(name: str) -> paging.Position:
    return paging.FIRST


def desk_queue(user, at=_first) -> dict[str, paging.Page]:
    """Submitted dossiers, oldest first; results waiting to be handed over."""
    return {
        "submitted": _queue(user, "submitted", at, Dossier.state == State.SUBMITTED, order=Dossier.submitted_at),
        "resolved": _queue(user, "resolved", at, Dossier.state == State.RESOLVED, order=Dossier.finished_at),
    }


def unit_queue(user, at=_first) -> dict[str, paging.Page]:
    """The unit's dossiers waiting for a specialist, those being processed (by due date),
    and those whose clock is paused while the investor supplements them."""
    return {
        "received": _queue(user, "received", at, Dossier.state == State.RECEIVED, order=Dossier.received_at),
        "processing": _queue(user, "processing", at, Dossier.state.in_(_PROCESSING), order=Dossier.due_at),
        "paused": _queue(user, "paused", at, Dossier.state == State.SUPPLEMENT_REQUESTED, order=Dossier.paused_at),
    }


def specialist_queue(user, at=_first) -> dict[str, paging.Page]:
    """The specialist's dossiers by due date (overdue ones first, being the earliest); the
    paused ones apart, out of the due-date order until the investor answers."""
    return {
        "processing": _queue(user, "processing", at, Dossier.state.in_(_PROCESSING), order=Dossier.due_at),
        "paused": _queue(user, "paused", at, Dossier.state == State.SUPPLEMENT_REQUESTED, order=Dossier.paused_at),
    }


def approvals_queue(user, at=_first) -> paging.Page:
    """Proposals waiting for this officer's decision (review or signature): to_act_on for a
    pending approval, written as the index on the signer awaited serves it."""
    return _queue(user, "", at, Dossier.state == State.PENDING_APPROVAL, Dossier.awaiting_signer == user.role,
                  order=Dossier.due_at)


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


def units_seen_by(user) -> list:
    """The units an officer may filter by: their own for a head or a specialist, all for the
    desk and the leaders (copies kept for the process)."""
    from portal.catalogue.queries import choices

    units = choices()["units"]
    if user.role in (Role.DEPARTMENT_HEAD, Role.SPECIALIST):
        return [u for u in units if u.id == user.unit_id]
    return units


def specialists_seen_by(user) -> list:
    """The specialists an officer may filter by: the unit's for its head and specialists,
    everyone's for the desk and the leaders."""
    query = db.select(User).where(User.role == Role.SPECIALIST).order_by(User.full_name, User.id)
    if user.role in (Role.DEPARTMENT_HEAD, Role.SPECIALIST):
        query = query.where(User.unit_id == user.unit_id)
    return list(db.session.scalars(query))


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


def tracking_book(user, start, end) -> sa.Select:
    """The desk's tracking book: dossiers entered (received, or refused at reception)
    between two local dates, inclusive. Ordered by entry, which is the order of the book's
    serials (given at entry), so that an index serves any month of any year."""
    from datetime import datetime, time, timedelta

    from portal.calendar import LOCAL_TZ

    begin = datetime.combine(start, time.min, LOCAL_TZ)
    finish = datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)
    return db.select(Dossier).where(visible_to(user), Dossier.book_entered_at >= begin,
                                    Dossier.book_entered_at < finish)


_BOOK_OPTIONS = (*_LIST_OPTIONS, joinedload(Dossier.created_by))
BOOK_PAGE_SIZE = 50


def tracking_book_page(user, start, end, at: paging.Position = paging.FIRST) -> paging.Page:
    return paging.keyset(tracking_book(user, start, end), (Dossier.book_entered_at, Dossier.id), at,
                         options=_BOOK_OPTIONS, size=BOOK_PAGE_SIZE)


def tracking_book_all(user, start, end):
    """Every line of the period, read in batches as they are written out (exports)."""
    query = (tracking_book(user, start, end).options(*_BOOK_OPTIONS)
             .order_by(Dossier.book_entered_at, Dossier.id).execution_options(yield_per=500))
    return db.session.scalars(query)


REMINDER_ROWS = 50  # listed in a reminder; the mail gives the total and links to the queues


def due_for_reminder(officer, now, tomorrow_end) -> tuple[paging.Page, paging.Page, paging.Page]:
    """(due tomorrow, overdue, waiting) among the dossiers the officer must act on; waiting:
    dossiers at the desk since an earlier day, which have no due date before reception."""
    from datetime import datetime, time

    from portal.calendar import LOCAL_TZ

    mine, dated = to_act_on(officer), (Dossier.state != State.SUBMITTED, Dossier.due_at.is_not(None))
    today = datetime.combine(now.astimezone(LOCAL_TZ).date(), time.min, LOCAL_TZ)
    lists = (
        (*dated, Dossier.due_at >= now, Dossier.due_at < tomorrow_end, Dossier.due_at),
        (*dated, Dossier.due_at < now, Dossier.due_at),
        (Dossier.state == State.SUBMITTED, Dossier.submitted_at < today, Dossier.submitted_at),
    )
    return tuple(_queue(officer, "", _first, mine, *where, order=order, size=REMINDER_ROWS)
                 for *where, order in lists)


# --- the officers' search ------------------------------------------------------------------

@dataclass(frozen=True)
class Criteria:
    """What an officer searches for; every part optional, all of them combined."""

    code: str = ""
    enterprise: str = ""
    procedure_id: Optional[int] = None
    unit_id: Optional[int] = None
    state: Optional[State] = None
    assignee_id: Optional[int] = None
    period: str = "submitted"   # which moment the dates bound: submitted, received or due
    start: Optional[date] = None
    end: Optional[date] = None
    overdue: bool = False
    paused: bool = False
    sort: str = "-submitted"


SORTS = {
    "-submitted": (Dossier.submitted_at.desc().nulls_last(), Dossier.id.desc()),
    "due": (Dossier.due_at.asc().nulls_last(), Dossier.id),
    "-received": (Dossier.received_at.desc().nulls_last(), Dossier.id.desc()),
    "received": (Dossier.received_at.asc().nulls_last(), Dossier.id),
}
_PERIOD_COLUMNS = {"submitted": Dossier.submitted_at, "received": Dossier.received_at, "due": Dossier.due_at}
_RUNNING = tuple(OPEN_STATES - {State.SUPPLEMENT_REQUESTED})  # open with the clock running


def code_condition(text: str) -> sa.ColumnElement[bool]:
    """The code as typed, or its tail: "0042", "260115-0042" or "260115 0042" as read out on
    the phone (served on PostgreSQL by a trigram index on the code)."""
    typed = "-".join(text.upper().split())
    return sa.or_(Dossier.code == typed, Dossier.code.like("%" + like_escape(typed), escape="\\"))


def enterprise_condition(text: str) -> sa.ColumnElement[bool]:
    """Part of the enterprise's name with or without diacritics (portal_fold: unaccent on
    PostgreSQL, with a trigram index; the same folding in Python on SQLite), or the start of
    its enterprise code."""
    from portal.accounts.queries import enterprise_matches

    return Dossier.enterprise_id.in_(db.select(Enterprise.id).where(enterprise_matches(text)))


def search(user, criteria: Criteria, now, at: paging.Position = paging.FIRST) -> paging.Page:
    """A numbered page of the dossiers `user` may see that match `criteria`, with the total
    (exact up to two thousand, then PostgreSQL's estimate)."""
    from datetime import datetime, time, timedelta

    from portal.calendar import LOCAL_TZ

    query = db.select(Dossier).where(visible_to(user), Dossier.state != State.DRAFT)
    if criteria.code:
        query = query.where(code_condition(criteria.code))
    if criteria.enterprise:
        query = query.where(enterprise_condition(criteria.enterprise))
    for column, value in ((Dossier.procedure_id, criteria.procedure_id), (Dossier.unit_id, criteria.unit_id),
                          (Dossier.state, criteria.state), (Dossier.assignee_id, criteria.assignee_id)):
        if value is not None:
            query = query.where(column == value)
    moment = _PERIOD_COLUMNS.get(criteria.period, Dossier.submitted_at)
    if criteria.start:
        query = query.where(moment >= datetime.combine(criteria.start, time.min, LOCAL_TZ))
    if criteria.end:
        query = query.where(moment < datetime.combine(criteria.end + timedelta(days=1), time.min, LOCAL_TZ))
    if criteria.overdue:
        query = query.where(Dossier.state.in_(_RUNNING), Dossier.due_at < now)
    if criteria.paused:
        query = query.where(Dossier.state == State.SUPPLEMENT_REQUESTED, Dossier.paused_at.is_not(None))
    # Loaded apart, not joined: the database sorts the matching rows narrow, then the page's
    # 25 fetch what they show (joined, a code tail's 600 matches sorted wide took 14 ms at 1M).
    return paging.numbered(query, SORTS.get(criteria.sort, SORTS["-submitted"]), at, options=_SEPARATE_OPTIONS)
