"""The fund's chart of accounts and its operations, in TigerBeetle's flow convention: a transfer
moves value from its debit account to its credit account, an account holds credits - debits, and
every limited account has `debits_must_not_exceed_credits` (it cannot give what it does not hold).

Budget book, per program and currency: funding -> unallocated -> consulate available ->
consulate committed (pending = reserved, posted = committed); partner caps come from the program's
cap source: cap source -> partner cap -> partner committed. Money book: capital -> cash ->
partner advance -> bonds held -> refund receivable -> cash (the fund revolves), or
cash -> grant expense; interest income -> interest receivable -> cash; bonds held -> forfeiture.
Money accounts are dimensioned by (program, consulate, partner).
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ledger import people as people_book
from ledger import services
from ledger.exceptions import (
    CapExceeded,
    IdempotencyConflict,
    InvalidTransfer,
    LimitExceeded,
    UnknownTransfer,
)
from ledger.models import Account, Book, Currency, Transfer, TransferCode
from ledger.services import TransferSpec


@dataclass(frozen=True)
class Chart:
    book: str
    limited: bool
    label: object
    level: str  # "program", "consulate", "partner" or "dimension" (consulate and partner)


CHART = {
    "funding": Chart(Book.BUDGET, False, _("Program funding"), "program"),
    "unallocated": Chart(Book.BUDGET, True, _("Unallocated budget"), "program"),
    "consulate_available": Chart(Book.BUDGET, True, _("Available budget"), "consulate"),
    "consulate_committed": Chart(Book.BUDGET, True, _("Committed budget"), "consulate"),
    "cap_source": Chart(Book.BUDGET, False, _("Partner caps"), "program"),
    "partner_cap": Chart(Book.BUDGET, True, _("Partner cap"), "partner"),
    "partner_committed": Chart(Book.BUDGET, True, _("Partner committed"), "partner"),
    "capital": Chart(Book.MONEY, False, _("Capital"), "program"),
    "cash": Chart(Book.MONEY, True, _("Cash"), "program"),
    "partner_advance": Chart(Book.MONEY, True, _("Advances to partner"), "dimension"),
    "bonds_held": Chart(Book.MONEY, True, _("Bonds held by DHS"), "dimension"),
    "refund_receivable": Chart(Book.MONEY, True, _("Refunds receivable"), "dimension"),
    "interest_receivable": Chart(Book.MONEY, True, _("Interest receivable"), "dimension"),
    "interest_income": Chart(Book.MONEY, False, _("Interest income"), "dimension"),
    "forfeiture_expense": Chart(Book.MONEY, False, _("Forfeitures"), "dimension"),
    "grant_expense": Chart(Book.MONEY, True, _("Grant expense"), "dimension"),
}
PROGRAM_ACCOUNTS = ("funding", "unallocated", "cap_source", "capital", "cash")


def account_key(code, program, currency, consulate_id=None, partner_id=None):
    chart = CHART[code]
    return (f"{chart.book}:{code}:{program}:{currency}"
            f":c{consulate_id or '-'}:p{partner_id or '-'}")


def account(code, *, program, currency, consulate_id=None, partner_id=None) -> Account:
    """The chart's account for these dimensions, opened on first use."""
    chart = CHART[code]
    name = _account_name(chart, program, currency, consulate_id, partner_id)
    return services.account_open(
        key=account_key(code, program, currency, consulate_id, partner_id), book=chart.book,
        code=code, currency=currency, name=name, program_ref=program,
        consulate_ref=consulate_id, partner_ref=partner_id,
        debits_must_not_exceed_credits=chart.limited,
    )


def accounts(*wanted, program, currency) -> list[Account]:
    """Several of the chart's accounts, each (code, consulate_id, partner_id), in one query;
    any not opened yet is opened."""
    keys = [account_key(code, program, currency, c, p) for code, c, p in wanted]
    found = Account.objects.in_bulk(keys, field_name="key")
    return [found.get(key) or account(code, program=program, currency=currency,
                                      consulate_id=c, partner_id=p)
            for key, (code, c, p) in zip(keys, wanted, strict=True)]


