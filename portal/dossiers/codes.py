"""Dossier codes and other gapless numbers.

A counter row per (name, period) is incremented with one INSERT ... ON CONFLICT DO
UPDATE ... RETURNING statement. The row stays locked until the transaction ends, so
concurrent submissions queue on it (PostgreSQL row lock; SQLite's single writer) and a
rolled-back submission gives its number back: codes are unique and gapless per day.
"""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite

from portal.calendar import LOCAL_TZ
from portal.dossiers.models import Sequence
from portal.extensions import db

# No 0/O, 1/I/L: the key is read off paper and typed by hand.
LOOKUP_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def next_number(name: str, period: str) -> int:
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Sequence)
        .values(name=name, period=period, last=1)
        .on_conflict_do_update(index_elements=["name", "period"], set_={"last": Sequence.last + 1})
        .returning(Sequence.last)
    )
    return db.session.execute(statement).scalar_one()


def dossier_code(agency_code: str, at: datetime) -> str:
    """`{agency code}-{yymmdd}-{daily sequence of 4 digits}`, the day in Vietnam's time."""
    day = at.astimezone(LOCAL_TZ).strftime("%y%m%d")
    return f"{agency_code}-{day}-{next_number('dossier', day):04d}"


def lookup_key(length: int = 8) -> str:
    return "".join(secrets.choice(LOOKUP_ALPHABET) for _ in range(length))
