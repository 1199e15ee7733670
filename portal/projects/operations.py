"""Creating and editing investment projects, and keeping their certificate record."""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Optional

from flask_babel import gettext as _

from portal.calendar import local_today
from portal.catalogue.models import CertificateEffect
from portal.extensions import db
from portal.projects.models import CertificateEntry, Project

EDITABLE = (
    "name_vi", "name_en", "objectives", "zone_id", "location", "land_area_m2", "total_capital_vnd",
    "total_capital_usd", "capital_sources", "workforce", "schedule", "sector",
)
# What a certificate certifies, copied from the dossier's fields when the Board approves it:
# attribute -> (kind, upper bound, decimal places) fitting the project's columns.
CERTIFIED = {
    "total_capital_vnd": ("amount", 10**20, 0), "total_capital_usd": ("amount", 10**14, 2),
    "land_area_m2": ("amount", 10**12, 2), "workforce": ("integer", 1_000_001, 0),
    "schedule": ("text", None, None), "objectives": ("text", None, None),
}


class ProjectError(Exception):
    """A refused change to a project; `str(exc)` is a message for the user, nothing changed."""


def create_project(*, enterprise_id: int, created_by, **data) -> Project:
    """A new project of the enterprise (licence data comes later, from the Board)."""
    project = Project(enterprise_id=enterprise_id, created_by=created_by)
    _assign(project, data)
    db.session.add(project)
    db.session.flush()
    return project


def update_project(project: Project, **data) -> None:
    """The investor's changes. Once the Board has recorded a certificate, what it certifies
    (capital, land area, schedule...) changes only through an amendment dossier; before,
    the certificate the investor declared follows what they say of the project."""
    if is_certified(project):
        data = {k: v for k, v in data.items() if k not in CERTIFIED}
    _assign(project, data)
    if project.is_certificate_declared:
        for entry in project.certificate_entries:
            entry.take_figures()
    db.session.flush()


def is_certified(project: Project) -> bool:
    """The Board has recorded a certificate entry (not only the investor's declaration)."""
    return bool(project.certificate_entries) and not project.is_certificate_declared


def _assign(project: Project, data: dict) -> None:
    for key in EDITABLE:
        if key in data:
            value = data[key]
            setattr(project, key, value.strip() if isinstance(value, str) else value)


def declare_certificate(project: Project, user, number: str, issued_on: Optional[date]) -> None:
    """The investor states the certificate the project received before it used the portal,
    so that adjustments can be filed. Once the Board has recorded an entry, only the Board
    changes the record."""
    number = (number or "").strip()
    if not number and issued_on is None:
        return
    if project.certificate_entries and not project.is_certificate_declared:
        raise ProjectError(_("The certificate record is kept by the Board and can no longer be changed here."))
    if not number or issued_on is None:
        raise ProjectError(_("Give both the certificate number and the date of its first issue."))
    _check_not_future(issued_on)
    first = project.first_issue
    if first is None:
        _add_entry(project, CertificateEffect.ISSUE, number, issued_on, dossier_id=None, recorded_by=user)
    else:
        first.number, first.issued_on, first.recorded_by = number, issued_on, user
        first.take_figures()
    db.session.flush()


def record_certificate(project: Project, effect: CertificateEffect, number: str, issued_on: Optional[date],
                       *, dossier_id: int, recorded_by, amendment_no: Optional[int] = None) -> CertificateEntry:
    """Add the entry an approved result makes: the first issue (number and date), an
    amendment, a re-issue or correction, or the end of the project. An amendment takes the
    number printed on the amended certificate (a certificate amended before the portal
    has earlier amendments the record does not hold), by default the next one."""
    number = (number or "").strip() or project.certificate_number
    if issued_on is None:
        raise ProjectError(_("Record the date of the certificate."))
    _check_not_future(issued_on)
    first = project.first_issue
    if effect is CertificateEffect.ISSUE:
        if not number:
            raise ProjectError(_("Record the number of the investment registration certificate."))
        if project.has_certificate and not project.is_certificate_declared:
            raise ProjectError(_("This project already holds certificate %(number)s.",
                                 number=project.certificate_number))
        if project.is_certificate_declared:  # the Board's record replaces the investor's statement
            for entry in list(project.certificate_entries):
                project.certificate_entries.remove(entry)
            db.session.flush()
    else:
        if not project.has_certificate:
            raise ProjectError(_("This project has no investment registration certificate on record."))
        if first is not None and issued_on < first.issued_on:
            raise ProjectError(_("The date cannot be earlier than the first issue (%(date)s).",
                                 date=first.issued_on.strftime("%d/%m/%Y")))
    if effect.is_amendment:
        last = max((e.amendment_no or 0 for e in project.certificate_entries), default=0)
        amendment_no = amendment_no or last + 1
        if amendment_no <= last:
            raise ProjectError(_("Amendment no. %(n)d is already on record; this one comes after it.", n=last))
    entry = _add_entry(project, effect, number, issued_on, dossier_id=dossier_id, recorded_by=recorded_by,
                       amendment_no=amendment_no)
    db.session.flush()
    return entry


def apply_certified_values(project: Project, fields: list[dict], values: dict) -> None:
    """Copy what the certificate certifies (capital, land area, schedule...) from the
    dossier's fields onto the project: each field names its `project_field`."""
    for spec in fields:
        target, raw = spec.get("project_field"), values.get(spec["key"])
        if target not in CERTIFIED or raw in (None, ""):
            continue
        kind, bound, places = CERTIFIED[target]
        try:
            value = str(raw) if kind == "text" else Decimal(str(raw))
        except InvalidOperation:
            continue
        if kind != "text":
            if not value.is_finite() or value < 0 or value >= bound or value != round(value, places):
                continue  # the draft form holds fields to these bounds; an old value that does not fit stays out
            value = int(value) if kind == "integer" else value
        setattr(project, target, value)
    db.session.flush()


def _add_entry(project: Project, effect: CertificateEffect, number: str, issued_on: date, *, dossier_id,
               recorded_by, amendment_no: Optional[int] = None) -> CertificateEntry:
    amendment_no = amendment_no if effect.is_amendment else None
    sequence = max((e.sequence for e in project.certificate_entries), default=0) + 1
    entry = CertificateEntry(kind=effect, number=number, issued_on=issued_on, amendment_no=amendment_no,
                             sequence=sequence, dossier_id=dossier_id, recorded_by=recorded_by)
    project.certificate_entries.append(entry)
    entry.take_figures()
    return entry


def _check_not_future(day: date) -> None:
    if day > local_today():
        raise ProjectError(_("A certificate date cannot be in the future."))
