"""The two SQL expressions the reports need that the databases spell differently.

`open_at(moment)`: the dossier had been received and had not ended at that moment. On
PostgreSQL it is written as a range containing the moment, which the GiST index of
migration 0010 answers by reading only the dossiers open then (a few thousand among a
million), whatever the moment; elsewhere, as the plain comparison.

`local_month(column)`: the month ("2026-03") of a moment in Vietnam time (UTC+7 all year,
no daylight saving), for the figures per month.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import ColumnElement, FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal

from portal.db import UTCDateTime
from portal.dossiers.models import Dossier


class _OpenAt(ColumnElement):
    inherit_cache = True
    type = sa.Boolean()
    # The moment is a bound parameter: statements are cached with it as a placeholder.
    _traverse_internals = [("moment", InternalTraversal.dp_clauseelement)]

    def __init__(self, moment: datetime):
        self.moment = sa.literal(moment, UTCDateTime())


@compiles(_OpenAt)
def _open_at_default(element, compiler, **kw):
    condition = sa.and_(Dossier.received_at.is_not(None), Dossier.received_at < element.moment,
                        sa.or_(Dossier.finished_at.is_(None), Dossier.finished_at >= element.moment))
    return compiler.process(condition, **kw)


@compiles(_OpenAt, "postgresql")
def _open_at_postgresql(element, compiler, **kw):
    span = sa.func.tstzrange(Dossier.received_at, Dossier.finished_at, sa.literal_column("'(]'"))
    condition = sa.and_(Dossier.received_at.is_not(None), span.op("@>")(element.moment))
    return compiler.process(condition, **kw)


def open_at(moment: datetime) -> ColumnElement[bool]:
    return _OpenAt(moment)


class local_month(FunctionElement):
    inherit_cache = True
    type = sa.String()


@compiles(local_month)
def _local_month_default(element, compiler, **kw):
    (column,) = element.clauses
    # Constants written in the statement, not bound: the same expression in SELECT and GROUP BY.
    return compiler.process(sa.func.strftime(sa.literal_column("'%Y-%m'"), column, sa.literal_column("'+7 hours'")),
                            **kw)


@compiles(local_month, "postgresql")
def _local_month_postgresql(element, compiler, **kw):
    (column,) = element.clauses
    zone, pattern = sa.literal_column("'Asia/Ho_Chi_Minh'"), sa.literal_column("'YYYY-MM'")
    return compiler.process(sa.func.to_char(sa.func.timezone(zone, column), pattern), **kw)
