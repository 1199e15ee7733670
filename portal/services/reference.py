"""The reference data every page reads (the Board's organisation, its calendar of extra
days), kept per process instead of read on every request.

Any change to these tables through the ORM (`flask catalogue load`, the administration,
a command) raises a version number in the same transaction (`reference_stamps`); a
process compares its copy's version with the database's at most once every
`REFERENCE_CACHE_SECONDS` (0: every request, as in the tests) and rereads what changed.
The process that made the change drops its copy at once. What is kept are plain values
or detached copies, never objects bound to one request's session.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import sqlalchemy as sa
from flask import current_app, g, has_app_context, has_request_context
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column

from portal.extensions import db

STAMP = "reference"


class ReferenceStamp(db.Model):
    """The version of the reference data; raised by every change to it."""

    __tablename__ = "reference_stamps"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    version: Mapped[int] = mapped_column(default=0)


class ReferenceCache:
    def __init__(self, max_age: float):
        self.max_age = max_age
        self.version: int | None = None
        self.checked_at = float("-inf")
        self.values: dict[str, Any] = {}
        self.lock = threading.Lock()

    def _current_version(self) -> int:
        return db.session.scalar(sa.select(ReferenceStamp.version).where(ReferenceStamp.name == STAMP)) or 0

    def _check(self) -> None:
        if has_request_context() and g.get("_reference_checked"):
            return
        now = time.monotonic()
        if now - self.checked_at >= self.max_age or self.version is None:
            version = self._current_version()
            with self.lock:
                if version != self.version:
                    self.values = {}
                    self.version = version
                self.checked_at = now
        if has_request_context():
            g._reference_checked = True

    def get(self, key: str, load: Callable[[], Any]) -> Any:
        self._check()
        values = self.values
        if key not in values:
            values[key] = load()
        return values[key]

    def drop(self) -> None:
        with self.lock:
            self.values, self.version, self.checked_at = {}, None, float("-inf")
        if has_request_context():
            g.pop("_reference_checked", None)


def _cache() -> ReferenceCache:
    cache = current_app.extensions.get("reference_cache")
    if cache is None:
        cache = current_app.extensions["reference_cache"] = ReferenceCache(
            current_app.config.get("REFERENCE_CACHE_SECONDS", 10))
    return cache


def cached(key: str, load: Callable[[], Any]) -> Any:
    """`load()`'s value, kept for the process until the reference data changes."""
    return _cache().get(key, load)


def detached_copy(obj):
    """A copy of a mapped object holding its column values, in no session (so it can be
    kept between requests and never reloads or lazy-loads)."""
    if obj is None:
        return None
    mapper = sa.inspect(obj).mapper
    return mapper.class_(**{column.key: getattr(obj, column.key) for column in mapper.column_attrs})


def _reference_classes() -> tuple[type, ...]:
    from portal.calendar.models import CalendarOverride
    from portal.catalogue.models import Field, Organisation, Procedure, ProcedureVersion, RequiredDocument, Unit, Zone

    return (Organisation, Unit, Zone, Field, Procedure, ProcedureVersion, RequiredDocument, CalendarOverride)


@event.listens_for(Session, "after_flush")
def _raise_version(session, flush_context):
    classes = _reference_classes()
    if not any(isinstance(obj, classes) for obj in (*session.new, *session.dirty, *session.deleted)):
        return
    connection = session.connection()
    table = ReferenceStamp.__table__
    updated = connection.execute(
        table.update().where(table.c.name == STAMP).values(version=table.c.version + 1)).rowcount
    if not updated:
        connection.execute(table.insert().values(name=STAMP, version=1))
    if has_app_context():
        _cache().drop()
