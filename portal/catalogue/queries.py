"""Read helpers for the public catalogue."""
from __future__ import annotations

from itertools import groupby
from typing import Optional

from sqlalchemy.orm import selectinload

from portal.catalogue.models import Field, Organisation, Procedure, Unit, Zone
from portal.extensions import db
from portal.text import fold


def organisation() -> Optional[Organisation]:
    return db.session.scalar(db.select(Organisation).order_by(Organisation.id).limit(1))


def units() -> list[Unit]:
    return list(db.session.scalars(db.select(Unit).order_by(Unit.sort_order, Unit.id)))


def handling_units() -> list[Unit]:
    """Units that handle at least one active procedure."""
    has_procedures = db.select(Procedure.id).where(
        Procedure.unit_id == Unit.id, Procedure.is_active.is_(True)
    ).exists()
    return list(db.session.scalars(db.select(Unit).where(has_procedures).order_by(Unit.sort_order, Unit.id)))


def zones() -> list[Zone]:
    return list(db.session.scalars(db.select(Zone).order_by(Zone.sort_order, Zone.id)))


def fields() -> list[Field]:
    return list(db.session.scalars(db.select(Field).order_by(Field.sort_order, Field.id)))


def search_procedures(
    text: str = "", field_code: str = "", unit_code: str = ""
) -> list[Procedure]:
    """Active procedures matching every word of `text` (accents optional), in catalogue order."""
    query = (
        db.select(Procedure)
        .join(Procedure.field)
        .join(Procedure.unit)
        .where(Procedure.is_active.is_(True))
        .options(selectinload(Procedure.field), selectinload(Procedure.unit))
        .order_by(Field.sort_order, Procedure.sort_order, Procedure.id)
    )
    for word in fold(text).split()[:8]:
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Procedure.search_text.like(f"%{escaped}%", escape="\\"))
    if field_code:
        query = query.where(Field.code == field_code)
    if unit_code:
        query = query.where(Unit.code == unit_code)
    return list(db.session.scalars(query))


def group_procedures(procedures: list[Procedure], by: str) -> list[tuple[object, list[Procedure]]]:
    """[(field or unit, [procedures])], groups in their own display order."""
    key = (lambda p: p.unit) if by == "unit" else (lambda p: p.field)
    ordered = sorted(procedures, key=lambda p: (key(p).sort_order, key(p).id, p.sort_order, p.id))
    return [(group, list(items)) for group, items in groupby(ordered, key=key)]


def procedure_by_code(code: str) -> Optional[Procedure]:
    return db.session.scalar(
        db.select(Procedure)
        .where(Procedure.code == code, Procedure.is_active.is_(True))
        .options(selectinload(Procedure.documents), selectinload(Procedure.unit),
                 selectinload(Procedure.field))
    )
