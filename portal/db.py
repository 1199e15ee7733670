"""Declarative base, naming convention and column types shared by every domain."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlite3

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can drop and alter them on every backend.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    """For Alembic's comparisons: PostgreSQL's own indexes (trigram, descending with nulls
    last; named "pg_...") live in the migrations only, as the models' metadata, shared with
    SQLite, cannot describe them."""
    return not (type_ == "index" and reflected and compare_to is None and (name or "").startswith("pg_"))


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite keeps no zone, so values come back naive; they are UTC by construction.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use timezone-aware UTC values")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def str_enum(enum_cls, length: int = 30) -> sa.Enum:
    """A portable enum column: stored as its value in a VARCHAR with no native type."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        length=length,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


# SQLite: let SQLAlchemy, not the driver, decide when transactions begin (so SAVEPOINTs
# and rollbacks behave as on PostgreSQL), enforce foreign keys, let readers run beside
# the writer (WAL), and make writers queue instead of failing: a request that may
# write takes the write lock when it begins (BEGIN IMMEDIATE) and waits for it. A read
# transaction that later writes would fail at once ("database is locked") if another
# writer committed meanwhile, so a GET that writes says so with `web.writes_on_get`.
@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        # The search's folding (PostgreSQL has its own, on unaccent: migration 0009).
        from portal.text import fold

        dbapi_connection.create_function("portal_fold", 1, fold, deterministic=True)
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")
        if dbapi_connection.execute("PRAGMA journal_mode").fetchone()[0] not in ("memory", "wal"):
            dbapi_connection.execute("PRAGMA journal_mode=WAL")


def _may_write() -> bool:
    """Whether this request's transactions should take SQLite's write lock when they begin:
    every POST, and the GET views marked `writes_on_get` (an audit row, a first render)."""
    from flask import current_app, has_request_context, request

    if has_request_context():
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            return True
        view = current_app.view_functions.get(request.endpoint or "")
        return bool(getattr(view, "writes_on_get", False))
    return True  # commands and jobs


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection):
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _may_write() else "BEGIN")
