"""Payments demo: without Stripe keys the demo pays by recorded wires, ACH and checks.

The bond and grant demos request their disbursements through `payments.services`; this
module only reports what there is, and, when a partner already has a Stripe account id,
keeps a status row for its page. Idempotent.
"""

from django.db import transaction
from django.db.models import Count

from core.models import PartnerOrganization
from payments import stripe_gateway
from payments.models import Disbursement, PartnerStripeAccount


def load(stdout=None):
    with transaction.atomic():
        for partner in PartnerOrganization.objects.exclude(stripe_account_id=""):
            PartnerStripeAccount.objects.get_or_create(
                partner=partner, defaults={"account_id": partner.stripe_account_id})
    if stdout is not None:
        counts = dict(Disbursement.objects.values_list("status").annotate(n=Count("pk")))
        mode = "Stripe" if stripe_gateway.is_configured() else "manual rails (Stripe off)"
        stdout.write(f"payments: {sum(counts.values())} disbursements {counts or ''}, "
                     f"paying by {mode}\n")
