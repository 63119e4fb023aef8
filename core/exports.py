"""Safe CSV and XLSX exports.

A spreadsheet runs a cell that begins with = + - @ (and some read a leading tab or CR the
same way) as a formula: a beneficiary named "=HYPERLINK(...)" must stay text. Every string
cell is prefixed with ' when it begins with one of them (OWASP's advice); numbers, dates and
booleans are written as themselves. django-import-export's own escaping only strips a
leading "=", so every export of the project goes through `neutralise`.
"""

import csv
import datetime
import decimal
import io

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_PLAIN_TYPES = (int, float, decimal.Decimal, datetime.date, datetime.datetime, bool)


def neutralise(value):
    """The value as it may be written to a cell: text never starts a formula."""
    if value is None:
        return ""
    if isinstance(value, bool) or isinstance(value, _PLAIN_TYPES):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def neutralise_row(row):
    return [neutralise(v) for v in row]


def neutralise_dataset(dataset):
    """A tablib Dataset (e.g. from a django-import-export resource) with every cell made safe."""
    import tablib

    safe = tablib.Dataset(headers=neutralise_row(dataset.headers or []))
    for row in dataset:
        safe.append(neutralise_row(row))
    return safe


class _Echo:
    def write(self, value):
        return value


def _csv_cell(value):
    value = neutralise(value)
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return value


def csv_stream(headers, rows):
    """Yield CSV lines (UTF-8 with a BOM so that Excel reads accents), made safe."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([_csv_cell(h) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_cell(v) for v in row])


def xlsx_bytes(headers, rows, *, sheet_title="Export"):
    """An XLSX workbook (write-only: rows are streamed to the file, not held) made safe."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(sheet_title)[:31])
    sheet.append([_xlsx_cell(sheet, h) for h in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value):
    value = neutralise(value)
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)  # Excel has no time zones; we export local time
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl would read a leading "=" as a formula otherwise
    return cell


def export_response(fmt, *, filename, headers, rows, sheet_title="Export"):
    """A download of `rows` under `headers` as CSV (streamed) or XLSX."""
    if fmt not in FORMATS:
        raise ValueError(_("Unknown export format."))
    disposition = f'attachment; filename="{filename}.{fmt}"'
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(headers, rows), content_type=FORMATS[fmt])
    else:
        response = HttpResponse(xlsx_bytes(headers, rows, sheet_title=sheet_title),
                                content_type=FORMATS[fmt])
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response
