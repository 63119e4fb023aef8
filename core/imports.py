"""A generic import runner on the queue: chunked, validate-everything-first, all or nothing.

An upload is checked by content and size (core.imports_files), stored privately, and an
ImportJob row records it. Each phase runs as a Celery task (core.tasks.import_job_run)
enqueued after the request's commit; without a broker Celery runs it in the process.

Phase one (`validate`) reads the file CHUNK_ROWS rows at a time (csv.reader or openpyxl's
read-only mode: the whole file is never in memory), checks every row without writing anything
and commits the job's progress and heartbeat after each chunk. Phase two (`save`, once the
user confirms a file without errors) reads the file again and applies it chunk by chunk inside
ONE transaction that also writes the job's final state: a worker that dies mid-save leaves
nothing behind, so running the phase again is safe. That transaction cannot commit progress,
so on PostgreSQL a second connection writes it (and the heartbeat), and an advisory lock
keeps two workers from saving one job at once.

`import_jobs_sweep` (on the beat schedule) resumes a job whose heartbeat stopped (its worker
died), fails it with a clear message after MAX_ATTEMPTS runs, and ends jobs left unconfirmed.
A job's file is deleted when the job ends; its SHA-256 stays. `manage.py import_run <id>`
runs a phase by hand. FIANZA_IMPORTS_INLINE=True runs phases in the caller's transaction.
"""

import csv
import datetime
import io
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import F, Q
from django.http import Http404
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.import_targets import import_target
from core.imports_files import import_file_discard, import_file_store, import_upload_check
from core.models_imports import ImportJob

logger = logging.getLogger(__name__)

CHUNK_ROWS = 1000  # the importers check and write a chunk in a constant number of queries
MAX_ERRORS_KEPT = 200
PREVIEW_ROWS = 10
MAX_ATTEMPTS = 3
READY_KEEP_DAYS = 7
DEFAULT_STALE_SECONDS = 600
ADVISORY_NAMESPACE = 0x46_5A_49_4D  # "FZIM": the first key of the saving job's lock
VALIDATE, SAVE = "validate", "save"

# Core's own importer; the other kinds are registered by the app that owns them
# (core.import_targets), so core names no domain app.
CORE_IMPORTERS = {ImportJob.Kind.BENEFICIARIES: "core.resources.BeneficiaryImporter"}


class RowsFailed(Exception):
    """Raised inside the saving transaction to roll it back."""


class UnreadableFile(Exception):
    """The stored file stopped parsing part-way (it passed the upload check)."""


# Reading ------------------------------------------------------------------------------------

def normalise_header(value):
    return str(value or "").strip().lower().replace(" ", "_").replace("-", "_")


def _csv_rows(handle):
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    yield from csv.reader(text)


def _xlsx_rows(handle):
    from openpyxl import load_workbook  # parses with defusedxml, which is installed

    workbook = load_workbook(handle, read_only=True, data_only=True)
    try:
        for row in workbook.worksheets[0].iter_rows(values_only=True):
            yield ["" if v is None else v for v in row]
    finally:
        workbook.close()


def _guarded(rows):
    """The reader's own failures only (not the caller's) become UnreadableFile."""
    try:
        yield from rows
    except Exception as exc:
        raise UnreadableFile from exc


def read_chunks(job, chunk_rows=None):
    """Yield (headers, first line number, rows) per chunk; blank lines are skipped."""
    from django.core.files.storage import default_storage

    chunk_rows = chunk_rows or CHUNK_ROWS
    with default_storage.open(job.file_name, "rb") as handle:
        rows = _guarded(_csv_rows(handle) if job.file_format == "csv" else _xlsx_rows(handle))
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

def import_job_create(*, actor, kind, upload, partner=None) -> ImportJob:
    """Check the upload, store it privately and queue its validation."""
    checked = import_upload_check(upload)
    stored = import_file_store(checked)
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                kind=kind, file_name=stored, original_name=checked.original_name,
                file_format=checked.file_format, sha256=checked.sha256,
                size_bytes=checked.size, partner=partner, created_by=actor)
            audit_record(actor=actor, action="import.upload", obj=job,
                         changes={"kind": kind, "sha256": checked.sha256,
                                  "bytes": checked.size},
                         partner_id=partner.pk if partner else None)
            job_start(job, VALIDATE)
    except BaseException:
        import_file_discard(stored)
        raise
    job.refresh_from_db()
    return job


def job_start(job, phase):
    """Run the phase on the queue once the caller's transaction commits."""
    if getattr(settings, "FIANZA_IMPORTS_INLINE", False):
        job_run(job.pk, phase)
        return
    from core.tasks import import_job_run

    transaction.on_commit(lambda: import_job_run.delay(job.pk, phase))


