"""Organisation, units, zones, fields, procedures and their required documents.

All of this is data, loaded from data/catalogue.yaml by `flask catalogue load`: a
successor board changes the file or the rows, never the code.
"""
from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import UTCDateTime, str_enum
from portal.extensions import db
from portal.i18n import Bilingual


class Organisation(Bilingual, db.Model):
    """The Board itself: a single row of settings used in pages, mails and slips."""

    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    short_name_vi: Mapped[str] = mapped_column(sa.String(120), default="")
    short_name_en: Mapped[str] = mapped_column(sa.String(120), default="")
    parent_agency_vi: Mapped[str] = mapped_column(sa.String(255), default="")
    parent_agency_en: Mapped[str] = mapped_column(sa.String(255), default="")
    # The Board's electronic identifier: the prefix of every dossier code.
    agency_code: Mapped[str] = mapped_column(sa.String(40))
    place_name: Mapped[str] = mapped_column(sa.String(80), default="")
    # Who signs in the agency's name (the apology, a withdrawal notice): the head of the
    # agency, or whoever the Board names.
    head_name: Mapped[str] = mapped_column(sa.String(200), default="")
    head_title_vi: Mapped[str] = mapped_column(sa.String(200), default="")
    head_title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    address_vi: Mapped[str] = mapped_column(sa.String(255), default="")
    address_en: Mapped[str] = mapped_column(sa.String(255), default="")
    hotline: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(255), default="")
    website: Mapped[str] = mapped_column(sa.String(255), default="")
    office_hours_vi: Mapped[str] = mapped_column(sa.String(255), default="")
    office_hours_en: Mapped[str] = mapped_column(sa.String(255), default="")
    description_vi: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Changed in the administration: `flask catalogue load` then leaves the row as it is.
    edited_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)


class UnitKind(enum.StrEnum):
    LEADERSHIP = "leadership"
    OFFICE = "office"
    DEPARTMENT = "department"
    AFFILIATED = "affiliated"

    @property
    def title(self) -> str:
        return str(_UNIT_KIND_TITLES[self])


_UNIT_KIND_TITLES = {
    UnitKind.LEADERSHIP: _l("Board leadership"),
    UnitKind.OFFICE: _l("Office"),
    UnitKind.DEPARTMENT: _l("Department"),
    UnitKind.AFFILIATED: _l("Affiliated unit"),
}


class Unit(Bilingual, db.Model):
    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[UnitKind] = mapped_column(str_enum(UnitKind))
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    description_vi: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    # Who heads the unit, as the public page names them (e.g. "Trưởng phòng", "Nguyễn Văn A").
    head_name: Mapped[str] = mapped_column(sa.String(200), default="")
    head_title_vi: Mapped[str] = mapped_column(sa.String(200), default="")
    head_title_en: Mapped[str] = mapped_column(sa.String(200), default="")
    # The unit that hosts the one-stop desk receives every dossier first.
    is_one_stop_desk: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)
    edited_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)   # see Organisation.edited_at
    # The code the data file knows the row by (`flask catalogue load` matches it), kept when
    # the administration changes `code`; empty for a row added in the administration.
    data_code: Mapped[Optional[str]] = mapped_column(sa.String(40), unique=True)

    procedures: Mapped[list["Procedure"]] = relationship(back_populates="unit")


class ZoneKind(enum.StrEnum):
    INDUSTRIAL_PARK = "industrial_park"
    BORDER_GATE_ECONOMIC_ZONE = "border_gate_economic_zone"

    @property
    def title(self) -> str:
        return str(_ZONE_KIND_TITLES[self])


_ZONE_KIND_TITLES = {
    ZoneKind.INDUSTRIAL_PARK: _l("Industrial park"),
    ZoneKind.BORDER_GATE_ECONOMIC_ZONE: _l("Border-gate economic zone"),
}


class Zone(Bilingual, db.Model):
    __tablename__ = "zones"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    kind: Mapped[ZoneKind] = mapped_column(str_enum(ZoneKind))
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    area_ha: Mapped[Optional[Decimal]] = mapped_column(sa.Numeric(12, 2))
    location_vi: Mapped[str] = mapped_column(sa.String(255), default="")
    location_en: Mapped[str] = mapped_column(sa.String(255), default="")
    description_vi: Mapped[str] = mapped_column(sa.Text, default="")
    description_en: Mapped[str] = mapped_column(sa.Text, default="")
    sort_order: Mapped[int] = mapped_column(default=0)
    edited_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)   # see Organisation.edited_at
    data_code: Mapped[Optional[str]] = mapped_column(sa.String(40), unique=True)   # see Unit.data_code