def _account_name(chart, program, currency, consulate_id, partner_id):
    parts = [str(chart.label)]
    if consulate_id:
        parts.append(str(_("consulate %(id)s") % {"id": consulate_id}))
    if partner_id:
        parts.append(str(_("partner %(id)s") % {"id": partner_id}))
    return f"{', '.join(parts)} ({program}, {currency})"


def _positive(amount, key):
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        raise InvalidTransfer(_("The amount must be a positive integer of minor units."),
                              transfer_id=key)


def _leg(key, debit, credit, amount, code, **extra):
    return TransferSpec(id=key, debit_account_id=debit.pk, credit_account_id=credit.pk,
                        amount=amount, code=code, **extra)


def _create(key, legs):
    # transfers_create is all or nothing by itself (a savepoint where it needs one).
    return services.transfers_create(transfers=legs, linked=key)


# Programs and allocations ------------------------------------------------------------------

def program_open(*, program, currency) -> None:
    with transaction.atomic():
        for code in PROGRAM_ACCOUNTS:
            account(code, program=program, currency=currency)


def program_fund(*, key, program, currency, amount, actor_id=None, memo=""):
    _positive(amount, key)
    a = _program_accounts(program, currency)
    note = {"actor_id": actor_id, "memo": memo}
    return _create(key, [
        _leg(key, a["funding"], a["unallocated"], amount, TransferCode.FUND, **note),
        _leg(f"{key}:money", a["capital"], a["cash"], amount, TransferCode.FUND, **note),
    ])


def _program_accounts(program, currency):
    found = accounts(*((code, None, None) for code in PROGRAM_ACCOUNTS), program=program,
                     currency=currency)
    return dict(zip(PROGRAM_ACCOUNTS, found, strict=True))


def consulate_allocate(*, key, program, currency, consulate_id, amount, actor_id=None,
                       memo=""):
    _positive(amount, key)
    source = account("unallocated", program=program, currency=currency)
    target = account("consulate_available", program=program, currency=currency,
                     consulate_id=consulate_id)
    return _create(key, [_leg(key, source, target, amount, TransferCode.ALLOCATE,
                              actor_id=actor_id, memo=memo)])


def consulate_reallocate(*, key, program, currency, from_consulate_id, to_consulate_id, amount,
                         actor_id=None, memo=""):
    _positive(amount, key)
    if from_consulate_id == to_consulate_id:
        raise InvalidTransfer(_("Reallocation needs two different consulates."),
                              transfer_id=key)
    source, target = (account("consulate_available", program=program, currency=currency,
                              consulate_id=c) for c in (from_consulate_id, to_consulate_id))
    try:
        return _create(key, [_leg(key, source, target, amount, TransferCode.REALLOCATE,
                                  actor_id=actor_id, memo=memo)])
    except LimitExceeded as exc:
        raise _as_cap(exc) from exc


def partner_cap_set(*, key, program, currency, partner_id, amount, actor_id=None, memo=""):
    """Raise or lower the cap to `amount`: a transfer of the difference from or to the cap
    source. `user_data` keeps the requested cap, so a retry is recognized whatever the cap is
    by then."""
    if not isinstance(amount, int) or amount < 0:
        raise InvalidTransfer(_("A cap is a non-negative integer of minor units."),
                              transfer_id=key)
    with transaction.atomic():
        replayed = _cap_replay(key, amount)
        if replayed is not None:
            return replayed
        source, cap, committed = _lock_cap_accounts(program, currency, partner_id)
        delta = amount - _cap_level(cap, committed)
        debit, credit = (source, cap) if delta >= 0 else (cap, source)
        leg = _leg(key, debit, credit, abs(delta), TransferCode.CAP, user_data=amount,
                   actor_id=actor_id, memo=memo)
        try:
            return _create(key, [leg])
        except LimitExceeded as exc:
            raise _as_cap(exc) from exc


def _cap_replay(key, amount):
    stored = Transfer.objects.filter(pk=key).first()
    if stored is None:
        return None
    if stored.code != TransferCode.CAP or stored.user_data != amount:
        raise IdempotencyConflict(key, field="amount")
    return [stored]