def import_job_confirm(*, actor, job_id) -> ImportJob:
    """The user confirms a checked file: start saving it, once, whatever the double clicks."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=job_id,
                                                           created_by=actor).first()
        if job is None:
            raise Http404
        if job.status != ImportJob.Status.READY:
            raise ValidationError(_("This import is “%(status)s”: it cannot be confirmed now.")
                                  % {"status": job.get_status_display()})
        job.status, job.message, job.saved_count = ImportJob.Status.SAVING, "", 0
        job.heartbeat_at, job.attempts = timezone.now(), 0
        job.save(update_fields=["status", "message", "saved_count", "heartbeat_at",
                                "attempts"])
        audit_record(actor=actor, action="import.confirm", obj=job,
                     changes={"rows": job.processed_rows}, partner_id=job.partner_id)
        job_start(job, SAVE)
    return job


def job_run(job_id, phase):
    """Run one phase; any unexpected failure ends the job with a message a person can read."""
    job = ImportJob.objects.select_related("created_by").filter(pk=job_id).first()
    if job is None:
        return
    with translation.override(job.created_by.language or settings.LANGUAGE_CODE):
        try:
            (validate if phase == VALIDATE else save)(job)
        except Exception:  # the job row says it stopped; the log keeps why
            logger.exception("Import job %s failed in %s", job_id, phase)
            _end(job, ImportJob.Status.FAILED, message=_(
                "The import stopped because of an unexpected error; nothing was saved. "
                "Upload the file again, or ask the program administrators for help."))


def _end(job, status, **fields):
    """Move a running job to `status` (only if still running); delete its file when it ends."""
    now = timezone.now()
    ended = ImportJob.objects.filter(pk=job.pk, status__in=ImportJob.RUNNING).update(
        status=status, finished_at=now, heartbeat_at=now, **fields)
    if ended and status != ImportJob.Status.READY:
        ImportJob.objects.filter(pk=job.pk).update(file_name="")
        name = job.file_name
        transaction.on_commit(lambda: import_file_discard(name))
    return ended


def _error_list(errors):
    """(rows with errors, the first MAX_ERRORS_KEPT as the page shows them)"""
    return (len({line for line, _msg in errors}),
            [{"line": line, "message": str(msg)} for line, msg in errors[:MAX_ERRORS_KEPT]])


def _importer(job):
    if job.kind in CORE_IMPORTERS:
        return import_string(CORE_IMPORTERS[job.kind])(job)
    return import_target(job.kind).importer(job)


# Phase one: check every row ----------------------------------------------------------------

def validate(job):
    claimed = ImportJob.objects.filter(
        pk=job.pk, status__in=(ImportJob.Status.QUEUED, ImportJob.Status.VALIDATING),
    ).update(status=ImportJob.Status.VALIDATING, processed_rows=0, total_rows=0,
             error_count=0, errors=[], preview=[], unmatched=[], message="",
             heartbeat_at=timezone.now(), attempts=F("attempts") + 1)
    if not claimed:
        return  # checked already (a task delivered twice)
    job.refresh_from_db()
    errors = []
    try:
        _validate_chunks(job, _importer(job), errors)
    except UnreadableFile:
        _end(job, ImportJob.Status.INVALID, message=_(
            "The file could not be read to the end. Save it again from your spreadsheet "
            "program and upload it."))
        return
    count, kept = _error_list(errors)
    if not job.processed_rows:
        _end(job, ImportJob.Status.INVALID, message=_("The file has no rows."))
    elif count:
        _end(job, ImportJob.Status.INVALID, error_count=count, errors=kept)
    elif len(job.unmatched) >= job.processed_rows:
        _end(job, ImportJob.Status.DONE, saved_count=0, message=_(
            "No row needs saving: every row of the file is left out (listed below)."))
    else:
        _end(job, ImportJob.Status.READY)


def _validate_chunks(job, importer, errors):
    for headers, _first, rows in read_chunks(job):
        if len(job.preview) < PREVIEW_ROWS:
            room = PREVIEW_ROWS - len(job.preview)
            job.preview.extend({"line": line, "cells": dict(zip(headers, map(str, cells),
                                                                strict=True))}
                               for line, cells in rows[:room])
        errors.extend(importer.validate_chunk(headers, rows))
        job.processed_rows += len(rows)
        job.total_rows = max(job.total_rows, job.processed_rows)
        job.error_count, kept = _error_list(errors)
        job.errors, job.heartbeat_at = kept[:PREVIEW_ROWS], timezone.now()
        job.save(update_fields=["processed_rows", "total_rows", "error_count", "errors",
                                "preview", "unmatched", "heartbeat_at"])


# Phase two: save everything or nothing -----------------------------------------------------

class _Progress:
    """Rows saved so far, committed through a second connection while the saving
    transaction is open (PostgreSQL; SQLite has one writer, the saving transaction)."""

    def __init__(self, job_id, *, enabled):
        self.job_id = job_id
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if enabled else None

    def write(self, saved):
        if self.side is None:
            return
        with self.side.cursor() as cursor:
            cursor.execute(
                f'UPDATE "{ImportJob._meta.db_table}" SET "saved_count" = %s, '
                '"heartbeat_at" = %s WHERE "id" = %s AND "status" = %s',
                [saved, timezone.now(), self.job_id, ImportJob.Status.SAVING])

    def close(self):
        if self.side is not None:
            self.side.close()


def _lock_for_saving(job_id):
    """PostgreSQL: True when this transaction now holds the job's saving lock; False when
    another worker's transaction does. Elsewhere the database serialises writers."""
    if connection.vendor != "postgresql":
        return True
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)",
                       [ADVISORY_NAMESPACE, job_id % 2**31])
        return cursor.fetchone()[0]