class Field(Bilingual, db.Model):
    """A field of procedures (lĩnh vực): investment, construction, labour, ..."""

    __tablename__ = "fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name_vi: Mapped[str] = mapped_column(sa.String(255))
    name_en: Mapped[str] = mapped_column(sa.String(255), default="")
    sort_order: Mapped[int] = mapped_column(default=0)


class TimeLimitKind(enum.StrEnum):
    WORKING_DAYS = "working_days"
    CALENDAR_DAYS = "calendar_days"

    @property
    def is_working_days(self) -> bool:
        return self is TimeLimitKind.WORKING_DAYS


class OnlineLevel(enum.StrEnum):
    FULL = "full"  # toàn trình
    PARTIAL = "partial"  # một phần

    @property
    def title(self) -> str:
        return str(_ONLINE_LEVEL_TITLES[self])


_ONLINE_LEVEL_TITLES = {
    OnlineLevel.FULL: _l("Full online service"),
    OnlineLevel.PARTIAL: _l("Partial online service"),
}


class SupplementClock(enum.StrEnum):
    """What a supplement request does to the deadline clock."""

    PAUSE = "pause"
    RESTART = "restart"

    @property
    def title(self) -> str:
        return str(_SUPPLEMENT_CLOCK_TITLES[self])


_SUPPLEMENT_CLOCK_TITLES = {
    SupplementClock.PAUSE: _l("The time limit pauses while the investor supplements the dossier"),
    SupplementClock.RESTART: _l("The time limit starts again when the supplemented dossier is received"),
}


class ApprovalChain(enum.StrEnum):
    """Who approves a procedure's result: a department head, a Board leader, or both in
    turn (the head reviews and forwards, the leader signs)."""

    HEAD = "head"
    LEADER = "leader"
    HEAD_THEN_LEADER = "head_then_leader"

    @property
    def title(self) -> str:
        return str(_APPROVAL_TITLES[self])


_APPROVAL_TITLES = {
    ApprovalChain.HEAD: _l("Signed by the department head"),
    ApprovalChain.LEADER: _l("Signed by a Board leader"),
    ApprovalChain.HEAD_THEN_LEADER: _l("Reviewed by the department head, signed by a Board leader"),
}


class CertificateEffect(enum.StrEnum):
    """What an approved result does to the project's investment registration certificate."""

    NONE = "none"
    ISSUE = "issue"            # first issue: number and date of the certificate
    AMEND = "amend"            # lần điều chỉnh thứ N
    TRANSFER = "transfer"      # an amendment (lần điều chỉnh thứ N) that records a transfer of the project
    REISSUE = "reissue"        # re-issued or corrected, same number
    TERMINATE = "terminate"    # the project ends; the certificate is withdrawn

    @property
    def is_amendment(self) -> bool:
        """Numbered as an amendment of the certificate (a transfer is one)."""
        return self in (CertificateEffect.AMEND, CertificateEffect.TRANSFER)


# How a procedure's time limit is split between the steps of its internal process, in
# working days (DOMAIN.md); the specialist has what is left. "review" applies only when
# the department head reviews before a Board leader signs.
DEFAULT_STEP_DAYS = {"reception": 0.5, "assignment": 0.5, "review": 1, "approval": 1, "return": 0.5}
STEPS = tuple(DEFAULT_STEP_DAYS)


