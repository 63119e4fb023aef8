"""Long work of the ledger on the queue: a batch of monthly statements, one PDF per consulate
and partner, kept privately (core.DocumentBatch). Safe to run twice: one batch per month,
one file per holder, and a resumed batch skips the files it already made."""

import datetime
import logging
import uuid

from celery import shared_task
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.models import Consulate, DocumentBatch, DocumentBatchFile, PartnerOrganization
from core.timezones import fund_zone
from ledger.pdfs import reconciliation_statement_issue

logger = logging.getLogger(__name__)
STATEMENT_LANGUAGE = "es"


def previous_month(now=None):
    first = (now or timezone.now()).astimezone(fund_zone()).date().replace(day=1)
    last = first - datetime.timedelta(days=1)
    return last.year, last.month


def statement_batch_request(*, year, month, actor=None) -> DocumentBatch:
    """The month's batch (created once) queued to run after the caller's commit."""
    return statement_batch_queue(year=year, month=month, actor=actor)[0]


def statement_batch_queue(*, year, month, actor=None) -> tuple[DocumentBatch, bool]:
    """(batch, queued now): a new or failed batch is queued after the caller's commit; one
    waiting, running or done is left alone. The row lock keeps two requests from queuing it
    twice."""
    period = f"{year}-{month:02d}"
    with transaction.atomic():
        batch, created = DocumentBatch.objects.get_or_create(
            kind=DocumentBatch.Kind.MONTHLY_STATEMENTS, period=period,
            defaults={"requested_by": actor if getattr(actor, "pk", None) else None})
        batch = DocumentBatch.objects.select_for_update().get(pk=batch.pk)
        queued = created or batch.status == DocumentBatch.Status.FAILED
        if queued:
            batch.status, batch.message = DocumentBatch.Status.QUEUED, ""
            if getattr(actor, "pk", None):
                batch.requested_by = actor
            batch.save(update_fields=["status", "message", "requested_by"])
            transaction.on_commit(lambda: statement_batch_run.delay(batch.pk))
    return batch, queued


def _holders():
    return ([(f"consulate:{c.pk}", c, None) for c in Consulate.objects.order_by("pk")]
            + [(f"partner:{p.pk}", None, p) for p in PartnerOrganization.objects.order_by("pk")])


def _statement_make(batch, year, month, key, consulate, partner):
    document, pdf = reconciliation_statement_issue(
        actor=None, year=year, month=month, consulate=consulate, partner=partner,
        language=STATEMENT_LANGUAGE)
    name = default_storage.save(f"statements/{batch.period}/{uuid.uuid4().hex}.pdf",
                                ContentFile(pdf))
    try:
        with transaction.atomic():
            DocumentBatchFile.objects.create(batch=batch, holder=key, document=document,
                                             storage_name=name, size=len(pdf))
    except IntegrityError:  # another worker made this holder's file a moment ago
        default_storage.delete(name)


@shared_task(name="ledger.tasks.statement_batch_run", acks_late=True,
             reject_on_worker_lost=True, soft_time_limit=3600, time_limit=3660)
def statement_batch_run(batch_id: int) -> str:
    batch = DocumentBatch.objects.filter(pk=batch_id).first()
    if batch is None or batch.status == DocumentBatch.Status.DONE:
        return "nothing to do"
    holders = _holders()
    year, month = (int(part) for part in batch.period.split("-"))
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=DocumentBatch.Status.RUNNING, total=len(holders), heartbeat_at=timezone.now())
    made = set(batch.files.values_list("holder", flat=True))
    try:
        for key, consulate, partner in holders:
            if key not in made:
                _statement_make(batch, year, month, key, consulate, partner)
            DocumentBatch.objects.filter(pk=batch.pk).update(
                done_count=batch.files.count(), heartbeat_at=timezone.now())
    except Exception:  # the batch says it stopped; the log keeps why
        logger.exception("Statement batch %s stopped", batch.pk)
        DocumentBatch.objects.filter(pk=batch.pk).update(
            status=DocumentBatch.Status.FAILED, finished_at=timezone.now(),
            message="A statement could not be produced; the batch can be started again.")
        return "failed"
    DocumentBatch.objects.filter(pk=batch.pk).update(
        status=DocumentBatch.Status.DONE, finished_at=timezone.now())
    return "done"


@shared_task(name="ledger.tasks.statement_batch_previous_month")
def statement_batch_previous_month() -> int:
    year, month = previous_month()
    return statement_batch_request(year=year, month=month).pk
