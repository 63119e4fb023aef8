"""Stripe's transfers against our disbursements: each kind of difference is listed.

Every test here runs at fixed instants just before and after midnight in Chicago (the fund's
zone), in UTC and in San Juan: the result must not depend on the hour it runs."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from payments import services
from payments.models import StripeReconciliationRun
from tests.helpers import sign_in
from tests.payments.factories import requested

CHICAGO = zoneinfo.ZoneInfo("America/Chicago")
SAN_JUAN = zoneinfo.ZoneInfo("America/Puerto_Rico")
INSTANTS = {
    f"{label}-{side}": datetime.datetime(2026, 3, 1, 23, 59, 30, tzinfo=zone)
    + (datetime.timedelta(minutes=1) if side == "after" else datetime.timedelta())
    for label, zone in (("chicago", CHICAGO), ("utc", datetime.UTC), ("san-juan", SAN_JUAN))
    for side in ("before", "after")
}


@pytest.fixture(autouse=True, params=INSTANTS.values(), ids=INSTANTS.keys())
def instant(request):
    with time_machine.travel(request.param, tick=False):
        yield request.param


@pytest.fixture
def period(funded, fake_stripe):
    """Four Stripe disbursements and one stranger, on a fake that pages by two."""
    fake_stripe.page_size = 2
    funded.partner_x.stripe_account_id = "acct_partnerX"
    funded.partner_x.save()
    ds = [requested(funded, amount=100_000 * (i + 1)) for i in range(4)]
    for d in ds:
        services.disbursement_release(disbursement_id=d.pk, actor=funded.approver_a)
        d.refresh_from_db()
    matched, missing, wrong_amount, reversed_at_stripe = ds
    del fake_stripe.transfers[missing.stripe_transfer_id]
    fake_stripe.transfers[wrong_amount.stripe_transfer_id]["amount"] += 1
    fake_stripe.reverse(reversed_at_stripe.stripe_transfer_id)  # no webhook came
    stranger = fake_stripe.add_transfer(amount=4242, destination="acct_someone")
    return {"matched": matched, "missing": missing, "wrong_amount": wrong_amount,
            "reversed": reversed_at_stripe, "stranger": stranger}


def kinds(run):
    return {(row["kind"], row["transfer_id"] or row["disbursement_id"]) for row in run.differences}


def test_the_three_kinds_of_differences_are_listed(funded, period):
    today = timezone.localdate()
    run = services.reconciliation_run(actor=funded.auditor, date_from=today, date_to=today)
    assert kinds(run) == {
        ("stripe_only", period["stranger"]["id"]),
        ("ours_only", period["missing"].stripe_transfer_id),
        ("amount_mismatch", period["wrong_amount"].stripe_transfer_id),
        ("status_mismatch", period["reversed"].stripe_transfer_id),
    }
    assert run.matched == 1 and run.stripe_transfers == 4


def test_the_page_runs_and_shows_the_differences(funded, period, client):
    sign_in(client, funded.approver_a)
    today = timezone.localdate().isoformat()
    response = client.post(reverse("payments:reconciliation"),
                           {"date_from": today, "date_to": today}, follow=True)
    page = response.content.decode()
    assert "In Stripe, not in our records" in page
    assert "In our records, not in Stripe" in page
    assert "Amount or currency differs" in page
    assert period["stranger"]["id"] in page
    assert StripeReconciliationRun.objects.count() == 1


def test_the_command_lists_differences_and_fails(funded, period, capsys):
    today = timezone.localdate().isoformat()
    with pytest.raises(CommandError, match="4 difference"):
        call_command("stripe_reconcile", "--from", today, "--to", today)
    out = capsys.readouterr().out
    assert "stripe_only" in out and "ours_only" in out and "amount_mismatch" in out


def test_without_stripe_the_page_says_so_and_shows_stored_runs(world, client):
    sign_in(client, world.admin)
    page = client.get(reverse("payments:reconciliation")).content.decode()
    assert "Stripe is not configured: payments are recorded manually." in page
    with pytest.raises(CommandError, match="not configured"):
        call_command("stripe_reconcile", "--from", "2026-01-01", "--to", "2026-01-31")


def test_a_period_is_days_in_the_fund_zone_not_utc_days(funded, fake_stripe):
    """23:30 in Chicago on 1 March is 05:30 UTC on 2 March: it belongs to 1 March."""
    late = datetime.datetime(2026, 3, 1, 23, 30, tzinfo=CHICAGO)
    transfer = fake_stripe.add_transfer(amount=4242, destination="acct_someone",
                                        created=int(late.timestamp()))
    first = services.reconciliation_run(actor=funded.auditor,
                                        date_from=datetime.date(2026, 3, 1),
                                        date_to=datetime.date(2026, 3, 1))
    second = services.reconciliation_run(actor=funded.auditor,
                                         date_from=datetime.date(2026, 3, 2),
                                         date_to=datetime.date(2026, 3, 2))
    assert kinds(first) == {("stripe_only", transfer["id"])}
    assert kinds(second) == set()


def test_the_page_names_the_zone_of_its_days(world, client, fake_stripe):
    sign_in(client, world.admin)
    page = client.get(reverse("payments:reconciliation")).content.decode()
    assert "America/Chicago" in page
