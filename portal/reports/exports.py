"""A report as a file: XLSX (a sheet per table, typed cells), CSV (the tables one after
another) or PDF (the layout of an official report: the Board's header and the national
motto, the period, the date of export, the tables and charts, the signature block), always
in Vietnamese, the language of the Board's papers. The same for the pages' downloads and
for `flask reports`.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from typing import Sequence

from portal.calendar import LOCAL_TZ
from portal.reports.tables import Table, text

FORMATS = ("xlsx", "pdf", "csv")
MEDIA_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
}


@dataclass
class Document:
    """What a report file says besides its tables."""

    title: str
    lines: Sequence[str]      # the period, the scope
    exported_at: datetime
    tables: Sequence[Table]
    charts: Sequence = ()     # Markup SVG, for the PDF


def _cells(table: Table, row: list) -> list:
    """Rates and averages to one decimal, as the pages show them."""
    return [round(cell, 1) if column.kind in ("percent", "days") and isinstance(cell, float) else cell
            for column, cell in zip(table.columns, row)]


def _rows(table: Table) -> list[list]:
    return [_cells(table, row) for row in table.rows] + ([_cells(table, table.total)] if table.total else [])


def _exported(document: Document) -> str:
    from flask_babel import gettext as _

    return _("Exported on %(moment)s", moment=document.exported_at.astimezone(LOCAL_TZ).strftime("%H:%M %d/%m/%Y"))


def render(document: Document, form: str) -> bytes:
    """The file's bytes in `form` (one of FORMATS)."""
    if form == "xlsx":
        return _xlsx(document)
    if form == "csv":
        return _csv(document).encode("utf-8")
    if form == "pdf":
        return _pdf(document)
    raise ValueError(f"unknown format {form!r}")


def _xlsx(document: Document) -> bytes:
    from portal.services.exports import Sheet, write_xlsx

    lines = [document.title, *document.lines, _exported(document)]
    sheets = [Sheet(table.title, [*lines, table.title, *([table.note] if table.note else [])],
                    [c.title for c in table.columns], _rows(table),
                    widths=[48 if c.kind == "text" else 16 for c in table.columns])
              for table in document.tables]
    target = io.BytesIO()
    write_xlsx(sheets, target)
    return target.getvalue()


def _csv(document: Document) -> str:
    from portal.services.exports import csv_lines

    lines = [document.title, *document.lines, _exported(document)]
    rows: list[list] = [[line] for line in lines[1:]]
    for table in document.tables:
        rows += [[], [table.title], [c.title for c in table.columns], *_rows(table)]
        if table.note:
            rows.append([table.note])
    return "".join(csv_lines([lines[0]], rows))


def _pdf(document: Document) -> bytes:
    from portal.catalogue.queries import organisation
    from portal.documents.builders import keep_together
    from portal.services.pdf import render_pdf

    org = organisation()
    place = org.place_name or ""
    local = document.exported_at.astimezone(LOCAL_TZ)
    head = {"parent_agency": keep_together(org.parent_agency_vi, place), "agency": keep_together(org.name_vi, place),
            "place": place, "issued": local}
    return render_pdf("pdf/report.html", {"document": document, "head": head, "cell": text})
