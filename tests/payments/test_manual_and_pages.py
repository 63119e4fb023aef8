"""Manual rails, Stripe switched off, and the pages finance approvers and partners use."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from ledger.models import Transfer
from payments.models import Method, Status
from tests.helpers import sign_in
from tests.payments.factories import requested

STRIPE_OFF = "Stripe is not configured: payments are recorded manually."
# "Today" and "tomorrow" are read from the clock: run where they differ between zones (the
# evening in Chicago is already tomorrow in UTC) and just before midnight in Chicago.
INSTANTS = {
    "chicago-evening-utc-tomorrow": datetime.datetime(2026, 3, 2, 0, 0, 30, tzinfo=datetime.UTC),
    "chicago-just-before-midnight": datetime.datetime(2026, 3, 2, 5, 59, 30, tzinfo=datetime.UTC),
}


@pytest.fixture(autouse=True, params=INSTANTS.values(), ids=INSTANTS.keys())
def instant(request):
    with time_machine.travel(request.param, tick=False):
        yield request.param


def record(client, d, **data):
    form = {"method": "wire", "reference": "FED-20260114-0042",
            "sent_on": timezone.localdate().isoformat(), "comment": "Fedwire to the partner"}
    form.update(data)
    return client.post(reverse("payments:disbursement_record_manual", args=[d.pk]), form)


def test_stripe_off_the_pages_say_so_and_a_wire_is_recorded_as_paid(funded, client):
    d = requested(funded)
    sign_in(client, funded.approver_a)
    page = client.get(reverse("payments:disbursement_detail", args=[d.pk]))
    assert STRIPE_OFF in page.content.decode()
    assert reverse("payments:disbursement_release", args=[d.pk]) not in page.content.decode()
    assert STRIPE_OFF in client.get(reverse("payments:disbursement_list")).content.decode()

    response = record(client, d)

    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.PAID and d.method == Method.WIRE
    assert d.manual_reference == "FED-20260114-0042" and d.released_by == funded.approver_a
    assert Transfer.objects.filter(id__startswith=f"disburse:{d.pk}").exists()
    assert AuditEvent.objects.filter(object_id=str(d.pk),
                                     action="payments.disbursement.paid").exists()
    call_command("ledger_verify")


def test_recording_twice_pays_once_with_a_message(funded, client):
    d = requested(funded)
    sign_in(client, funded.approver_a)
    record(client, d)
    response = record(client, d, reference="OTHER-1", method="check")
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.method == Method.WIRE and d.manual_reference == "FED-20260114-0042"
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("already paid" in m for m in messages)
    assert Transfer.objects.filter(id=f"disburse:{d.pk}").count() == 1
    call_command("ledger_verify")


def test_release_without_stripe_is_refused_on_screen(funded, client):
    d = requested(funded)
    sign_in(client, funded.approver_a)
    response = client.post(reverse("payments:disbursement_release", args=[d.pk]), follow=True)
    assert STRIPE_OFF in response.content.decode()
    d.refresh_from_db()
    assert d.status == Status.REQUESTED and d.attempts == 0


@pytest.mark.parametrize("persona,status", [
    ("officer_a", 403), ("partner_x", 403), ("auditor", 403), ("officer_b", 404),
])
def test_only_the_consulates_finance_approver_records_payments(funded, client, persona,
                                                               status):
    d = requested(funded)
    sign_in(client, funded.personas[persona])
    assert record(client, d).status_code == status
    d.refresh_from_db()
    assert d.status == Status.REQUESTED


def test_a_bad_manual_form_shows_errors_and_changes_nothing(funded, client):
    d = requested(funded)
    sign_in(client, funded.approver_a)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert record(client, d, reference="").status_code == 400
    response = record(client, d, sent_on=tomorrow)
    assert any("future" in str(m) for m in response.wsgi_request._messages)
    d.refresh_from_db()
    assert d.status == Status.REQUESTED


def test_partners_see_only_what_was_paid_to_them(funded, client):
    mine = requested(funded)
    other = requested(funded, consulate=funded.consulate_b, partner=funded.partner_y)
    sign_in(client, funded.partner_x_staff)
    listing = client.get(reverse("payments:disbursement_list")).content.decode()
    assert str(mine.pk) in listing and str(other.pk) not in listing
    assert client.get(reverse("payments:disbursement_detail",
                              args=[other.pk])).status_code == 404
