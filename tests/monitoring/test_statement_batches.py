"""The monthly statement batches page: finance approvers and program administrators start the
statements of a month that has ended; the start is audited and queued once."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEvent, DocumentBatch
from ledger.tasks import statement_batch_run
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
# 03:00 UTC on 1 December is still 30 November in Chicago, the fund's zone.
LATE_NOVEMBER = datetime.datetime(2026, 12, 1, 3, 0, tzinfo=datetime.UTC)
START = reverse("monitoring:statement_batch_start")


def test_an_approver_starts_a_month_once_and_the_start_is_audited(
        client, world, django_capture_on_commit_callbacks):
    sign_in(client, world.approver_a)
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        page = client.get(reverse("monitoring:statement_batches"))
        assert page.context["form"].initial == {"month": "2026-10"}
        with django_capture_on_commit_callbacks(execute=True) as queued:
            response = client.post(START, {"month": "2026-10"})
        again = client.post(START, {"month": "2026-10"}, follow=True)
    batch = DocumentBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("core:document_batch_detail", args=[batch.pk])
    assert len(queued) == 1  # the worker's run, after the commit
    assert (batch.period, batch.status, batch.requested_by) == (
        "2026-10", DocumentBatch.Status.DONE, world.approver_a)
    assert batch.files.count() == 4  # two consulates and two partners
    event = AuditEvent.objects.get(action="statement_batch.start")
    assert (event.actor_id, event.object_id) == (world.approver_a.pk, str(batch.pk))
    assert DocumentBatch.objects.count() == 1
    assert AuditEvent.objects.filter(action="statement_batch.start").count() == 1
    assert [str(m) for m in again.context["messages"]] == [
        "The statements of October 2026 were started. This page shows their progress.",
        "The statements of October 2026 were already made."]


def test_a_month_that_has_not_ended_in_the_funds_zone_is_refused(client, world):
    sign_in(client, world.admin)
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        current = client.post(START, {"month": "2026-11"})
        garbled = client.post(START, {"month": "November"})
    assert current.status_code == 400
    assert current.context["form"].errors["month"] == [
        "Statements are made for a month that has ended."]
    assert garbled.status_code == 400 and "month" in garbled.context["form"].errors
    assert not DocumentBatch.objects.exists()
    assert not AuditEvent.objects.filter(action="statement_batch.start").exists()


def test_a_stopped_batch_is_started_again_and_keeps_its_files(
        client, world, django_capture_on_commit_callbacks):
    batch = DocumentBatch.objects.create(kind=DocumentBatch.Kind.MONTHLY_STATEMENTS,
                                         period="2026-10", status=DocumentBatch.Status.FAILED,
                                         message="A statement could not be produced.")
    sign_in(client, world.admin)
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as queued:
            client.post(START, {"month": "2026-10"})
    batch.refresh_from_db()
    assert batch.status == DocumentBatch.Status.QUEUED and batch.requested_by == world.admin
    assert len(queued) == 1 and batch.message == ""
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        assert statement_batch_run(batch.pk) == "done"
    assert AuditEvent.objects.filter(action="statement_batch.start").count() == 1


@pytest.mark.parametrize("persona", ["auditor", "officer_a", "partner_x"])
def test_only_finance_and_program_administrators_start_batches(client, world, persona):
    sign_in(client, world.personas[persona])
    with time_machine.travel(LATE_NOVEMBER, tick=False):
        assert client.post(START, {"month": "2026-10"}).status_code == 403
    assert not DocumentBatch.objects.exists()


def test_the_list_shows_every_batch_and_links_from_monitoring(client, world):
    DocumentBatch.objects.create(kind=DocumentBatch.Kind.MONTHLY_STATEMENTS, period="2026-09",
                                 status=DocumentBatch.Status.DONE, total=4, done_count=4)
    sign_in(client, world.auditor)
    page = client.get(reverse("monitoring:statement_batches"))
    assert page.context["form"] is None  # auditors read, they do not start
    assert [b.period for b in page.context["batches"]] == ["2026-09"]
    assert "no-store" in page["Cache-Control"]
    overview = client.get(reverse("monitoring:overview")).content.decode()
    assert reverse("monitoring:statement_batches") in overview
    sign_in(client, world.officer_a)
    overview = client.get(reverse("monitoring:overview")).content.decode()
    assert reverse("monitoring:statement_batches") not in overview