class Procedure(Bilingual, db.Model):
    """A procedure as the Board names and routes it. What the law sets (time limit, fee,
    documents, who signs, ...) lives in its versions: each has its effective period, and a
    dossier keeps the version in force when it was started."""

    __tablename__ = "procedures"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    national_code: Mapped[str] = mapped_column(sa.String(40), default="")
    name_vi: Mapped[str] = mapped_column(sa.String(500))
    name_en: Mapped[str] = mapped_column(sa.String(500), default="")
    field_id: Mapped[int] = mapped_column(sa.ForeignKey("fields.id"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"), index=True)
    # A procedure for a new project creates the project together with the dossier.
    creates_project: Mapped[bool] = mapped_column(default=False)
    # What approving its result does to the project's certificate record, and whether the
    # project must already hold a certificate to start it (adjustment, transfer, ...).
    certificate_effect: Mapped[CertificateEffect] = mapped_column(
        str_enum(CertificateEffect), default=CertificateEffect.NONE
    )
    requires_certificate: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    # Lower-case text without diacritics, so "giay phep" finds "Giấy phép".
    search_text: Mapped[str] = mapped_column(sa.Text, default="")

    field: Mapped[Field] = relationship()
    unit: Mapped[Unit] = relationship(back_populates="procedures")
    versions: Mapped[list["ProcedureVersion"]] = relationship(
        back_populates="procedure", order_by="ProcedureVersion.number", cascade="all, delete-orphan",
    )

    @property
    def issues_certificate(self) -> bool:
        """Its approval records a certificate entry (number or date) on the project."""
        return self.certificate_effect is not CertificateEffect.NONE

    @property
    def amends_certificate(self) -> bool:
        return self.certificate_effect.is_amendment

    def version_on(self, day: date) -> Optional["ProcedureVersion"]:
        """The published version in force on `day`, if any (the versions must be loaded)."""
        return in_force(self.versions, day)

    def next_version(self, day: date) -> Optional["ProcedureVersion"]:
        """A published version that takes effect after `day`: the public page announces it."""
        return upcoming(self.versions, day)


def in_force(versions, day: date) -> Optional["ProcedureVersion"]:
    return next((v for v in versions if v.is_published and v.covers(day)), None)


def upcoming(versions, day: date) -> Optional["ProcedureVersion"]:
    later = [v for v in versions if v.is_published and v.effective_from and v.effective_from > day]
    return min(later, key=lambda v: v.effective_from, default=None)


# Values of a version the administrator may mark "to be verified" (a lawyer's check).
VERIFIABLE = ("legal_basis", "time_limit", "fee", "documents", "approval_chain", "step_days", "form_fields",
              "dossier_sets", "effective_from", "effective_to", "national_code", "result", "online_level")


class ProcedureVersion(Bilingual, db.Model):
    """One legal version of a procedure: what the law in force over its effective period
    sets. A draft (no `published_at`) is the administrator's to edit; a published version
    never changes what a dossier bound to it was told (only its end date, when a later
    version takes over)."""

    __tablename__ = "procedure_versions"
    __table_args__ = (
        sa.UniqueConstraint("procedure_id", "number"),
        sa.CheckConstraint("time_limit_days IS NULL OR time_limit_days > 0", name="time_limit_positive"),
        sa.CheckConstraint("effective_to IS NULL OR effective_from IS NULL OR effective_to >= effective_from",
                           name="period_in_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id"), index=True)
    number: Mapped[int]
    effective_from: Mapped[Optional[date]]
    effective_to: Mapped[Optional[date]]
    legal_basis_vi: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis_en: Mapped[str] = mapped_column(sa.Text, default="")
    time_limit_days: Mapped[Optional[int]]
    time_limit_kind: Mapped[TimeLimitKind] = mapped_column(
        str_enum(TimeLimitKind), default=TimeLimitKind.WORKING_DAYS
    )
    time_limit_note_vi: Mapped[str] = mapped_column(sa.Text, default="")
    time_limit_note_en: Mapped[str] = mapped_column(sa.Text, default="")
    fee_amount: Mapped[Optional[int]]  # VND; None when the fee is described in words
    fee_vi: Mapped[str] = mapped_column(sa.Text, default="")
    fee_en: Mapped[str] = mapped_column(sa.Text, default="")
    result_vi: Mapped[str] = mapped_column(sa.Text, default="")
    result_en: Mapped[str] = mapped_column(sa.Text, default="")
    online_level: Mapped[OnlineLevel] = mapped_column(str_enum(OnlineLevel))
    supplement_clock: Mapped[SupplementClock] = mapped_column(
        str_enum(SupplementClock), default=SupplementClock.PAUSE
    )
    approval_chain: Mapped[ApprovalChain] = mapped_column(str_enum(ApprovalChain), default=ApprovalChain.LEADER)
    # Supplement requests allowed while the dossier is being processed (Decision 766: one;
    # a procedure whose law allows more may say so, and then a second one makes it late).
    processing_supplements: Mapped[int] = mapped_column(default=1)
    # The time limit's split between steps, in working days (missing keys: DEFAULT_STEP_DAYS).
    step_days: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The procedure's own fields, filled in by the investor:
    # [{"key", "label_vi", "label_en", "type": text|textarea|number|date, "required"}].
    form_fields: Mapped[list] = mapped_column(sa.JSON, default=list)
    # Sets (bộ) of the dossier the investor hands in, printed on the receipt.
    dossier_sets: Mapped[int] = mapped_column(default=1)
    # Names from VERIFIABLE whose value awaits a lawyer's check (shown to administrators).
    verify: Mapped[list] = mapped_column(sa.JSON, default=list)
    published_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Created or changed in the administration: `flask catalogue load` then leaves it.
    edited_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    procedure: Mapped[Procedure] = relationship(back_populates="versions")
    documents: Mapped[list["RequiredDocument"]] = relationship(
        back_populates="version",
        order_by="RequiredDocument.position",
        cascade="all, delete-orphan",
    )

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def covers(self, day: date) -> bool:
        return bool(self.effective_from and self.effective_from <= day
                    and (self.effective_to is None or day <= self.effective_to))

    def is_in_force(self, on: date) -> bool:
        return self.is_published and self.covers(on)

    def to_verify(self, name: str) -> bool:
        return name in (self.verify or ())

    def field_label(self, spec: dict) -> str:
        from portal.i18n import current_language

        return spec.get(f"label_{current_language()}") or spec.get("label_vi", spec["key"])

    def steps(self) -> list[tuple[str, Optional[float]]]:
        """The internal process as the public page lists it: [(step, working days)], from
        reception to the return of the result. The specialist's appraisal has what the other
        steps leave of a working-day limit (a limit too short for them shrinks them as the
        control slip does, to half of it); None where no figure applies (no time limit, or the
        appraisal of a calendar-day limit, which has the rest)."""
        order = ["reception", "assignment", "appraisal", "review", "approval", "return"]
        if self.approval_chain is not ApprovalChain.HEAD_THEN_LEADER:
            order.remove("review")
        if not self.time_limit_days:
            return [(step, None) for step in order]
        share = {step: self.step_share(step) for step in STEPS if step in order}
        fixed = sum(share.values())
        rest = None
        if self.time_limit_kind.is_working_days:
            if fixed >= self.time_limit_days:
                share = {step: days * self.time_limit_days / (2 * fixed) for step, days in share.items()}
                fixed = self.time_limit_days / 2
            rest = self.time_limit_days - fixed
        return [(step, rest if step == "appraisal" else share[step]) for step in order]

    def step_share(self, step: str) -> float:
        """Working days allotted to `step` of the internal process ("review" only when the
        head reviews before a leader signs)."""
        if step == "review" and self.approval_chain is not ApprovalChain.HEAD_THEN_LEADER:
            return 0
        return float((self.step_days or {}).get(step, DEFAULT_STEP_DAYS[step]))


class RequiredDocument(Bilingual, db.Model):
    """One line of a procedure's dossier (thành phần hồ sơ)."""

    __tablename__ = "required_documents"
    __table_args__ = (sa.UniqueConstraint("version_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("procedure_versions.id", ondelete="CASCADE"))
    position: Mapped[int]
    name_vi: Mapped[str] = mapped_column(sa.Text)
    name_en: Mapped[str] = mapped_column(sa.Text, default="")
    note_vi: Mapped[str] = mapped_column(sa.Text, default="")
    note_en: Mapped[str] = mapped_column(sa.Text, default="")
    is_mandatory: Mapped[bool] = mapped_column(default=True)
    originals: Mapped[int] = mapped_column(default=1)
    copies: Mapped[int] = mapped_column(default=0)
    # Comma-separated extensions, e.g. "pdf,docx"; empty means the portal's defaults.
    accepted_types: Mapped[str] = mapped_column(sa.String(120), default="")
    # The blank form the law provides for this document (a file in the portal's storage).
    blank_form_key: Mapped[str] = mapped_column(sa.String(255), default="")
    blank_form_name: Mapped[str] = mapped_column(sa.String(255), default="")

    version: Mapped[ProcedureVersion] = relationship(back_populates="documents")
