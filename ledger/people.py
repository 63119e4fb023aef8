"""Head counts as a ledger unit (currency PPL, one unit is one person), beside the money.

A program's people caps are budget accounts, set like partner caps (a transfer of the
difference from the source, `user_data` keeping the cap asked for):

    people_source -> people_cap (program, limited)           -> people_committed
    people_source -> consulate_people_cap (limited)          -> consulate_people_committed
    people_source -> partner_people_cap (limited)            -> partner_people_committed

A reservation holds one person, pending, on every cap the program has set, linked with its
money (`funds.reserve`): all or nothing. A release voids it and the person is free again; a
disbursement posts it and the person stays counted (people funded). A program without people
caps has no people accounts and its reservations no people legs.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ledger import services
from ledger.exceptions import IdempotencyConflict, InvalidTransfer, PeopleCapExceeded
from ledger.models import Account, Book, Currency, Transfer, TransferCode
from ledger.services import TransferSpec

PPL = Currency.PEOPLE
# level -> (cap account code, committed account code)
LEVELS = {
    "program": ("people_cap", "people_committed"),
    "consulate": ("consulate_people_cap", "consulate_people_committed"),
    "partner": ("partner_people_cap", "partner_people_committed"),
}
CAP_CODES = {cap: level for level, (cap, _committed) in LEVELS.items()}
LABELS = {
    "people_source": _("People caps"),
    "people_cap": _("People cap"),
    "people_committed": _("People committed"),
    "consulate_people_cap": _("People cap"),
    "consulate_people_committed": _("People committed"),
    "partner_people_cap": _("People cap"),
    "partner_people_committed": _("People committed"),
}


def people_key(code, program, consulate_id=None, partner_id=None):
    return f"budget:{code}:{program}:{PPL}:c{consulate_id or '-'}:p{partner_id or '-'}"


def _dims(level, consulate_id, partner_id):
    return {"program": (None, None), "consulate": (consulate_id, None),
            "partner": (None, partner_id)}[level]


def people_account(code, *, program, consulate_id=None, partner_id=None) -> Account:
    parts = [str(LABELS[code])]
    if consulate_id:
        parts.append(str(_("consulate %(id)s") % {"id": consulate_id}))
    if partner_id:
        parts.append(str(_("partner %(id)s") % {"id": partner_id}))
    return services.account_open(
        key=people_key(code, program, consulate_id, partner_id), book=Book.BUDGET, code=code,
        currency=PPL, name=f"{', '.join(parts)} ({program}, {PPL})", program_ref=program,
        consulate_ref=consulate_id, partner_ref=partner_id,
        debits_must_not_exceed_credits=code != "people_source")


# Setting a cap -----------------------------------------------------------------------------

def people_cap_set(*, key, program, level, count, consulate_id=None, partner_id=None,
                   actor_id=None, memo=""):
    """Raise or lower a people cap to `count`. Lowering it below the people already reserved
    or funded is refused by the cap account's limit (LimitExceeded, shortfall in people)."""
    if level not in LEVELS:
        raise InvalidTransfer(_("A people cap is the program's, a consulate's or a partner's."),
                              transfer_id=key)
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise InvalidTransfer(_("A people cap is a whole number, zero or more."),
                              transfer_id=key)
    consulate_id, partner_id = _dims(level, consulate_id, partner_id)
    if (level == "consulate" and not consulate_id) or (level == "partner" and not partner_id):
        raise InvalidTransfer(_("Choose whose people cap this is."), transfer_id=key)
    with transaction.atomic():
        replayed = _cap_replay(key, count)
        if replayed is not None:
            return replayed
        source, cap, committed = _lock(program, level, consulate_id, partner_id)
        delta = count - _level_of(cap, committed)
        debit, credit = (source, cap) if delta >= 0 else (cap, source)
        leg = TransferSpec(id=key, debit_account_id=debit.pk, credit_account_id=credit.pk,
                           amount=abs(delta), code=TransferCode.CAP, user_data=count,
                           actor_id=actor_id, memo=memo)
        return services.transfers_create(transfers=[leg], linked=key)


def _cap_replay(key, count):
    stored = Transfer.objects.filter(pk=key).first()
    if stored is None:
        return None
    if stored.code != TransferCode.CAP or stored.user_data != count:
        raise IdempotencyConflict(key, field="amount")
    return [stored]


