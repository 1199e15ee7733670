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
from portal.dossiers.models import Dossier, DossierEvent, DossierFile
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
                 selectinload(Dossier.events))
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
