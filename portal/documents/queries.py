"""Slips, scoped through the dossier they belong to."""
from __future__ import annotations

from typing import Optional

from portal.documents.models import Slip
from portal.dossiers.models import Dossier
from portal.dossiers.queries import visible_to
from portal.extensions import db


def slip_for(user, dossier_id: int, slip_id: int) -> Optional[Slip]:
    return db.session.scalar(
        db.select(Slip).join(Slip.dossier)
        .where(Slip.id == slip_id, Slip.dossier_id == dossier_id, visible_to(user))
    )


def slips_of(dossier: Dossier) -> list[Slip]:
    return list(db.session.scalars(db.select(Slip).where(Slip.dossier_id == dossier.id).order_by(Slip.id)))
