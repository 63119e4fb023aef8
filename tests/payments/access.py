from payments.models import Wire
from tests.access import UrlCase, consulate_a_page, expect
from tests.payments.factories import DisbursementFactory


def url_cases(world):
    d = DisbursementFactory(consulate=world.consulate_a, payee_partner=world.partner_x,
                            requested_by=world.officer_a)
    pk = {"pk": d.pk}
    wire = Wire.objects.create(payee_partner=world.partner_x, consulate=world.consulate_a,
                               amount=1_200_000, currency="USD", requested_by=world.approver_a)
    for _ in range(2):
        DisbursementFactory(consulate=world.consulate_a, payee_partner=world.partner_x,
                            requested_by=world.approver_a, wire=wire)
    wire_pk = {"pk": wire.pk}
    return [
        UrlCase("payments:disbursement_list", expect=expect(200)),
        UrlCase("payments:disbursement_detail", pk,
                {**consulate_a_page(), "partner_x": 200, "partner_y": 404}),
        # Actions are POST-only: a GET is 405 for whoever is signed in.
        UrlCase("payments:disbursement_release", pk, expect(405)),
        UrlCase("payments:disbursement_record_manual", pk, expect(405)),
        UrlCase("payments:wire_create", expect=expect(405)),
        UrlCase("payments:wire_detail", wire_pk,
                {**consulate_a_page(), "partner_x": 200, "partner_y": 404}),
        UrlCase("payments:wire_record", wire_pk, expect(405)),
        UrlCase("payments:wire_cancel", wire_pk, expect(405)),
        UrlCase("payments:reconciliation",
                expect=expect(403, approver_a=200, admin=200, auditor=200)),
        UrlCase("payments:partner_stripe", {"pk": world.partner_x.pk},
                expect(403, partner_x=200, partner_y=404, admin=200, auditor=200)),
        # Stripe's endpoint: anonymous, POST only.
        UrlCase("payments:stripe_webhook", expect=expect(405, anonymous=405)),
    ]