def _lock_cap_accounts(program, currency, partner_id):
    source = account("cap_source", program=program, currency=currency)
    cap, committed = (account(code, program=program, currency=currency, partner_id=partner_id)
                      for code in ("partner_cap", "partner_committed"))
    ids = sorted((source.pk, cap.pk, committed.pk))
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids)
              .order_by("pk")}
    return locked[source.pk], locked[cap.pk], locked[committed.pk]


def _cap_level(cap, committed):
    """Cap = what is left + reserved + committed (reservations move it, they don't change it)."""
    return (cap.credits_posted - cap.debits_posted
            + committed.credits_posted - committed.debits_posted)


def _as_cap(exc):
    code = exc.account.code
    if code not in ("consulate_available", "partner_cap"):
        return exc
    kind = "consulate" if code == "consulate_available" else "partner"
    return CapExceeded(exc.account, exc.shortfall, cap=kind, transfer_id=exc.transfer_id)


# Reservations ----------------------------------------------------------------------------

def reserve(*, key, program, currency, consulate_id, partner_id=None, amount, people=0,
            actor_id=None, reference=""):
    """Pending transfers that hold the consulate's budget and the partner's cap together, and
    `people` persons on each people cap the program has set (ledger/people.py), all or none:
    a people cap reached refuses the whole reservation (PeopleCapExceeded)."""
    _positive(amount, key)
    note = {"actor_id": actor_id, "reference": reference, "pending": True}
    wanted = [("consulate_available", consulate_id, None),
              ("consulate_committed", consulate_id, None)]
    if partner_id:
        wanted += [("partner_cap", None, partner_id), ("partner_committed", None, partner_id)]
    found = accounts(*wanted, program=program, currency=currency)
    legs = [_leg(key, found[0], found[1], amount, TransferCode.AUTHORIZE, **note)]
    if partner_id:
        legs.append(_leg(f"{key}:partner", found[2], found[3], amount, TransferCode.AUTHORIZE,
                         **note))
    if people:
        legs += people_book.reserve_legs(key, program=program, consulate_id=consulate_id,
                                         partner_id=partner_id, count=people, note=note)
    try:
        return _create(key, legs)
    except LimitExceeded as exc:
        raise (people_book.as_people_refusal(exc) or _as_cap(exc)) from exc


@dataclass(frozen=True)
class Reservation:
    key: str
    legs: tuple  # the pending money transfers, consulate leg first
    program: str
    currency: str
    consulate_id: int
    partner_id: int | None
    people: tuple = ()  # the pending people transfers (none without people caps)

    @property
    def amount(self):
        return self.legs[0].amount

    def suffix(self, leg):
        return leg.id[len(self.key):]

    def money(self, code):
        return account(code, program=self.program, currency=self.currency,
                       consulate_id=self.consulate_id, partner_id=self.partner_id)


def reservation_get(reservation_key) -> Reservation:
    found = tuple(Transfer.objects.filter(linked=reservation_key, pending=True)
                  .select_related("debit_account").order_by("id"))
    legs = tuple(leg for leg in found if leg.currency != Currency.PEOPLE)
    if not legs or legs[0].id != reservation_key:
        raise UnknownTransfer(reservation_key)
    consulate = legs[0].debit_account
    partner_ids = [leg.debit_account.partner_ref for leg in legs[1:]]
    return Reservation(key=reservation_key, legs=legs, program=consulate.program_ref,
                       currency=consulate.currency, consulate_id=consulate.consulate_ref,
                       partner_id=partner_ids[0] if partner_ids else None,
                       people=tuple(leg for leg in found if leg.currency == Currency.PEOPLE))


def release(*, key, reservation_key, actor_id=None, reference=""):
    """Void every pending leg of the reservation: the money and the people are free again."""
    r = reservation_get(reservation_key)
    legs = [TransferSpec(id=key + r.suffix(leg), void_pending=True, pending_id=leg.id,
                         code=TransferCode.VOID, actor_id=actor_id, reference=reference)
            for leg in (*r.legs, *r.people)]
    return _create(key, legs)


