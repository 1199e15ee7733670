"""Exports that officers open in spreadsheet programs: CSV and XLSX from typed rows.

Cells come from investors (an enterprise named `=HYPERLINK(...)`), so nothing becomes a
formula: in CSV a text starting with = + - @ tab or carriage return is prefixed with an
apostrophe (OWASP's advice for CSV injection); in XLSX every text is written as a string
cell, and dates and numbers keep their types (a date is a date to sort and filter).
"""
from __future__ import annotations

import csv
import tempfile
from datetime import date, datetime
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


def csv_response(columns: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    """Streamed line by line as `rows` yields them: constant memory, however many rows."""
    writer = csv.writer(_Line())

    def lines():
        # A BOM so spreadsheet programs read the Vietnamese text as UTF-8.
        yield "\ufeff" + writer.writerow([neutralise(str(c)) for c in columns])
        for row in rows:
            yield writer.writerow([neutralise(as_text(cell)) if isinstance(cell, str) else as_text(cell)
                                   for cell in row])

    response = Response(stream_with_context(lines()), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(title: str, subtitle: str, columns: Sequence[str], rows: Iterable[Sequence], filename: str,
                  widths: Sequence[int] = ()) -> Response:
    """Written row by row (openpyxl's write-only mode keeps no sheet in memory) to a
    temporary file, which is then sent and removed."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)

    def typed(values, font=None):
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet)
            _set(cell, value)
            if font is not None:
                cell.font = font
            cells.append(cell)
        return cells

    sheet.append(typed([title], bold) + typed([subtitle]))
    sheet.append(typed([str(c) for c in columns], bold))
    for row in rows:
        sheet.append(typed(row))
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(spool)
    spool.seek(0)
    return send_file(spool, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _set(cell, value) -> None:
    """A typed cell: text as a string (never a formula), moments as local dates."""
    if isinstance(value, datetime):
        cell.value = value.astimezone(LOCAL_TZ).replace(tzinfo=None)
        cell.number_format = "hh:mm dd/mm/yyyy"
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    elif isinstance(value, (int, float)) or value is None:
        cell.value = value
    else:
        cell.value = str(value)
        cell.data_type = "s"  # openpyxl would otherwise store a text starting with "=" as a formula