def save(job):
    outermost = not connection.in_atomic_block
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.SAVING).update(
        heartbeat_at=timezone.now(), attempts=F("attempts") + 1)
    progress = _Progress(job.pk, enabled=outermost and connection.vendor == "postgresql")
    errors = []
    try:
        with transaction.atomic():
            if not _lock_for_saving(job.pk):
                return  # another worker is saving this job right now
            job = ImportJob.objects.select_related("created_by").get(pk=job.pk)
            if job.status != ImportJob.Status.SAVING:
                return  # saved or ended already (a task delivered twice)
            importer = _importer(job)
            saved = _save_chunks(job, importer, errors, progress)
            _end(job, ImportJob.Status.DONE, saved_count=saved, message="")
    except RowsFailed:
        count, kept = _error_list(errors)
        _end(job, ImportJob.Status.FAILED, saved_count=0, error_count=count, errors=kept,
             message=_("A row failed while saving; nothing was saved."))
        return
    except IntegrityError:
        _clashed(job)
        return
    finally:
        progress.close()
    importer.after_save(job)


def _save_chunks(job, importer, errors, progress):
    saved = 0
    for headers, _first, rows in read_chunks(job):
        count, chunk_errors = importer.save_chunk(headers, rows)
        saved += count
        errors.extend(chunk_errors)
        if errors:
            raise RowsFailed
        progress.write(saved)
    return saved


def _clashed(job):
    """Another transaction committed clashing rows while this one saved (the database's
    unique constraints refused ours): check the file again, so the rows that clash get the
    same message a clash found before saving gets."""
    job = ImportJob.objects.get(pk=job.pk)
    errors = []
    _validate_chunks(job, _importer(job), errors)
    count, kept = _error_list(errors)
    if count:
        _end(job, ImportJob.Status.FAILED, saved_count=0, error_count=count, errors=kept,
             message=_("A row failed while saving; nothing was saved."))
    else:
        _end(job, ImportJob.Status.READY, saved_count=0, message=_(
            "Another change was saved at the same moment, so nothing of this file was saved. "
            "Every row still passes its checks: confirm again to save them."))


# The sweep ----------------------------------------------------------------------------------

def stale_after():
    return datetime.timedelta(
        seconds=int(getattr(settings, "FIANZA_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)))


def _saving_elsewhere(job_id):
    """PostgreSQL: a live worker holds the job's saving lock (its heartbeat may be slow)."""
    if connection.vendor != "postgresql":
        return False
    with transaction.atomic():
        return not _lock_for_saving(job_id)


def import_jobs_sweep(*, now=None) -> dict:
    """Resume jobs whose worker stopped, fail those that stopped too often, end jobs left
    unconfirmed. Safe to run twice: a second run finds fresh heartbeats."""
    now = now or timezone.now()
    before = now - stale_after()
    counts = {"resumed": 0, "failed": 0, "expired": 0}
    stale = ImportJob.objects.filter(status__in=ImportJob.RUNNING).filter(
        Q(heartbeat_at__lt=before) | Q(heartbeat_at__isnull=True, created_at__lt=before))
    for job in stale.order_by("pk"):
        if job.status == ImportJob.Status.SAVING and _saving_elsewhere(job.pk):
            continue
        if job.attempts >= MAX_ATTEMPTS:
            counts["failed"] += _end(job, ImportJob.Status.FAILED, saved_count=0, message=_(
                "The import stopped %(n)s times before it finished, so it was ended; "
                "nothing was saved. Upload the file again.") % {"n": job.attempts})
        elif ImportJob.objects.filter(pk=job.pk, status=job.status,
                                      heartbeat_at=job.heartbeat_at).update(heartbeat_at=now):
            counts["resumed"] += 1  # claimed by the heartbeat we saw: one sweep resumes it
            job_start(job, SAVE if job.status == ImportJob.Status.SAVING else VALIDATE)
    unconfirmed = ImportJob.objects.filter(
        status=ImportJob.Status.READY,
        finished_at__lt=now - datetime.timedelta(days=READY_KEEP_DAYS))
    for job in unconfirmed:
        counts["expired"] += _expire(job)
    return counts


def _expire(job):
    ended = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.READY).update(
        status=ImportJob.Status.FAILED, file_name="", message=_(
            "Not confirmed within %(days)s days: the file was deleted and nothing was "
            "saved.") % {"days": READY_KEEP_DAYS})
    if ended:
        name = job.file_name
        transaction.on_commit(lambda: import_file_discard(name))
    return ended
