"""Partners connect their Stripe Express account from their page."""

from django.urls import reverse

from core.models import AuditEvent
from payments.models import PartnerStripeAccount
from tests.helpers import sign_in
from tests.payments.factories import post_event


def test_partner_staff_onboard_once_and_see_payouts_enabled(world, fake_stripe, client):
    sign_in(client, world.partner_x_staff)
    url = reverse("payments:partner_stripe", args=[world.partner_x.pk])

    first = client.post(url)
    again = client.post(url)

    assert first.status_code == 302 and first["Location"].startswith("https://connect.stripe")
    assert again.status_code == 302
    world.partner_x.refresh_from_db()
    account_id = world.partner_x.stripe_account_id
    assert list(fake_stripe.accounts) == [account_id]
    assert AuditEvent.objects.filter(action="payments.partner.stripe_account").count() == 1
    links = [c for c in fake_stripe.calls if c[:2] == ("post", "/v1/account_links")]
    assert len(links) == 2 and links[0][3]["account"] == account_id
    assert "Payouts enabled" in client.get(url).content.decode()

    fake_stripe.accounts[account_id].update(payouts_enabled=True, details_submitted=True)
    event = fake_stripe.event("account.updated", fake_stripe.accounts[account_id])
    assert post_event(client, event).json()["outcome"] == "account updated"
    assert PartnerStripeAccount.objects.get(partner=world.partner_x).payouts_enabled


def test_other_partners_and_officers_cannot_onboard(world, fake_stripe, client):
    url = reverse("payments:partner_stripe", args=[world.partner_x.pk])
    sign_in(client, world.partner_y_staff)
    assert client.post(url).status_code == 404
    sign_in(client, world.officer_a)
    assert client.post(url).status_code == 403
    sign_in(client, world.auditor)
    assert client.post(url).status_code == 403
    world.partner_x.refresh_from_db()
    assert world.partner_x.stripe_account_id == "" and fake_stripe.calls == []


def test_without_stripe_the_partner_page_says_payments_are_manual(world, client):
    sign_in(client, world.partner_x_staff)
    url = reverse("payments:partner_stripe", args=[world.partner_x.pk])
    page = client.get(url).content.decode()
    assert "Stripe is not configured: payments are recorded manually." in page
    response = client.post(url, follow=True)
    assert "Stripe is not configured" in response.content.decode()