def disburse(*, key, reservation_key, amount, purpose, actor_id=None, reference=""):
    """Post the reservation for `amount` (the rest is released) and pay: cash -> partner advance
    (bond) or cash -> grant expense (grant). Its people are posted whole: they stay counted."""
    _positive(amount, key)
    if purpose not in ("bond", "grant"):
        raise InvalidTransfer(_("The purpose is bond or grant."), transfer_id=key)
    r = reservation_get(reservation_key)
    note = {"actor_id": actor_id, "reference": reference}
    legs = [TransferSpec(id=key + r.suffix(leg), post_pending=True, pending_id=leg.id,
                         amount=amount, code=TransferCode.POST, **note) for leg in r.legs]
    legs += [TransferSpec(id=key + r.suffix(leg), post_pending=True, pending_id=leg.id,
                          code=TransferCode.POST, **note) for leg in r.people]
    target = r.money("partner_advance" if purpose == "bond" else "grant_expense")
    cash = account("cash", program=r.program, currency=r.currency)
    legs.append(_leg(f"{key}:money", cash, target, amount, TransferCode.DISBURSE, **note))
    return _create(key, legs)


def disbursement_reverse(*, key, reservation_key, actor_id=None, reference=""):
    """A payment that came back: each transfer of the disbursement is reversed by a new one."""
    reservation_get(reservation_key)
    post = Transfer.objects.filter(pending_transfer_id=reservation_key, post_pending=True).first()
    if post is None:
        raise UnknownTransfer(f"{reservation_key} (disbursement)")
    group = Transfer.objects.filter(linked=post.linked).order_by("id")
    legs = [TransferSpec(id=key + t.id[len(post.linked):], reversal_of_id=t.id,
                         code=TransferCode.REVERSAL, actor_id=actor_id, reference=reference)
            for t in group if t.amount]
    return _create(key, legs)


# Bonds after payment ---------------------------------------------------------------------

def _money_move(key, reservation_key, source, target, amount, code, actor_id, reference):
    _positive(amount, key)
    r = reservation_get(reservation_key)
    return _create(key, [_leg(key, r.money(source), r.money(target), amount, code,
                              actor_id=actor_id, reference=reference)])


def bond_posted(*, key, reservation_key, amount, actor_id=None, reference=""):
    return _money_move(key, reservation_key, "partner_advance", "bonds_held", amount,
                       TransferCode.BOND_POSTED, actor_id, reference)


def bond_cancelled(*, key, reservation_key, amount, actor_id=None, reference=""):
    return _money_move(key, reservation_key, "bonds_held", "refund_receivable", amount,
                       TransferCode.REFUND, actor_id, reference)


def bond_interest(*, key, reservation_key, amount, actor_id=None, reference=""):
    return _money_move(key, reservation_key, "interest_income", "interest_receivable", amount,
                       TransferCode.INTEREST, actor_id, reference)


def bond_forfeited(*, key, reservation_key, amount, actor_id=None, reference=""):
    return _money_move(key, reservation_key, "bonds_held", "forfeiture_expense", amount,
                       TransferCode.FORFEIT, actor_id, reference)


def refund_returned(*, key, reservation_key, principal, interest=0, actor_id=None,
                    reference=""):
    """Money back to cash; the principal's budget back to available (the fund revolves)."""
    if principal < 0 or interest < 0 or principal + interest <= 0:
        raise InvalidTransfer(_("A refund needs a positive principal or interest."),
                              transfer_id=key)
    r = reservation_get(reservation_key)
    cash = account("cash", program=r.program, currency=r.currency)
    note = {"actor_id": actor_id, "reference": reference}
    legs = []
    if principal:
        legs.append(_leg(key, r.money("refund_receivable"), cash, principal,
                         TransferCode.REFUND_RECEIVED, **note))
        legs.extend(_revolve_legs(key, r, principal, note))
    if interest:
        legs.append(_leg(f"{key}:interest", r.money("interest_receivable"), cash, interest,
                         TransferCode.REFUND_RECEIVED, **note))
    return _create(key, legs)


def _revolve_legs(key, r, principal, note):
    for leg in r.legs:
        committed, available = leg.credit_account_id, leg.debit_account_id
        yield TransferSpec(id=f"{key}:revolve{r.suffix(leg)}", debit_account_id=committed,
                           credit_account_id=available, amount=principal,
                           code=TransferCode.REVOLVE, **note)
