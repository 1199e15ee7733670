"""Exports that officers open in spreadsheet programs: CSV and XLSX from typed rows.

Cells come from investors (an enterprise named `=HYPERLINK(...)`), so nothing becomes a
formula: in CSV a text starting with = + - @ tab or carriage return is prefixed with an
apostrophe (OWASP's advice for CSV injection); in XLSX every text is written as a string
cell, and dates and numbers keep their types (a date is a date to sort and filter).
"""
from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Iterable, Sequence

from flask import Response, send_file

from portal.calendar import LOCAL_TZ

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATETIME_FORMAT = "%H:%M %d/%m/%Y"


def neutralise(text: str) -> str:
    """A text a spreadsheet will not read as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def as_text(value) -> str:
    """A cell as text: local date and time for moments, the value itself otherwise."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone(LOCAL_TZ).strftime(DATETIME_FORMAT)
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def csv_response(columns: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise(str(c)) for c in columns])
    for row in rows:
        writer.writerow([neutralise(as_text(cell)) if isinstance(cell, str) else as_text(cell) for cell in row])
    # A BOM so spreadsheet programs read the Vietnamese text as UTF-8.
    response = Response("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(title: str, subtitle: str, columns: Sequence[str], rows: Iterable[Sequence], filename: str,
                  widths: Sequence[int] = ()) -> Response:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    _append(sheet, [title, subtitle])
    sheet["A1"].font = Font(bold=True)
    _append(sheet, [str(c) for c in columns])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, row)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, as_attachment=True, download_name=filename,
                     mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


def _append(sheet, values) -> None:
    """One row, typed: text as string cells (never a formula), moments as local dates."""
    row = sheet.max_row + 1 if sheet.max_row > 1 or sheet["A1"].value is not None else 1
    for column, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=column)
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
