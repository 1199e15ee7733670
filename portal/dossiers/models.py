"""Dossiers, their files and their append-only events; the counters behind the codes."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, User
from portal.catalogue.models import Procedure, RequiredDocument, Unit
from portal.db import UTCDateTime, str_enum, utcnow
from portal.dossiers.workflow import Action, State, can_apply
from portal.extensions import db
from portal.projects.models import Project


class ReturnMethod(enum.StrEnum):
    AT_DESK = "at_desk"
    POST = "post"
    ONLINE = "online"

    @property
    def title(self) -> str:
        return str(_RETURN_TITLES[self])


_RETURN_TITLES = {
    ReturnMethod.AT_DESK: _l("In person at the one-stop desk"),
    ReturnMethod.POST: _l("By public postal service"),
    ReturnMethod.ONLINE: _l("Online (electronic copy)"),
}


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    STOPPED = "stopped"

    @property
    def title(self) -> str:
        return str(_OUTCOME_TITLES[self])


_OUTCOME_TITLES = {
    Outcome.APPROVED: _l("Approved"),
    Outcome.NOT_APPROVED: _l("Not approved"),
    Outcome.STOPPED: _l("Stopped"),
}


class FileKind(enum.StrEnum):
    APPLICATION = "application"    # filed by the investor with the dossier
    SUPPLEMENT = "supplement"      # sent by the investor against a supplement request
    DRAFT_RESULT = "draft_result"  # the specialist's draft, seen only by officers
    RESULT = "result"              # the signed result document


class Dossier(db.Model):
    __tablename__ = "dossiers"
    __table_args__ = (
        sa.Index("ix_dossiers_enterprise_state", "enterprise_id", "state"),
        sa.Index("ix_dossiers_unit_state_due", "unit_id", "state", "due_at"),
        sa.Index("ix_dossiers_state_submitted", "state", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Given on submission: {agency code}-{yymmdd}-{daily sequence}; never reused.
    code: Mapped[Optional[str]] = mapped_column(sa.String(60), unique=True)
    # Printed on the receipt; with the code it opens the public tracking page.
    lookup_key: Mapped[Optional[str]] = mapped_column(sa.String(16))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"), index=True)
    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))  # the handling unit
    state: Mapped[State] = mapped_column(str_enum(State), default=State.DRAFT)
    return_method: Mapped[ReturnMethod] = mapped_column(str_enum(ReturnMethod), default=ReturnMethod.AT_DESK)
    field_values: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    received_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    received_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Processing.
    assignee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supplement_origin: Mapped[Optional[State]] = mapped_column(str_enum(State))  # where a supplement returns
    paused_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # clock stopped for a supplement
    proposal: Mapped[Optional[str]] = mapped_column(sa.String(20))  # "result" or "stop", awaiting approval
    proposal_note: Mapped[str] = mapped_column(sa.Text, default="")
    outcome: Mapped[Optional[Outcome]] = mapped_column(str_enum(Outcome))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    apology_issued_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    returned_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    handover: Mapped[str] = mapped_column(sa.String(255), default="")

    enterprise: Mapped[Enterprise] = relationship()
    project: Mapped[Project] = relationship()
    procedure: Mapped[Procedure] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    received_by: Mapped[Optional[User]] = relationship(foreign_keys=[received_by_id])
    assignee: Mapped[Optional[User]] = relationship(foreign_keys=[assignee_id])
    decided_by: Mapped[Optional[User]] = relationship(foreign_keys=[decided_by_id])
    files: Mapped[list["DossierFile"]] = relationship(
        back_populates="dossier", order_by="DossierFile.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["DossierEvent"]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id"
    )
    supplement_requests: Mapped[list["SupplementRequest"]] = relationship(
        back_populates="dossier", order_by="SupplementRequest.id"
    )
    notes: Mapped[list["DossierNote"]] = relationship(back_populates="dossier", order_by="DossierNote.id")

    @property
    def national_code(self) -> Optional[int]:
        return self.state.national_code

    def is_overdue(self, now: Optional[datetime] = None) -> bool:
        """Derived, not stored: open, the clock running, and past the due time."""
        return bool(self.state.is_open and self.state is not State.SUPPLEMENT_REQUESTED
                    and self.due_at and (now or utcnow()) > self.due_at)

    def files_for(self, document: RequiredDocument) -> list["DossierFile"]:
        return [f for f in self.files if f.required_document_id == document.id and f.kind is FileKind.APPLICATION]

    def files_of_kind(self, kind: "FileKind") -> list["DossierFile"]:
        return [f for f in self.files if f.kind is kind]

    @property
    def result_files(self) -> list["DossierFile"]:
        return self.files_of_kind(FileKind.RESULT)

    @property
    def open_supplement(self) -> Optional["SupplementRequest"]:
        return next((r for r in self.supplement_requests if r.answered_at is None), None)

    @property
    def total_size(self) -> int:
        return sum(f.size for f in self.files)

    # -- guards used by views and templates ---------------------------------
    def can_edit(self, user) -> bool:
        return self.state is State.DRAFT and user.is_authenticated and self.enterprise_id in user.enterprise_ids

    def can_submit(self, user) -> bool:
        return can_apply(self, Action.SUBMIT, user)

    def can_withdraw(self, user) -> bool:
        return can_apply(self, Action.WITHDRAW, user)

    def can(self, action: str, user) -> bool:
        """Templates ask `dossier.can('assign', current_user)`; the table decides."""
        return can_apply(self, Action(action), user)

    def can_receive(self, user) -> bool:
        return can_apply(self, Action.RECEIVE, user)

    def can_rate(self, user) -> bool:
        """The investor rates the service once the result has been returned."""
        return self.state is State.RETURNED and user.is_authenticated and self.enterprise_id in user.enterprise_ids

    def can_add_note(self, user) -> bool:
        return user.is_authenticated and user.is_officer


class DossierFile(db.Model):
    """A file uploaded for one required document (or as an extra) of a dossier."""

    __tablename__ = "dossier_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id", ondelete="CASCADE"), index=True)
    required_document_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("required_documents.id"))
    original_name: Mapped[str] = mapped_column(sa.String(255))
    storage_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(120))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[FileKind] = mapped_column(str_enum(FileKind), default=FileKind.APPLICATION)
    supplement_item_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("supplement_items.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="files")
    required_document: Mapped[Optional[RequiredDocument]] = relationship()

    @property
    def is_inline_viewable(self) -> bool:
        return self.content_type in {"application/pdf", "image/png", "image/jpeg"}

    def visible_to(self, user) -> bool:
        """Draft results are internal to the Board."""
        return self.kind is not FileKind.DRAFT_RESULT or (user.is_authenticated and user.is_officer)


# Actions whose note is addressed to the investor (reasons, requests, how a result was handed over).
PUBLIC_NOTE_ACTIONS = frozenset({"request_supplement", "refuse", "withdraw", "apologize", "decline", "approve",
                                 "return_result"})


class DossierEvent(db.Model):
    """One change of state. Append-only: the application never updates or deletes it."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(sa.String(40))
    from_state: Mapped[Optional[State]] = mapped_column(str_enum(State))
    to_state: Mapped[State] = mapped_column(str_enum(State))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="events")
    actor: Mapped[Optional[User]] = relationship()

    @property
    def public_note(self) -> str:
        """The note as the investor may read it: officers' internal comments stay inside."""
        return self.note if self.action in PUBLIC_NOTE_ACTIONS else ""

    @property
    def action_title(self) -> str:
        try:
            return Action(self.action).title
        except ValueError:
            return self.action


