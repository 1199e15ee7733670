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

    enterprise: Mapped[Enterprise] = relationship()
    project: Mapped[Project] = relationship()
    procedure: Mapped[Procedure] = relationship()
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    received_by: Mapped[Optional[User]] = relationship(foreign_keys=[received_by_id])
    files: Mapped[list["DossierFile"]] = relationship(
        back_populates="dossier", order_by="DossierFile.id", cascade="all, delete-orphan"
    )
    events: Mapped[list["DossierEvent"]] = relationship(
        back_populates="dossier", order_by="DossierEvent.id"
    )

    @property
    def national_code(self) -> Optional[int]:
        return self.state.national_code

    def is_overdue(self, now: Optional[datetime] = None) -> bool:
        """Derived, not stored: open and past the due time."""
        return bool(self.state.is_open and self.due_at and (now or utcnow()) > self.due_at)

    def files_for(self, document: RequiredDocument) -> list["DossierFile"]:
        return [f for f in self.files if f.required_document_id == document.id]

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

    def can_receive(self, user) -> bool:
        return can_apply(self, Action.RECEIVE, user)


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

    dossier: Mapped[Dossier] = relationship(back_populates="files")
    required_document: Mapped[Optional[RequiredDocument]] = relationship()


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
    def action_title(self) -> str:
        try:
            return Action(self.action).title
        except ValueError:
            return self.action


@sa.event.listens_for(DossierEvent, "before_update")
@sa.event.listens_for(DossierEvent, "before_delete")
def _events_are_append_only(mapper, connection, target):
    raise RuntimeError("dossier events are append-only")


class Sequence(db.Model):
    """Gapless counters: the daily sequence of dossier codes, the yearly receipt book."""

    __tablename__ = "sequences"

    name: Mapped[str] = mapped_column(sa.String(30), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    last: Mapped[int] = mapped_column(default=0)
