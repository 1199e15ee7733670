"""Read helpers for the public catalogue."""
from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Optional

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from portal.catalogue.models import Field, Organisation, Procedure, ProcedureVersion, Unit, Zone, in_force
from portal.extensions import db
from portal.services.reference import cached, detached_copy
from portal.text import fold


def organisation() -> Optional[Organisation]:
    """The Board, as kept for the process (a copy in no session; see services.reference)."""
    return cached("organisation", lambda: detached_copy(
        db.session.scalar(db.select(Organisation).order_by(Organisation.id).limit(1))))


def _reference() -> dict:
    """Units, zones, fields and the active procedures (with their field and unit), as copies
    in no session kept for the process until the catalogue changes (services.reference)."""
    def load():
        units = [detached_copy(u) for u in db.session.scalars(db.select(Unit).order_by(Unit.sort_order, Unit.id))]
        fields = [detached_copy(f) for f in db.session.scalars(db.select(Field).order_by(Field.sort_order, Field.id))]
        zones = [detached_copy(z) for z in db.session.scalars(db.select(Zone).order_by(Zone.sort_order, Zone.id))]
        by_id = {("unit", u.id): u for u in units} | {("field", f.id): f for f in fields}
        procedures = []
        for row in db.session.scalars(db.select(Procedure).where(Procedure.is_active.is_(True))):
            procedure = detached_copy(row)
            procedure.field, procedure.unit = by_id[("field", row.field_id)], by_id[("unit", row.unit_id)]
            procedures.append(procedure)
        procedures.sort(key=lambda p: (p.field.sort_order, p.sort_order, p.id))
        versions: dict[int, list] = {}
        for row in db.session.scalars(db.select(ProcedureVersion).where(ProcedureVersion.published_at.is_not(None))
                                      .order_by(ProcedureVersion.number)):
            versions.setdefault(row.procedure_id, []).append(detached_copy(row))
        return {"units": units, "fields": fields, "zones": zones, "procedures": procedures, "versions": versions}

    return cached("catalogue", load)


def units() -> list[Unit]:
    return list(_reference()["units"])


def handling_units() -> list[Unit]:
    """Units that handle at least one active procedure."""
    handling = {p.unit_id for p in _reference()["procedures"]}
    return [u for u in units() if u.id in handling]


def zones() -> list[Zone]:
    return list(_reference()["zones"])


def fields() -> list[Field]:
    return list(_reference()["fields"])


def search_procedures(
    text: str = "", field_code: str = "", unit_code: str = ""
) -> list[Procedure]:
    """Active procedures matching every word of `text` (accents optional), in catalogue order."""
    words = fold(text).split()[:8]
    return [p for p in _reference()["procedures"]
            if all(word in p.search_text for word in words)
            and (not field_code or p.field.code == field_code) and (not unit_code or p.unit.code == unit_code)]


def group_procedures(procedures: list[Procedure], by: str) -> list[tuple[object, list[Procedure]]]:
    """[(field or unit, [procedures])], groups in their own display order."""
    key = (lambda p: p.unit) if by == "unit" else (lambda p: p.field)
    ordered = sorted(procedures, key=lambda p: (key(p).sort_order, key(p).id, p.sort_order, p.id))
    return [(group, list(items)) for group, items in groupby(ordered, key=key)]


def versions_in_force(procedures: list[Procedure], day: date) -> dict[int, ProcedureVersion]:
    """{procedure id: its published version in force on `day`} from the kept copies (the
    catalogue list shows each one's online level without a query per row)."""
    kept = _reference()["versions"]
    found = {p.id: in_force(kept.get(p.id, ()), day) for p in procedures}
    return {key: version for key, version in found.items() if version is not None}


def version_in_force(procedure_id: int, day: date) -> Optional[ProcedureVersion]:
    """The published version of a procedure in force on `day`, if any: the one a dossier
    started that day is bound to."""
    return db.session.scalar(
        db.select(ProcedureVersion)
        .where(ProcedureVersion.procedure_id == procedure_id, ProcedureVersion.published_at.is_not(None),
               ProcedureVersion.effective_from <= day,
               sa.or_(ProcedureVersion.effective_to.is_(None), ProcedureVersion.effective_to >= day))
        .order_by(ProcedureVersion.effective_from.desc()).limit(1))


def procedure_by_code(code: str) -> Optional[Procedure]:
    """An active procedure with its versions and their documents (the public page shows the
    version in force and announces a published later one)."""
    return db.session.scalar(
        db.select(Procedure)
        .where(Procedure.code == code, Procedure.is_active.is_(True))
        .options(selectinload(Procedure.versions).selectinload(ProcedureVersion.documents),
                 selectinload(Procedure.unit), selectinload(Procedure.field))
    )


def choices() -> dict[str, list]:
    """Every procedure (active or not: old dossiers keep theirs) and every unit, as detached
    copies kept for the process: the officers' search offers them as filters."""
    def load():
        procedures = db.session.scalars(db.select(Procedure).order_by(Procedure.code, Procedure.id))
        return {"procedures": [detached_copy(p) for p in procedures], "units": [detached_copy(u) for u in units()]}

    return cached("catalogue_choices", load)
