"""Issuing slips and rendering them once.

A slip is issued inside the unit of work that changes the dossier: its number and a
snapshot of everything it prints are saved with that change. The PDF is rendered
after the commit (inline, or by the job queue), stored with its SHA-256, and served
from storage afterwards. A download that finds it not yet rendered renders it then.
"""
from __future__ import annotations

import uuid

import sqlalchemy as sa

from portal.calendar import LOCAL_TZ
from portal.db import utcnow
from portal.documents import builders
from portal.documents.models import Slip, SlipKind
from portal.dossiers.codes import next_number
from portal.extensions import db
from portal.services.pdf import render_pdf
from portal.services.storage import get_storage
from portal.services import jobs
from portal.services.unit_of_work import on_rollback

# Suffix of the slip number in its book: "Số: 00092/TN".
NUMBER_SUFFIX = {
    SlipKind.RECEIPT: "TN", SlipKind.SUPPLEMENT: "BS", SlipKind.REFUSAL: "TC",
    SlipKind.APOLOGY: "XL", SlipKind.STOP: "DXL", SlipKind.CONTROL: "KS",
}


def issue(dossier, kind: SlipKind, **extra) -> Slip:
    """Number the slip in its yearly book and freeze what it prints; rendered after commit."""
    issued = dossier.received_at if kind is SlipKind.RECEIPT else utcnow()
    year = issued.astimezone(LOCAL_TZ).strftime("%Y")
    serial = next_number(f"slip-{kind.value}", year)
    number = f"{serial:05d}/{NUMBER_SUFFIX[kind]}"
    data = getattr(builders, kind.value)(dossier, number, serial, **extra)
    slip = Slip(dossier=dossier, kind=kind, number=f"{number}-{year}", data=data)
    db.session.add(slip)
    db.session.flush()
    jobs.enqueue(render_after_commit, slip.id)
    return slip


@jobs.task
def render_after_commit(slip_id: int) -> None:
    from portal.services.unit_of_work import commit

    slip = db.session.get(Slip, slip_id)
    if slip is not None:
        ensure_rendered(slip)
        commit()


def courtesy_translation(slip: Slip) -> bytes:
    """The slip in English, for an investor who reads English: the same data and layout,
    marked on every page as a translation of the Vietnamese original, which alone is legal."""
    return render_pdf(slip.kind.template, {"slip": slip.data}, language="en", courtesy=True)


def ensure_rendered(slip: Slip) -> Slip:
    """Render and store the slip unless that was already done (by anyone)."""
    if slip.storage_key:
        return slip
    pdf = render_pdf(slip.kind.template, {"slip": slip.data})
    storage = get_storage()
    key = f"slips/{slip.dossier_id}/{uuid.uuid4().hex}.pdf"
    stored = storage.save_bytes(key, pdf)
    claimed = db.session.execute(
        sa.update(Slip)
        .where(Slip.id == slip.id, Slip.storage_key.is_(None))
        .values(storage_key=key, sha256=stored.sha256, size=stored.size, rendered_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if not claimed:  # someone else rendered it meanwhile: keep theirs
        storage.delete(key)
    else:
        on_rollback(storage.delete, key)
    db.session.refresh(slip)
    return slip
