"""Dossiers, their files and their append-only events; the counters behind the codes."""
from __future__ import annotations

import enum
from datetime import datetime
from typing import Optional

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.accounts.models import Enterprise, Role, User
from portal.catalogue.models import Procedure, ProcedureVersion, RequiredDocument, Unit
from portal.db import UTCDateTime, str_enum, utcnow
from portal.dossiers.timeliness import Timeliness
from portal.dossiers.workflow import PUBLIC_NOTE_ACTIONS, Action, Proposal, State, can_apply
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


class Channel(enum.StrEnum):
    """How the dossier reached the Board (the split of Decision 766 and Circular 01/2018)."""

    ONLINE = "online"
    IN_PERSON = "in_person"
    POST = "post"

    @property
    def title(self) -> str:
        return str(_CHANNEL_TITLES[self])


_CHANNEL_TITLES = {
    Channel.ONLINE: _l("Online, through the portal"),
    Channel.IN_PERSON: _l("In person at the one-stop desk"),
    Channel.POST: _l("By public postal service"),
}


class Outcome(enum.StrEnum):
    APPROVED = "approved"
    NOT_APPROVED = "not_approved"
    STOPPED = "stopped"

    @property
    def title(self) -> str:
        return str(_OUTCOME_TITLES[self])

    @property
    def is_stop(self) -> bool:
        return self is Outcome.STOPPED

    @property
    def is_refusal(self) -> bool:
        return self is Outcome.NOT_APPROVED


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

    @property
    def title(self) -> str:
        return str(_FILE_KIND_TITLES[self])


_FILE_KIND_TITLES = {
    FileKind.APPLICATION: _l("Dossier files"),
    FileKind.SUPPLEMENT: _l("Supplement files"),
    FileKind.DRAFT_RESULT: _l("Draft result"),
    FileKind.RESULT: _l("Result document"),
}


_PROCESSING = "state IN ('in_progress', 'pending_approval')"
_PAUSED = "state = 'supplement_requested'"
_ASSIGNED = "state IN ('in_progress', 'pending_approval', 'supplement_requested')"


