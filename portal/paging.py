"""Lists a page at a time, each with its total, so that no row is ever dropped silently.

Pages follow one another by keyset (the sort values of the last row shown, in an opaque
`after` argument), which an index serves at any depth; the page number travels beside it
for display only. Search results, which can be sorted several ways, use numbered pages.
"""
from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Sequence

import sqlalchemy as sa
from flask import request, url_for

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.base import Executable
from sqlalchemy.sql.elements import ClauseElement

from portal.db import UTCDateTime
from portal.extensions import db

PAGE_SIZE = 25
MAX_CURSOR_CHARS = 400
MAX_PAGE_NUMBER = 100_000


@dataclass(frozen=True)
class Position:
    """Where a list starts: after the row whose sort values are `after`, on page `number`."""

    after: Optional[str] = None
    number: int = 1


FIRST = Position()


@dataclass
class Page:
    rows: list
    total: int
    number: int
    size: int
    next_after: Optional[str] = None  # keyset lists
    estimated: bool = False           # the total is the planner's estimate, not a count
    name: str = ""                    # the list's prefix in the page's arguments

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def last_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)

    is_keyset: bool = True

    @property
    def has_next(self) -> bool:
        return self.next_after is not None if self.is_keyset else self.number < self.pages


def position(name: str = "") -> Position:
    """The position asked in the request for the list called `name` (bad values: the start)."""
    after = request.args.get(f"{name}after") or None
    if after is not None and len(after) > MAX_CURSOR_CHARS:
        after = None
    number = request.args.get(f"{name}n", type=int) or 1
    return Position(after, min(max(number, 1), MAX_PAGE_NUMBER))


def page_url(page: Page, which: str) -> str:
    """This page's address with the list `page` moved to its first or next page (or to a
    numbered page), the other lists and filters kept as they are."""
    args = request.args.to_dict()
    args.update(request.view_args or {})
    for key in (f"{page.name}after", f"{page.name}n"):
        args.pop(key, None)
    if which == "next" and page.is_keyset:
        args[f"{page.name}after"], args[f"{page.name}n"] = page.next_after, page.number + 1
    elif which == "next":
        args[f"{page.name}n"] = page.number + 1
    elif which == "previous" and not page.is_keyset and page.number > 1:
        args[f"{page.name}n"] = page.number - 1
    return url_for(request.endpoint, **args)


# --- keyset ------------------------------------------------------------------------------

def _encode(values: Sequence) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(token: Optional[str], keys: Sequence[sa.ColumnElement]) -> Optional[list]:
    """The sort values in `token`, typed as the keys' columns; None for anything else."""
    if not token:
        return None
    try:
        plain = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        if not isinstance(plain, list) or len(plain) != len(keys):
            return None
        values = []
        for key, value in zip(keys, plain):
            if isinstance(key.type, UTCDateTime):
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    return None
                values.append(moment)
            elif isinstance(key.type, sa.Integer):
                if not isinstance(value, int) or isinstance(value, bool) or abs(value) >= 2 ** 63:
                    return None
                values.append(value)
            else:
                return None
        return values
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def count(base: sa.Select) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(base.order_by(None).subquery())) or 0


def keyset(base: sa.Select, keys: Sequence[sa.ColumnElement], at: Position = FIRST, *, descending: bool = False,
           options: Sequence = (), size: int = PAGE_SIZE, name: str = "") -> Page:
    """One page of `base` in the order of `keys` (never null; the last one unique, such as
    the id), all ascending or all descending; with the total of `base`."""
    query = base
    after = _decode(at.after, keys)
    if after is not None:
        bound = sa.tuple_(*[sa.literal(value, key.type) for key, value in zip(keys, after)])
        row = sa.tuple_(*keys)
        query = query.where(row < bound if descending else row > bound)
    order = [key.desc() for key in keys] if descending else list(keys)
    rows = list(db.session.scalars(query.options(*options).order_by(*order).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    number = at.number if after is not None else 1
    next_after = _encode([_value(rows[-1], key) for key in keys]) if more else None
    return Page(rows, count(base), number, size, next_after, name=name)


def _value(row, key: sa.ColumnElement):
    return getattr(row, key.key)


# --- numbered pages with an estimated total when counting would be dear -----------------

def numbered(base: sa.Select, order: Sequence, at: Position = FIRST, *, options: Sequence = (),
             size: int = PAGE_SIZE, exact_up_to: int = 2_000, name: str = "") -> Page:
    """One numbered page of `base`. The total is counted up to `exact_up_to` rows; beyond,
    PostgreSQL's planner estimate is given (marked as such), or the bound on SQLite."""
    number = min(at.number, MAX_PAGE_NUMBER)
    rows = list(db.session.scalars(base.options(*options).order_by(*order).limit(size)
                                   .offset((number - 1) * size)))
    capped = db.session.scalar(sa.select(sa.func.count()).select_from(
        base.order_by(None).limit(exact_up_to + 1).subquery())) or 0
    page = Page(rows, capped, number, size, name=name, is_keyset=False)
    if capped > exact_up_to:
        page.estimated = True
        page.total = max(_estimate(base), exact_up_to + 1)
    return page


class _Explain(Executable, ClauseElement):
    """EXPLAIN of a statement, its parameters bound as in the statement itself."""

    inherit_cache = False

    def __init__(self, statement):
        self.statement = statement


@compiles(_Explain, "postgresql")
def _explain_postgresql(element, compiler, **kw):
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def _estimate(base: sa.Select) -> int:
    """The planner's row estimate for `base` (PostgreSQL), else 0."""
    if db.session.get_bind().dialect.name != "postgresql":
        return 0
    plan = db.session.execute(_Explain(base.order_by(None))).scalar()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
