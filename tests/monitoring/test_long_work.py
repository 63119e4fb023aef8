"""Long work on the queue: the month's statements as one batch, files served by permission."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core.models import DocumentBatch, DocumentBatchFile
from ledger.tasks import previous_month, statement_batch_request, statement_batch_run
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


def test_previous_month_is_read_in_the_funds_zone():
    # 03:00 UTC on 1 December is still 30 November in Chicago: the month before is October.
    assert previous_month(datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)) == (
        2026, 10)
    assert previous_month(datetime.datetime(2026, 12, 1, 7, 0, tzinfo=datetime.UTC)) == (
        2026, 11)


def test_a_statement_batch_runs_once_and_serves_each_file_to_its_holder(
        client, world, django_capture_on_commit_callbacks):
    with time_machine.travel(datetime.datetime(2026, 12, 1, 11, 0, tzinfo=datetime.UTC),
                             tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            batch = statement_batch_request(year=2026, month=11)
        again = statement_batch_request(year=2026, month=11)
        assert statement_batch_run(batch.pk) == "nothing to do"  # delivered twice
    batch.refresh_from_db()
    assert again.pk == batch.pk and batch.status == DocumentBatch.Status.DONE
    assert (batch.done_count, batch.total, batch.files.count()) == (4, 4, 4)
    partner_file = DocumentBatchFile.objects.get(holder=f"partner:{world.partner_x.pk}")
    other_file = DocumentBatchFile.objects.get(holder=f"consulate:{world.consulate_b.pk}")
    sign_in(client, world.partner_x_staff)
    response = client.get(reverse("core:document_batch_file", args=[partner_file.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert client.get(reverse("core:document_batch_file",
                              args=[other_file.pk])).status_code == 404
    page = client.get(reverse("core:document_batch_detail", args=[batch.pk]))
    assert [f.pk for f in page.context["files"]] == [partner_file.pk]
