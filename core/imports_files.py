"""The files of import jobs: checked like documents before they are kept, deleted when the
job ends (its SHA-256 stays on the job).

A CSV must be UTF-8 text that the csv module parses to the end; an XLSX must be a real
Office Open XML zip (bounded when unpacked) that openpyxl opens, with defusedxml parsing its
XML. Both are bounded by settings.FIANZA_IMPORT_MAX_BYTES, refused before reading when the
size is known, and stored under a random name in private storage (core.uploads).
"""

import csv
import hashlib
import io
import logging
import uuid
import zipfile
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy as _

from core.uploads import CheckedUpload, safe_display_name, store_upload

logger = logging.getLogger(__name__)

FORMATS = ("csv", "xlsx")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
UNZIPPED_RATIO = 20  # an XLSX unpacks to a few times its size; a zip bomb to thousands
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

MESSAGES = {
    "format": _("Upload a .csv or .xlsx file."),
    "empty": _("The file is empty."),
    "too_large": _("The file is too large: the limit is %(mb)s MB."),
    "csv_binary": _("The file is not a CSV text file. Save it as “CSV UTF-8” and upload it "
                    "again."),
    "csv_encoding": _("The file is not in UTF-8. Save it as “CSV UTF-8” and upload it again."),
    "csv_parse": _("The CSV file could not be read: check its quotes and separators."),
    "xlsx": _("The file is not a valid Excel workbook (.xlsx). Save it again from your "
              "spreadsheet program and upload it."),
}


def max_bytes():
    return int(getattr(settings, "FIANZA_IMPORT_MAX_BYTES", DEFAULT_MAX_BYTES))


@dataclass(frozen=True)
class CheckedImport:
    content: bytes
    file_format: str
    original_name: str
    sha256: str

    @property
    def size(self):
        return len(self.content)


def _refuse(code):
    message = MESSAGES[code]
    if code == "too_large":
        message = message % {"mb": max(1, max_bytes() // (1024 * 1024))}
    raise ValidationError(message, code=code)


def import_upload_check(upload) -> CheckedImport:
    """Check an uploaded CSV or XLSX by its content; return what to store or refuse."""
    name = str(getattr(upload, "name", "") or "")
    file_format = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if file_format not in FORMATS:
        _refuse("format")
    data = _read_bounded(upload)
    (_check_csv if file_format == "csv" else _check_xlsx)(data)
    return CheckedImport(content=data, file_format=file_format,
                         original_name=safe_display_name(name, f".{file_format}"),
                         sha256=hashlib.sha256(data).hexdigest())


def _read_bounded(upload):
    limit = max_bytes()
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        _refuse("too_large")
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        _refuse("too_large")
    if not data:
        _refuse("empty")
    return data


def _check_csv(data):
    if b"\x00" in data or filetype.guess(data[:8192]) is not None:
        _refuse("csv_binary")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        _refuse("csv_encoding")
    try:
        rows = sum(1 for _row in csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        _refuse("csv_parse")
    if not rows:
        _refuse("empty")


def _check_xlsx(data):
    from openpyxl import load_workbook  # parses its XML with defusedxml (installed)

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse("xlsx")
    if not names.issuperset(XLSX_PARTS) or unpacked > UNZIPPED_RATIO * max_bytes():
        _refuse("xlsx")
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = len(workbook.worksheets)
        finally:
            workbook.close()
    except Exception:  # any parser failure on untrusted bytes means "not a valid workbook"
        _refuse("xlsx")
    if not sheets:
        _refuse("xlsx")


def import_file_store(checked: CheckedImport) -> str:
    """Keep the checked bytes in private storage; return the storage name."""
    return store_upload(CheckedUpload(content=checked.content, content_type="",
                                      storage_name=f"{uuid.uuid4().hex}.{checked.file_format}",
                                      original_name=checked.original_name),
                        folder="imports")


def import_file_discard(name):
    """Delete a job's file; a file already gone is fine (the sweep may run twice)."""
    if not name:
        return
    try:
        default_storage.delete(name)
    except OSError:  # the job row is what matters; the log keeps which file stayed
        logger.exception("Could not delete import file %s", name)