def _lock(program, level, consulate_id, partner_id):
    cap_code, committed_code = LEVELS[level]
    opened = [people_account("people_source", program=program)] + [
        people_account(code, program=program, consulate_id=consulate_id, partner_id=partner_id)
        for code in (cap_code, committed_code)]
    locked = Account.objects.select_for_update().in_bulk([a.pk for a in opened])
    return [locked[a.pk] for a in opened]


def _level_of(cap, committed):
    """Cap = what is left + reserved + funded (a reservation moves it, it does not change it)."""
    return (cap.credits_posted - cap.debits_posted
            + committed.credits_posted - committed.debits_posted)


def cap_level(account) -> int:
    """The cap last set on a people cap account (its latest CAP transfer asked for it)."""
    latest = (Transfer.objects.filter(code=TransferCode.CAP)
              .filter(Q(debit_account=account) | Q(credit_account=account))
              .order_by("-created_at", "-id").values_list("user_data", flat=True).first())
    return latest or 0


# Reservations ------------------------------------------------------------------------------

def reserve_legs(key, *, program, consulate_id, partner_id, count, note) -> list:
    """Pending legs holding `count` people on every cap the program has set (one query)."""
    wanted = [("program", None, None), ("consulate", consulate_id, None)]
    if partner_id:
        wanted.append(("partner", None, partner_id))
    keys = {level: [people_key(code, program, c, p) for code in LEVELS[level]]
            for level, c, p in wanted}
    found = Account.objects.in_bulk([k for pair in keys.values() for k in pair],
                                    field_name="key")
    legs = []
    for level, (cap_key, committed_key) in keys.items():
        cap, committed = found.get(cap_key), found.get(committed_key)
        if cap is None or committed is None:
            continue
        suffix = ":people" if level == "program" else f":people:{level}"
        legs.append(TransferSpec(id=key + suffix, debit_account_id=cap.pk,
                                 credit_account_id=committed.pk, amount=count,
                                 code=TransferCode.AUTHORIZE, **note))
    return legs


def as_people_refusal(exc):
    """The refusal to raise for a limit a people leg passed, or None if it was money's."""
    level = CAP_CODES.get(exc.account.code)
    if exc.account.currency != PPL or level is None:
        return None
    return PeopleCapExceeded(exc.account, exc.shortfall, cap=level,
                             limit=cap_level(exc.account), transfer_id=exc.transfer_id)


# Reads -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PeoplePosition:
    cap: int
    reserved: int
    funded: int

    @property
    def available(self):
        return self.cap - self.reserved - self.funded


def people_positions(*, program) -> dict:
    """(level, consulate_id, partner_id) -> PeoplePosition for every cap the program has set,
    in one query."""
    accounts = Account.objects.filter(program_ref=program, currency=PPL,
                                      code__in=[c for pair in LEVELS.values() for c in pair])
    by_key = {}
    for a in accounts:
        by_key[(a.code, a.consulate_ref, a.partner_ref)] = a
    positions = {}
    for (code, c, p), cap in by_key.items():
        level = CAP_CODES.get(code)
        committed = by_key.get((LEVELS[level][1], c, p)) if level else None
        if committed is None:
            continue
        positions[(level, c, p)] = PeoplePosition(
            cap=_level_of(cap, committed), reserved=committed.credits_pending,
            funded=committed.credits_posted - committed.debits_posted)
    return positions


def program_people_totals(programs=None) -> dict:
    """program ref -> its program-level PeoplePosition, for every program with a people cap
    (or these programs), in one query."""
    accounts = Account.objects.filter(currency=PPL, code__in=LEVELS["program"])
    if programs is not None:
        accounts = accounts.filter(program_ref__in=list(programs))
    pairs = {}
    for a in accounts:
        pairs.setdefault(a.program_ref, {})[a.code] = a
    return {ref: PeoplePosition(cap=_level_of(p["people_cap"], p["people_committed"]),
                                reserved=p["people_committed"].credits_pending,
                                funded=(p["people_committed"].credits_posted
                                        - p["people_committed"].debits_posted))
            for ref, p in pairs.items() if len(p) == 2}
