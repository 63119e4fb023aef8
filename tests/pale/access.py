"""Access cases for every named URL of the PALE app (see tests/access.py)."""

import datetime

import time_machine
from django.utils import timezone

from pale import invoices, services
from tests.access import UrlCase, expect
from tests.pale.factories import legal_program, make_contract

POST_ONLY = expect(405)
STAFF = dict(officer_a=200, approver_a=200, admin=200, auditor=200)


def _work(world):
    """A referral of consulate A to partner X, accepted, with a session and a granted bond
    hearing, billed last month."""
    program = legal_program(world)
    today = timezone.localdate()
    contract = make_contract(world, program, starts_on=today - datetime.timedelta(days=70),
                             ends_on=today + datetime.timedelta(days=300))
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40), tick=False):
        referral = services.referral_create(actor=world.officer_a, beneficiary=world.ben_a,
                                            contract=contract, matter="detention_bond")
        services.referral_accept(actor=world.partner_x_staff, referral=referral)
        day = timezone.localdate()
        services.session_record(actor=world.partner_x_staff, referral=referral, held_on=day,
                                mode="phone", topic="Consulta", minutes=30, outcome="Orientado")
        hearing = services.milestone_record(
            actor=world.partner_x_staff, referral=referral, kind="bond_hearing",
            occurred_on=day, result="bond_granted", judge_or_court="IJ", bond_amount=5000)
    invoice = invoices.invoice_submit(actor=world.partner_x_staff, contract=contract, month=day)
    return contract, referral, hearing, invoice


def url_cases(world):
    contract, referral, hearing, invoice = _work(world)
    seen_by_a_and_x = expect(404, partner_x=200, **STAFF)
    everyone = expect(200)
    return [
        UrlCase("pale:contract_list", expect=everyone),
        UrlCase("pale:contract_create", expect=expect(403, admin=200)),
        UrlCase("pale:contract_detail", kwargs={"pk": contract.pk}, expect=seen_by_a_and_x),
        UrlCase("pale:referral_list", expect=everyone),
        UrlCase("pale:referral_list", query="?state=pending&page=2", expect=everyone),
        UrlCase("pale:referral_create", query=f"?beneficiary={world.ben_a.pk}",
                expect=expect(403, officer_a=200, officer_b=404)),
        UrlCase("pale:referral_detail", kwargs={"pk": referral.pk}, expect=seen_by_a_and_x),
        *[UrlCase(f"pale:{name}", kwargs={"pk": referral.pk}, expect=POST_ONLY)
          for name in ("referral_accept", "referral_decline", "referral_redirect",
                       "session_add", "milestone_add")],
        UrlCase("pale:hearing_bond", kwargs={"pk": hearing.pk},
                expect=expect(404, officer_a=200, approver_a=403, admin=403, auditor=403,
                              partner_x=403)),
        UrlCase("pale:invoice_list", expect=everyone),
        UrlCase("pale:invoice_create", expect=expect(403, partner_x=200, partner_y=200)),
        UrlCase("pale:invoice_detail", kwargs={"pk": invoice.pk}, expect=seen_by_a_and_x),
        *[UrlCase(f"pale:{name}", kwargs={"pk": invoice.pk}, expect=POST_ONLY)
          for name in ("invoice_approve", "invoice_reject")],
        UrlCase("pale:accountability", expect=everyone),
        UrlCase("pale:report", expect=expect(200, partner_x=403, partner_y=403)),
        UrlCase("pale:report_export", query="?format=xlsx",
                expect=expect(200, partner_x=403, partner_y=403)),
    ]