class Dossier(db.Model):
    __tablename__ = "dossiers"
    # Each list's filter and order has its index (migration 0009): partial indexes on the
    # open states by unit and by assignee in the queues' orders, the book by entry, the
    # enterprise's dossiers by creation, the search's orders. PostgreSQL has a few more of
    # its own (trigram indexes for the code's tail and the enterprise's name without
    # diacritics, descending orders with the undated last), outside this metadata.
    __table_args__ = (
        sa.Index("ix_dossiers_enterprise_state", "enterprise_id", "state"),
        sa.Index("ix_dossiers_unit_state_due", "unit_id", "state", "due_at"),
        sa.Index("ix_dossiers_state_submitted", "state", "submitted_at"),
        # With the state, PostgreSQL counts a month of the book from the index alone.
        sa.Index("ix_dossiers_book", "book_entered_at", "id", postgresql_include=["state"]),
        sa.Index("ix_dossiers_project_created", "project_id", "created_at", "id"),
        sa.Index("ix_dossiers_enterprise_created", "enterprise_id", "created_at", "id"),
        sa.Index("ix_dossiers_received_at", "received_at", "id"),
        sa.Index("ix_dossiers_due_at", "due_at", "id"),
        # The reports count a period's receptions and ends from these indexes alone.
        sa.Index("ix_dossiers_report_received", "received_at", "unit_id", "procedure_id", "channel"),
        sa.Index("ix_dossiers_report_finished", "finished_at", "unit_id", "procedure_id", "state", "grade",
                 "processing_days", "received_at"),
        *(sa.Index(name, *columns, postgresql_where=sa.text(where), sqlite_where=sa.text(where))
          for name, columns, where in (
            ("ix_dossiers_processing_assignee", ("assignee_id", "due_at", "id"), _PROCESSING),
            ("ix_dossiers_processing_unit", ("unit_id", "due_at", "id"), _PROCESSING),
            ("ix_dossiers_paused_assignee", ("assignee_id", "paused_at", "id"), _PAUSED),
            ("ix_dossiers_paused_unit", ("unit_id", "paused_at", "id"), _PAUSED),
            ("ix_dossiers_received_unit", ("unit_id", "received_at", "id"), "state = 'received'"),
            ("ix_dossiers_submitted", ("submitted_at", "id"), "state = 'submitted'"),
            ("ix_dossiers_resolved", ("finished_at", "id"), "state = 'resolved'"),
            ("ix_dossiers_pending_signer", ("awaiting_signer", "due_at", "id"), "state = 'pending_approval'"),
            ("ix_dossiers_open_unit_assignee", ("unit_id", "assignee_id", "state", "due_at"), _ASSIGNED),
        )),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Given on submission: {agency code}-{yymmdd}-{daily sequence}; never reused.
    code: Mapped[Optional[str]] = mapped_column(sa.String(60), unique=True)
    # Printed on the receipt; with the code it opens the public tracking page.
    lookup_key: Mapped[Optional[str]] = mapped_column(sa.String(16))
    enterprise_id: Mapped[int] = mapped_column(sa.ForeignKey("enterprises.id"))
    project_id: Mapped[int] = mapped_column(sa.ForeignKey("projects.id"))
    procedure_id: Mapped[int] = mapped_column(sa.ForeignKey("procedures.id"))
    # The procedure's legal version in force when the dossier was started: its checklist,
    # fields, time limit and signers apply to the end, whatever version comes later.
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("procedure_versions.id"), index=True)
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
    # The appointment given to the investor: the legal due date, or the new date of an apology.
    due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # The due date set by law (reception + limit, moved by supplement waits, never by an
    # apology): it grades the dossier and is the one synchronised nationally.
    legal_due_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Its line in the one-stop desk's tracking book: given once, at reception or refusal,
    # and printed on the receipt.
    book_year: Mapped[Optional[int]]
    book_serial: Mapped[Optional[int]]
    book_entered_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    finished_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    # Processing.
    assignee_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supplement_origin: Mapped[Optional[State]] = mapped_column(str_enum(State))  # where a supplement returns
    paused_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)  # clock stopped for a supplement
    proposal: Mapped[Optional[Proposal]] = mapped_column(str_enum(Proposal, length=20))  # awaiting approval
    proposal_note: Mapped[str] = mapped_column(sa.Text, default="")
    # Whose decision the proposal waits for: the reviewing head, or the signer.
    awaiting_signer: Mapped[Optional[Role]] = mapped_column(str_enum(Role))
    outcome: Mapped[Optional[Outcome]] = mapped_column(str_enum(Outcome))
    decision_note: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    apology_issued_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    returned_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)
    handover: Mapped[str] = mapped_column(sa.String(255), default="")
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, length=12), default=Channel.ONLINE)
    # Fixed when the dossier ends after reception (operations.transition), so a closed
    # period's figures never change: its Decision 766 grade and the working days it took,
    # the waits for the investor's supplements left out.
    grade: Mapped[Optional[Timeliness]] = mapped_column(str_enum(Timeliness, length=10))
    processing_days: Mapped[Optional[int]]
    # When a rule of Decision 766 made the dossier late whatever happens next (a second
    # supplement request during processing, or one made after the due date had passed).
    late_at: Mapped[Optional[datetime]] = mapped_column(UTCDateTime)

    enterprise: Mapped[Enterprise] = relationship()
    project: Mapped[Project] = relationship()
    procedure: Mapped[Procedure] = relationship()
    version: Mapped[ProcedureVersion] = relationship()
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

    @hybrid_method
    def owned_by(self, user) -> bool:
        """Whether the dossier is `user`'s to act on (which move, and when, is the workflow
        table's): its enterprise's members; for a filed dossier, the one-stop desk and the
        Board leaders, the head of the handling unit and the assigned specialist."""
        if not _active(user):
            return False
        if user.role is Role.INVESTOR:
            return self.enterprise_id in user.enterprise_ids
        if self.state is State.DRAFT:
            return False
        if user.role in (Role.DESK_OFFICER, Role.BOARD_LEADER):
            return True
        if user.role is Role.DEPARTMENT_HEAD:
            return user.unit_id is not None and self.unit_id == user.unit_id
        if user.role is Role.SPECIALIST:
            return self.assignee_id == user.id
        return False

    @owned_by.expression
    def owned_by(cls, user) -> sa.ColumnElement[bool]:
        """The same rule in SQL (tested against the Python one)."""
        if not _active(user):
            return sa.false()
        if user.role is Role.INVESTOR:
            return cls.enterprise_id.in_(user.enterprise_ids) if user.enterprise_ids else sa.false()
        filed = cls.state != State.DRAFT
        if user.role in (Role.DESK_OFFICER, Role.BOARD_LEADER):
            return filed
        if user.role is Role.DEPARTMENT_HEAD:
            return sa.and_(cls.unit_id == user.unit_id, filed) if user.unit_id is not None else sa.false()
        if user.role is Role.SPECIALIST:
            return sa.and_(cls.assignee_id == user.id, filed)
        return sa.false()

    @hybrid_method
    def visible_to(self, user) -> bool:
        """Who may read it: whoever owns it, and the handling unit's officers."""
        if self.owned_by(user):
            return True
        return bool(_active(user) and user.role is Role.SPECIALIST and user.unit_id is not None
                    and self.unit_id == user.unit_id and self.state is not State.DRAFT)

    @visible_to.expression
    def visible_to(cls, user) -> sa.ColumnElement[bool]:
        if _active(user) and user.role is Role.SPECIALIST and user.unit_id is not None:
            return sa.or_(cls.owned_by(user), sa.and_(cls.unit_id == user.unit_id, cls.state != State.DRAFT))
        return cls.owned_by(user)

    @property
    def national_code(self) -> Optional[int]:
        return self.state.national_code

    def is_overdue(self, now: Optional[datetime] = None) -> bool:
        """Derived, not stored: open, the clock running, and past the due time."""
        return bool(self.state.is_open and not self.is_paused
                    and self.due_at and (now or utcnow()) > self.due_at)

    @property
    def is_paused(self) -> bool:
        """The clock is stopped: waiting for a supplement asked during processing."""
        return self.state.is_paused and self.paused_at is not None

    @property
    def is_stop_proposal(self) -> bool:
        return self.proposal is Proposal.STOP

    @property
    def processing_supplements(self) -> list["SupplementRequest"]:
        """Supplement requests made after reception, while the dossier was being processed."""
        return [r for r in self.supplement_requests if r.origin_state is not State.SUBMITTED]

    def files_for(self, document: RequiredDocument) -> list["DossierFile"]:
        return [f for f in self.files if f.required_document_id == document.id and f.kind is FileKind.APPLICATION]

    def files_of_kind(self, kind: "FileKind") -> list["DossierFile"]:
        return [f for f in self.files if f.kind is kind]

    # Files added after submission, shown under their own headings.
    later_file_kinds = (FileKind.SUPPLEMENT, FileKind.DRAFT_RESULT, FileKind.RESULT)

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
        return self.state is State.DRAFT and self.owned_by(user)

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
        return self.state is State.RETURNED and _active(user) and user.role is Role.INVESTOR and self.owned_by(user)

    def can_add_note(self, user) -> bool:
        return user.is_authenticated and user.is_officer


def _active(user) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


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


class DossierEvent(db.Model):
    """One change of state. Append-only: the application never updates or deletes it."""

    __tablename__ = "dossier_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossiers.id"), index=True)
    actor_id: Mapped[Optional[int]] = mapped_column(sa.ForeignKey("users.id"))
    action: Mapped[Action] = mapped_column(str_enum(Action, length=40))
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
        return self.action.title


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

    __table_args__ = (sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_range"),
                      sa.Index("ix_service_ratings_created", "created_at", "score", "dossier_id"))


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