@sa.event.listens_for(DossierEvent, "before_update")
@sa.event.listens_for(DossierEvent, "before_delete")
def _events_are_append_only(mapper, connection, target):
    raise RuntimeError("dossier events are append-only")


class SupplementRequest(db.Model):
    """One request to supplement a dossier, listing every item at once."""

    __tablename__ = "supplement_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    origin_state: Mapped[State] = mapped_column(str_enum(State))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    answered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    dossier: Mapped[Dossier] = relationship(back_populates="supplement_requests")
    requested_by: Mapped[User] = relationship()
    items: Mapped[list["SupplementItem"]] = relationship(
        back_populates="request", order_by="SupplementItem.position", cascade="all, delete-orphan"
    )


class SupplementItem(db.Model):
    __tablename__ = "supplement_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("supplement_requests.id"), index=True)
    position: Mapped[int]
    required_document_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("required_documents.id"))
    description: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)

    request: Mapped[SupplementRequest] = relationship(back_populates="items")
    required_document: Mapped[Optional[RequiredDocument]] = relationship()
    files: Mapped[list[DossierFile]] = relationship(order_by="DossierFile.id", viewonly=True)


class DossierNote(db.Model):
    """An internal note between officers; investors never see it. Append-only."""

    __tablename__ = "dossier_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    dossier: Mapped[Dossier] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()


class ServiceRating(db.Model):
    """The investor's rating of the service, once the result is returned."""

    __tablename__ = "service_ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    score: Mapped[int]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),)


@sa.event.listens_for(DossierNote, "before_update")
@sa.event.listens_for(DossierNote, "before_delete")
def _notes_are_append_only(mapper, connection, target):
    raise RuntimeError("dossier notes are append-only")


class Sequence(db.Model):
    """Gapless counters: the daily sequence of dossier codes, the yearly receipt book."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
