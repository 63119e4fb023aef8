"""A generic import runner: chunked, validate-everything-first, all or nothing.

An upload is stored in private storage and an ImportJob row records it. Phase one
(`validate`) reads the file CHUNK_ROWS rows at a time (csv.reader or openpyxl's read-only
mode: the whole file is never in memory), checks every row without writing anything and
commits the job's progress after each chunk, so the status page (which refreshes itself)
shows how far it got. Phase two (`save`, once the user confirms a file without errors) reads
the file again and applies it chunk by chunk inside ONE transaction; a row that fails there
rolls everything back. Its progress cannot be committed before the end, so it goes to the
cache (`saving_progress`), which the status page reads.

Each phase runs in a background thread of the web process started after the request's
commit (`manage.py import_run <job id>` runs or resumes one from a shell, e.g. after a
restart). Settings FIANZA_IMPORTS_INLINE=True runs the phases inside the request (tests).
"""

import csv
import io
import logging
import threading

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.models_imports import ImportJob

logger = logging.getLogger(__name__)

CHUNK_ROWS = 1000  # the importers check and write a chunk in a constant number of queries
MAX_ERRORS_KEPT = 200
PREVIEW_ROWS = 10
FORMATS = ("csv", "xlsx")


class RowsFailed(Exception):
    """Raised inside the saving transaction to roll it back."""


# Reading ------------------------------------------------------------------------------------

def normalise_header(value):
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _csv_rows(handle):
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    yield from csv.reader(text)


def _xlsx_rows(handle):
    from openpyxl import load_workbook  # parses with defusedxml when it is installed

    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if v is None else v for v in row]
    finally:
        workbook.close()


def read_chunks(job, chunk_rows=None):
    """Yield (headers, first line number, rows) per chunk; blank lines are skipped."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    with default_storage.open(job.file_name, "rb") as handle:
        rows = _csv_rows(handle) if job.file_format == "csv" else _xlsx_rows(handle)
        headers = [normalise_header(h) for h in next(rows, [])]
        chunk, first, line = [], 2, 1
        for raw in rows:
            line += 1
            if not any(str(v).strip() for v in raw):
                continue
            if not chunk:
                first = line
            cells = list(raw[:len(headers)]) + [""] * (len(headers) - len(raw))
            chunk.append((line, cells))
            if len(chunk) >= chunk_rows:
                yield headers, first, chunk
                chunk = []
        if chunk:
            yield headers, first, chunk


# Starting -----------------------------------------------------------------------------------

def import_job_create(*, actor, kind, upload, partner=None):
    """Store the upload privately and queue its validation."""
    name = getattr(upload, "name", "") or "import"
    file_format = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if file_format not in FORMATS:
        raise ValidationError(_("Upload a .csv or .xlsx file."))
    stored = default_storage.save(f"imports/{timezone.now():%Y/%m}/{kind}.{file_format}",
                                  upload if hasattr(upload, "chunks") else ContentFile(upload))
    with transaction.atomic():
        job = ImportJob.objects.create(kind=kind, file_name=stored, original_name=name[:255],
                                       file_format=file_format, partner=partner,
                                       created_by=actor)
        job_start(job, "validate")
    job.refresh_from_db()
    return job


def job_start(job, phase):
    if getattr(settings, "FIANZA_IMPORTS_INLINE", False):
        job_run(job.pk, phase)
        return
    transaction.on_commit(lambda: threading.Thread(
        target=_thread_main, args=(job.pk, phase), daemon=True,
        name=f"import-{job.pk}-{phase}").start())


def _thread_main(job_id, phase):
    try:
        job_run(job_id, phase)
    except Exception:  # the job row says it failed; the log keeps why
        logger.exception("Import job %s failed in %s", job_id, phase)
    finally:
        connection.close()


# Importers by job kind, as dotted paths: core never imports a domain app.
IMPORTERS = {
    ImportJob.Kind.BENEFICIARIES: "core.resources.BeneficiaryImporter",
    ImportJob.Kind.RELEASES: "bondfund.resources.ReleaseImporter",
    ImportJob.Kind.BOND_REQUESTS: "bondfund.resources.BondRequestImporter",
}


def job_run(job_id, phase):
    job = ImportJob.objects.get(pk=job_id)
    importer = import_string(IMPORTERS[job.kind])(job)
    try:
        (validate if phase == "validate" else save)(job, importer)
    except Exception as exc:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, message=str(exc)[:2000],
            finished_at=timezone.now())
        raise


# The two phases -----------------------------------------------------------------------------

def _keep_errors(job, errors):
    job.error_count += len({line for line, _msg in errors})
    room = MAX_ERRORS_KEPT - len(job.errors)
    job.errors.extend({"line": line, "message": msg} for line, msg in errors[:max(room, 0)])


def validate(job, importer):
    job.status, job.processed_rows, job.error_count = ImportJob.Status.VALIDATING, 0, 0
    job.errors, job.preview, job.unmatched = [], [], []
    job.save()
    for headers, _first, rows in read_chunks(job):
        if len(job.preview) < PREVIEW_ROWS:
            room = PREVIEW_ROWS - len(job.preview)
            job.preview.extend({"line": line, "cells": dict(zip(headers, map(str, cells),
                                                                strict=True))}
                               for line, cells in rows[:room])
        errors = importer.validate_chunk(headers, rows)
        _keep_errors(job, errors)
        job.processed_rows += len(rows)
        job.total_rows = max(job.total_rows, job.processed_rows)
        job.save(update_fields=["processed_rows", "total_rows", "error_count", "errors",
                                "preview", "unmatched"])
    job.status = ImportJob.Status.INVALID if job.error_count else ImportJob.Status.READY
    if not job.processed_rows:
        job.status, job.message = ImportJob.Status.INVALID, _("The file has no rows.")
    job.finished_at = timezone.now()
    job.save()


def import_job_confirm(*, actor, job_id):
    """The user confirms a checked file: start saving it, once, whatever the double clicks."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id,
                                                           created_by=actor).first()
        if job is None:
            raise Http404
        if job.status != ImportJob.Status.READY:
            raise ValidationError(_("This import is “%(status)s”: it cannot be confirmed now.")
                                  % {"status": job.get_status_display()})
        job.status = ImportJob.Status.SAVING
        job.save(update_fields=["status"])
        job_start(job, "save")
    return job


def save(job, importer):
    if job.status != ImportJob.Status.SAVING:
        return
    saved, errors = 0, []
    try:
        with transaction.atomic():
            for headers, _first, rows in read_chunks(job):
                count, chunk_errors = importer.save_chunk(headers, rows)
                saved += count
                errors.extend(chunk_errors)
                if errors:
                    raise RowsFailed
                cache.set(_progress_key(job), saved, 3600)
    except RowsFailed:
        job.errors, job.error_count = [], 0
        _keep_errors(job, errors)
        job.status, job.saved_count = ImportJob.Status.FAILED, 0
        job.message = _("A row failed while saving; nothing was saved.")
    else:
        job.status, job.saved_count = ImportJob.Status.DONE, saved
    job.finished_at = timezone.now()
    job.save()
    cache.delete(_progress_key(job))
    importer.after_save(job)


def saving_progress(job):
    """Rows saved so far by a job in its saving transaction (not visible in the table yet)."""
    return cache.get(_progress_key(job), 0) if job.status == ImportJob.Status.SAVING else None


def _progress_key(job):
    return f"fianza:import:{job.pk}:saved"
