"""The reconciliation page's "run now": the run is queued as the person who asked, a worker
writes it, and the page lists the latest runs' results from the database."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEvent
from payments import tasks
from payments.models import StripeReconciliationRun
from tests.helpers import sign_in

NOON = datetime.datetime(2026, 3, 2, 18, 0, tzinfo=datetime.UTC)  # noon in Chicago
PERIOD = {"date_from": "2026-03-01", "date_to": "2026-03-01"}
URL = reverse("payments:reconciliation")


@pytest.fixture(autouse=True)
def _at_noon():
    with time_machine.travel(NOON, tick=False):
        yield


@pytest.fixture
def stranger(fake_stripe):
    """A transfer Stripe made on 1 March (in the fund's zone) that we never asked for."""
    created = int(datetime.datetime(2026, 3, 1, 15, 0, tzinfo=datetime.UTC).timestamp())
    return fake_stripe.add_transfer(amount=4242, destination="acct_someone", created=created)


def test_run_now_without_a_broker_runs_at_once_and_shows_the_result(world, client, stranger):
    sign_in(client, world.approver_a)
    response = client.post(URL, PERIOD)
    run = StripeReconciliationRun.objects.get()
    assert response["Location"] == f"{URL}?run={run.pk}"
    assert (run.ran_by, run.date_from, run.stripe_transfers) == (
        world.approver_a, datetime.date(2026, 3, 1), 1)
    assert [row["transfer_id"] for row in run.differences] == [stranger["id"]]
    assert AuditEvent.objects.filter(action="payments.reconciliation.run",
                                     actor=world.approver_a).count() == 1
    page = client.get(response["Location"])
    assert list(page.context["runs"]) == [run]
    assert stranger["id"] in page.content.decode()


def test_run_now_with_a_broker_is_queued_as_the_person_who_asked(
        world, client, stranger, monkeypatch):
    sent = []  # what the broker would carry to a worker
    monkeypatch.setattr(tasks.stripe_reconcile, "delay", lambda *args: sent.append(args))
    sign_in(client, world.admin)
    response = client.post(URL, PERIOD, follow=True)
    assert sent == [("2026-03-01", "2026-03-01", world.admin.pk)]
    assert not StripeReconciliationRun.objects.exists()  # nothing until a worker runs it
    assert "The reconciliation was started." in " ".join(
        str(m) for m in response.context["messages"])
    outcome = tasks.stripe_reconcile.run(*sent[0])  # the worker
    run = StripeReconciliationRun.objects.get()
    assert outcome == {"ok": False, "run": run.pk, "differences": 1}
    assert run.ran_by == world.admin
    page = client.get(URL).content.decode()
    assert "03/01/2026 – 03/01/2026" in page and stranger["id"] in page


def test_when_stripe_cannot_be_read_the_page_says_so_and_keeps_no_run(
        world, client, fake_stripe):
    fake_stripe.fail_next("get", "/v1/transfers", "refuse")
    sign_in(client, world.approver_a)
    response = client.post(URL, PERIOD, follow=True)
    assert not StripeReconciliationRun.objects.exists()
    shown = " ".join(str(m) for m in response.context["messages"])
    assert shown == "Stripe could not be read, so nothing was compared. Try again in a few " \
        "minutes."
    assert "Insufficient funds" not in response.content.decode()  # Stripe's own words stay out


@pytest.mark.parametrize("persona", ["officer_a", "partner_x"])
def test_only_finance_program_administrators_and_auditors_run_it(world, client, fake_stripe,
                                                                 persona):
    sign_in(client, world.personas[persona])
    assert client.post(URL, PERIOD).status_code == 403
    assert not StripeReconciliationRun.objects.exists()
