"""Exports that officers open in spreadsheet programs: CSV and XLSX from typed rows.

Cells come from investors (an enterprise named `=HYPERLINK(...)`), so nothing becomes a
formula: in CSV a text starting with = + - @ tab or carriage return is prefixed with an
apostrophe (OWASP's advice for CSV injection); in XLSX every text is written as a string
cell, and dates and numbers keep their types (a date is a date to sort and filter).
"""
from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Iterable, Sequence

from flask import Response, send_file, stream_with_context

from portal.calendar import LOCAL_TZ
from portal.i18n import format_moment

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """A text a spreadsheet will not read as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_text(value) -> str:
    """A cell as text: local date and time for moments, the value itself otherwise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return format_moment(value)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


class _Line:
    """A file-like object for csv.writer that hands back each line written."""

    def write(self, text: str) -> str:
        return text


def csv_lines(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterable[str]:
    """The lines of a CSV file, one by one, after a BOM so that spreadsheet programs read
    the Vietnamese text as UTF-8."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        yield writer.writerow([neutralise(as_text(cell)) if isinstance(cell, str) else as_text(cell) for cell in row])


def csv_response(columns: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    """Streamed line by line as `rows` yields them: constant memory, however many rows."""
    response = Response(stream_with_context(csv_lines(columns, rows)), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@dataclass
class Sheet:
    """One worksheet: a title, lines above the table (what it is, the period), the
    column headings and the rows (typed values: see `_set`)."""

    title: str
    lines: Sequence[str]
    columns: Sequence[str]
    rows: Iterable[Sequence]
    widths: Sequence[int] = ()


def xlsx_response(title: str, subtitle: str, columns: Sequence[str], rows: Iterable[Sequence], filename: str,
                  widths: Sequence[int] = ()) -> Response:
    """One sheet: the title and subtitle on its first line, then the table."""
    return xlsx_sheets([Sheet(title, [title, subtitle], columns, rows, widths)], filename, one_line=True)


def xlsx_sheets(sheets: Sequence[Sheet], filename: str, one_line: bool = False) -> Response:
    """Written to a temporary file, which is then sent and removed."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(sheets, spool, one_line)
    spool.seek(0)
    return send_file(spool, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def write_xlsx(sheets: Sequence[Sheet], target, one_line: bool = False) -> None:
    """Row by row (openpyxl's write-only mode keeps no sheet in memory) into `target`, a
    path or a binary file."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(_sheet_name(spec.title, used))
        for index, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width

        def typed(values, font=None):
            cells = []
            for value in values:
                cell = WriteOnlyCell(sheet)
                _set(cell, value)
                if font is not None:
                    cell.font = font
                cells.append(cell)
            return cells

        if one_line:
            sheet.append(typed(spec.lines[:1], bold) + typed(spec.lines[1:]))
        else:
            for number, line in enumerate(spec.lines):
                sheet.append(typed([line], bold if number == 0 else None))
            sheet.append([])
        sheet.append(typed([str(c) for c in spec.columns], bold))
        for row in spec.rows:
            sheet.append(typed(row))
    workbook.save(target)


def _sheet_name(title: str, used: set[str]) -> str:
    """At most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = "".join("-" if c in "[]:*?/\\" else c for c in title)[:28] or "Sheet"
    name, number = base, 2
    while name.lower() in used:
        name, number = f"{base[:26]} {number}", number + 1
    used.add(name.lower())
    return name


def _set(cell, value) -> None:
    """A typed cell: text as a string (never a formula), moments as local dates."""
    if isinstance(value, datetime):
        cell.value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
        cell.number_format = "hh:mm dd/mm/yyyy"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    elif isinstance(value, (int, float, Decimal)) or value is None:
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"  # openpyxl would otherwise store a text starting with "=" as a formula
