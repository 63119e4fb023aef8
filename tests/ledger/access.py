from django.db import transaction

from ledger import funds
from tests.access import UrlCase, consulate_a_page, expect


def url_cases(world):
    with transaction.atomic():
        funds.program_open(program="bond:access", currency="USD")
        funds.program_fund(key="access:fund", program="bond:access", currency="USD",
                           amount=10_000_00)
        funds.consulate_allocate(key="access:alloc", program="bond:access", currency="USD",
                                 consulate_id=world.consulate_a.pk, amount=5_000_00)
        funds.partner_cap_set(key="access:cap", program="bond:access", currency="USD",
                              partner_id=world.partner_x.pk, amount=2_000_00)
    consulate_account = funds.account("consulate_available", program="bond:access",
                                      currency="USD", consulate_id=world.consulate_a.pk)
    partner_account = funds.account("partner_cap", program="bond:access", currency="USD",
                                    partner_id=world.partner_x.pk)
    return [
        # Every role reads the figures it reaches; rows outside its scope are left out.
        UrlCase("ledger:reconciliation", expect=expect(200)),
        UrlCase("ledger:reconciliation", query="?format=csv", expect=expect(200)),
        UrlCase("ledger:account_statement", {"pk": consulate_account.pk},
                expect=consulate_a_page(partner_x=404, partner_y=404)),
        UrlCase("ledger:account_statement", {"pk": partner_account.pk},
                expect=expect(404, partner_x=200, admin=200, auditor=200)),
    ]
