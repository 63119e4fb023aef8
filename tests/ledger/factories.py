import itertools

import factory

from ledger import funds
from ledger.models import Account, Book

_keys = itertools.count(1)


def key(prefix="k"):
    return f"{prefix}-{next(_keys)}"


class AccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Account

    key = factory.Sequence(lambda n: f"test:account:{n}")
    book = Book.MONEY
    code = "test"
    currency = "USD"
    name = factory.Sequence(lambda n: f"Account {n}")
    program_ref = "test:1"


class LimitedAccountFactory(AccountFactory):
    debits_must_not_exceed_credits = True


def funded_program(*, program="bond:1", currency="USD", amount=100_000, consulates=None,
                   caps=None):
    """A program funded with `amount`, allocated to `consulates` {id: amount} and with
    partner `caps` {id: amount}."""
    funds.program_open(program=program, currency=currency)
    funds.program_fund(key=key("fund"), program=program, currency=currency, amount=amount)
    for consulate_id, allocation in (consulates or {}).items():
        funds.consulate_allocate(key=key("alloc"), program=program, currency=currency,
                                 consulate_id=consulate_id, amount=allocation)
    for partner_id, cap in (caps or {}).items():
        funds.partner_cap_set(key=key("cap"), program=program, currency=currency,
                              partner_id=partner_id, amount=cap)
    return program
