"""Loading the catalogue from its data file, idempotently.

Rows are matched by their `code` (documents by their position in the procedure), so
loading the same file twice changes nothing and an edited file updates rows in place;
the organisation, units and zones changed in the administration are left as they are.
"""
from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from portal.catalogue.models import (
    STEPS,
    ApprovalChain,
    CertificateEffect,
    Field,
    OnlineLevel,
    Organisation,
    VERIFIABLE,
    Procedure,
    ProcedureVersion,
    RequiredDocument,
    SupplementClock,
    TimeLimitKind,
    Unit,
    UnitKind,
    Zone,
    ZoneKind,
)
from portal.db import utcnow
from portal.extensions import db
from portal.text import fold


class CatalogueError(Exception):
    """The data file is not usable; the message says where."""


def read_catalogue_file(path: str | Path) -> dict:
    try:
        with open(path, encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
    except OSError as exc:
        raise CatalogueError(f"cannot read {path}: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"{path} must hold a mapping at the top level")
    return data


def load_catalogue(data: dict) -> Counter:
    """Create or update every row described by `data`; returns counts of what changed."""
    stats: Counter = Counter()
    org = data.get("organisation")
    if not org:
        raise CatalogueError("the file has no 'organisation' section")
    _upsert(Organisation, org["code"], _plain(org), stats)

    units = {
        item["code"]: _upsert(Unit, item["code"], {**_plain(item), "kind": UnitKind(item["kind"])}, stats)
        for item in data.get("units", [])
    }
    for item in data.get("zones", []):
        values = {**_plain(item), "kind": ZoneKind(item["kind"])}
        if values.get("area_ha") is not None:
            values["area_ha"] = Decimal(str(values["area_ha"]))
        _upsert(Zone, item["code"], values, stats)
    fields = {item["code"]: _upsert(Field, item["code"], _plain(item), stats) for item in data.get("fields", [])}

    for order, item in enumerate(data.get("procedures", []), start=1):
        _load_procedure(item, order, units, fields, stats)
    db.session.flush()
    return stats


# What a procedure is, as the Board names and routes it; the rest of a procedure's entry (or of
# each entry of its `versions`) is what the law sets, kept per version.
PROCEDURE_KEYS = {"code", "national_code", "name_vi", "name_en", "field", "unit", "creates_project",
                  "certificate_effect", "requires_certificate", "is_active", "sort_order", "versions"}


def _load_procedure(item: dict, order: int, units: dict, fields: dict, stats: Counter) -> None:
    code = item["code"]
    try:
        unit, field = units[item["unit"]], fields[item["field"]]
    except KeyError as exc:
        raise CatalogueError(f"procedure {code}: unknown unit or field {exc}") from exc
    try:
        effect = CertificateEffect(item.get("certificate_effect", "none"))
    except ValueError as exc:
        raise CatalogueError(f"procedure {code}: {exc}") from exc
    values = {k: v for k, v in _plain(item).items() if k in PROCEDURE_KEYS - {"unit", "field"}}
    values.update(
        unit=unit,
        field=field,
        sort_order=item.get("sort_order", order),
        certificate_effect=effect,
        # An adjustment, re-issue or termination needs a certificate to act on.
        requires_certificate=bool(item.get("requires_certificate", effect in (
            CertificateEffect.AMEND, CertificateEffect.TRANSFER, CertificateEffect.REISSUE, CertificateEffect.TERMINATE))),
        search_text=fold(" ".join([code, item.get("name_vi", ""), item.get("name_en", "")])),
    )
    procedure = _upsert(Procedure, code, values, stats)
    # A procedure without `versions` is one version, described by its own entry.
    versions = item.get("versions") or [{k: v for k, v in item.items() if k not in PROCEDURE_KEYS}]
    specs = [_version_values(code, number, spec) for number, spec in enumerate(versions, start=1)]
    check_periods(code, [(number, v["effective_from"], v["effective_to"]) for number, (v, _docs) in
                         enumerate(specs, start=1)])
    existing = {version.number: version for version in procedure.versions}
    for number, (version_values, documents) in enumerate(specs, start=1):
        version = existing.get(number)
        if version is not None and version.edited_at is not None:
            stats["procedure_versions kept as changed in the administration"] += 1
            continue
        if version is None:
            version = ProcedureVersion(number=number, published_at=utcnow())
            procedure.versions.append(version)
            stats["procedure_versions created"] += 1
            _assign(version, version_values)
        elif _assign(version, version_values):
            stats["procedure_versions updated"] += 1
        _load_documents(version, documents, stats)


def _version_values(code: str, number: int, item: dict) -> tuple[dict, list]:
    where = f"procedure {code} version {number}"
    values = {k: v for k, v in _plain(item).items()}
    try:
        values.update(
            approval_chain=ApprovalChain(item.get("approval_chain", "leader")),
            time_limit_kind=TimeLimitKind(item.get("time_limit_kind", "working_days")),
            online_level=OnlineLevel(item["online_level"]),
            supplement_clock=SupplementClock(item.get("supplement_clock", "pause")),
        )
    except (KeyError, ValueError) as exc:
        raise CatalogueError(f"{where}: {exc}") from exc
    values.update(
        step_days=_step_days(where, item.get("step_days") or {}, item.get("time_limit_days"),
                             item.get("time_limit_kind", "working_days")),
        effective_from=_date(item.get("effective_from")),
        effective_to=_date(item.get("effective_to")),
        form_fields=_form_fields(where, item.get("form_fields") or []),
        verify=_verify(where, item.get("verify") or []),
    )
    documents = [{"position": position, **_plain(doc)} for position, doc in enumerate(item.get("documents") or [], 1)]
    problem = version_problem(values, documents)
    if problem:
        raise CatalogueError(f"{where}: {problem}")
    return values, documents


def version_problem(values: dict, documents: list[dict]) -> str:
    """Why a version cannot be published, in a sentence (empty when it can): it needs a
    start date, a time limit of at least one day when it has one, and a mandatory document."""
    if values.get("effective_from") is None:
        return "effective_from is required"
    if values.get("time_limit_days") is not None and values["time_limit_days"] < 1:
        return "time_limit_days must be at least 1 (or empty when the law sets no limit)"
    if not any(doc.get("is_mandatory", True) for doc in documents):
        return "at least one document must be mandatory"
    return ""


def check_periods(code: str, periods: list[tuple[int, date | None, date | None]]) -> None:
    """The effective periods of a procedure's versions follow each other without overlap."""
    ordered = sorted((start, number, end) for number, start, end in periods if start is not None)
    for (start, number, end), (later_start, later, _end) in zip(ordered, ordered[1:]):
        if end is None or end >= later_start:
            raise CatalogueError(f"procedure {code} version {number}: its period from {start} overlaps version "
                                 f"{later} (from {later_start}); end it before {later_start}")
    for start, number, end in ordered:
        if end is not None and end < start:
            raise CatalogueError(f"procedure {code} version {number}: it ends before it starts")


def _verify(where: str, names: list) -> list[str]:
    unknown = set(names) - set(VERIFIABLE)
    if unknown:
        raise CatalogueError(f"{where}: verify names unknown values {sorted(unknown)}; use {list(VERIFIABLE)}")
    return list(names)


def _load_documents(version: ProcedureVersion, documents: list[dict], stats: Counter) -> None:
    existing = {doc.position: doc for doc in version.documents}
    for doc_values in documents:
        current = existing.pop(doc_values["position"], None)
        if current is None:
            version.documents.append(RequiredDocument(**doc_values))
            stats["required_documents created"] += 1
        elif _assign(current, doc_values):
            stats["required_documents updated"] += 1
    for stale in existing.values():
        version.documents.remove(stale)
        stats["required_documents removed"] += 1


FIELD_TYPES = {"text", "textarea", "number", "date"}
# Project attributes a certificate certifies, which an approved result copies from a field.
PROJECT_FIELDS = {"total_capital_vnd", "total_capital_usd", "land_area_m2", "workforce", "schedule", "objectives"}


def _form_fields(where: str, specs: list) -> list[dict]:
    for spec in specs:
        if not spec.get("key") or spec.get("type", "text") not in FIELD_TYPES:
            raise CatalogueError(f"{where}: a form field needs a key and a type in {sorted(FIELD_TYPES)}")
        if spec.get("project_field") not in (None, *PROJECT_FIELDS):
            raise CatalogueError(f"{where}: project_field must be one of {sorted(PROJECT_FIELDS)}")
    return [{"type": "text", "required": False, **spec} for spec in specs]


def _step_days(where: str, given: dict, limit, kind: str) -> dict:
    """The procedure's split of its time limit between steps (working days, halves allowed);
    the steps it names must leave the specialist some of a working-day limit."""
    unknown = set(given) - set(STEPS)
    if unknown:
        raise CatalogueError(f"{where}: unknown steps {sorted(unknown)}; steps are {list(STEPS)}")
    try:
        days = {step: float(value) for step, value in given.items()}
    except (TypeError, ValueError) as exc:
        raise CatalogueError(f"{where}: step_days must be numbers of working days") from exc
    if any(value < 0 for value in days.values()):
        raise CatalogueError(f"{where}: step_days cannot be negative")
    if days and limit and kind == "working_days" and sum(days.values()) >= limit:
        raise CatalogueError(f"{where}: step_days take {sum(days.values())} of its {limit} working days")
    return days


def _plain(item: dict) -> dict[str, Any]:
    return {k: v for k, v in item.items() if not isinstance(v, (list, dict))}


def _date(value) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def _assign(obj, values: dict) -> bool:
    changed = False
    for key, value in values.items():
        if not hasattr(type(obj), key):
            raise CatalogueError(f"{type(obj).__name__} {values.get('code', '')}: unknown key '{key}'")
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _upsert(model, code: str, values: dict, stats: Counter):
    """The row the file calls `code`: a unit or zone by the code the file gave it (its code
    may have changed in the administration since), anything else by its code."""
    if hasattr(model, "data_code"):
        obj = db.session.scalar(db.select(model).where(model.data_code == code)) or db.session.scalar(
            db.select(model).where(model.code == code, model.data_code.is_(None)))
        values = {**values, "data_code": code}
    else:
        obj = db.session.scalar(db.select(model).where(model.code == code))
    table = model.__tablename__
    if obj is not None and getattr(obj, "edited_at", None) is not None:
        stats[f"{table} kept as changed in the administration"] += 1
        if hasattr(model, "data_code") and obj.data_code is None:
            obj.data_code = code   # added in the administration under the file's code: the file's from now on
        return obj
    if obj is None:
        obj = model(code=code)
        _assign(obj, values)
        db.session.add(obj)
        stats[f"{table} created"] += 1
    elif _assign(obj, values):
        stats[f"{table} updated"] += 1
    return obj


# --- changes made in the administration ---------------------------------------------------

# What the administration may change on each. A unit's or zone's code may change: rows refer
# to it by id, and the data file by the code it gave (`data_code`).
ORGANISATION_FIELDS = (
    "name_vi", "name_en", "short_name_vi", "short_name_en", "parent_agency_vi", "parent_agency_en", "agency_code",
    "place_name", "head_name", "head_title_vi", "head_title_en", "address_vi", "address_en", "hotline", "email",
    "website", "office_hours_vi", "office_hours_en", "description_vi", "description_en",
)
UNIT_FIELDS = ("code", "name_vi", "name_en", "head_name", "head_title_vi", "head_title_en", "description_vi",
               "description_en")
ZONE_FIELDS = ("code", "kind", "name_vi", "name_en", "area_ha", "location_vi", "location_en", "description_vi",
               "description_en")


def edit(obj, values: dict, allowed: tuple[str, ...], actor) -> list[str]:
    """Change the organisation, a unit or a zone from the administration: the fields that
    differ are set, the row is marked as changed there (the data file no longer overwrites
    it), and the change is audited with the old and new values. A new agency identifier
    applies to the codes given from then on; codes already given never change."""
    from portal.audit import operations as audit
    from portal.db import utcnow

    from flask_babel import gettext as _

    if "code" in values:
        values = {**values, "code": values["code"].strip().upper()}
        model = type(obj)
        if db.session.scalar(db.select(model.id).where(model.code == values["code"], model.id != obj.id)):
            raise EditError(_("The code %(code)s is already used.", code=values["code"]), "code")
    changed = [key for key in allowed if key in values and getattr(obj, key) != values[key]]
    if not changed:
        return []
    detail = "; ".join(f"{key}: {getattr(obj, key)!s} -> {values[key]!s}" for key in changed)
    for key in changed:
        setattr(obj, key, values[key])
    obj.edited_at = utcnow()
    audit.record(f"catalogue.{obj.__tablename__}_edited", actor=actor, target=obj.code, detail=detail)
    db.session.flush()
    return changed


class EditError(Exception):
    """A refused change in the administration; `field` is the form field it concerns."""

    def __init__(self, message: str, field: str = ""):
        super().__init__(message)
        self.field = field


def add_unit(values: dict, actor) -> Unit:
    """A new unit of the Board (its code is then fixed: procedures and officers refer to it)."""
    from flask_babel import gettext as _

    from portal.audit import operations as audit
    from portal.db import utcnow

    code = values["code"].strip().upper()
    if db.session.scalar(db.select(Unit.id).where(Unit.code == code)) is not None:
        raise EditError(_("A unit already has the code %(code)s.", code=code), "code")
    unit = Unit(code=code, kind=UnitKind(values["kind"]), name_vi=values["name_vi"].strip(),
                name_en=(values.get("name_en") or "").strip(), edited_at=utcnow(),
                sort_order=(db.session.scalar(db.select(db.func.max(Unit.sort_order))) or 0) + 1)
    db.session.add(unit)
    audit.record("catalogue.unit_added", actor=actor, target=code, detail=unit.name_vi)
    db.session.flush()
    return unit


def add_zone(values: dict, actor) -> Zone:
    """A new industrial park or economic zone managed by the Board."""
    from flask_babel import gettext as _

    from portal.audit import operations as audit
    from portal.db import utcnow

    code = values["code"].strip().upper()
    if db.session.scalar(db.select(Zone.id).where(Zone.code == code)) is not None:
        raise EditError(_("A zone already has the code %(code)s.", code=code), "code")
    zone = Zone(code=code, edited_at=utcnow(),
                sort_order=(db.session.scalar(db.select(db.func.max(Zone.sort_order))) or 0) + 1,
                **{key: values.get(key) for key in ZONE_FIELDS if key != "code"})
    db.session.add(zone)
    audit.record("catalogue.zone_added", actor=actor, target=code, detail=zone.name_vi)
    db.session.flush()
    return zone


def remove_unit(unit: Unit, actor) -> None:
    """Remove a unit that nothing refers to: no officer, procedure or dossier."""
    from flask_babel import gettext as _

    from portal.accounts.models import User
    from portal.audit import operations as audit
    from portal.dossiers.models import Dossier

    def count(model) -> int:
        return db.session.scalar(db.select(db.func.count()).select_from(model).where(model.unit_id == unit.id)) or 0

    officers, procedures, dossiers = count(User), count(Procedure), count(Dossier)
    if officers or procedures or dossiers:
        raise EditError(_("The unit cannot be removed: %(officers)d officers, %(procedures)d procedures and "
                          "%(dossiers)d dossiers belong to it. Move them first.",
                          officers=officers, procedures=procedures, dossiers=dossiers))
    audit.record("catalogue.unit_removed", actor=actor, target=unit.code, detail=unit.name_vi)
    db.session.delete(unit)
    db.session.flush()
