"""The books' self-check behind `manage.py ledger_verify`."""

from django.db.models import Count, F, Q, Sum

from ledger.models import Account, Transfer
from ledger.selectors import COUNTERS, counter_sums


def verify() -> list[str]:
    """Every break found, as text naming the culprit; [] when the books are sound."""
    return [*_counters_match(), *_books_balance(), *_limits_hold(), *_resolved_once()]


def _counters_match():
    sums = counter_sums()
    for account in Account.objects.order_by("pk"):
        expected = sums.get(account.pk, dict.fromkeys(COUNTERS, 0))
        for name in COUNTERS:
            stored = getattr(account, name)
            if stored != expected[name]:
                yield (f"account {account.pk} {account.key} ({account.name}): {name} is "
                       f"{stored}, its transfers sum to {expected[name]}")


def _books_balance():
    totals = Account.objects.values("currency").annotate(
        **{name: Sum(name) for name in COUNTERS}).order_by("currency")
    for t in totals:
        for phase in ("pending", "posted"):
            if t[f"debits_{phase}"] != t[f"credits_{phase}"]:
                yield (f"{t['currency']}: {phase} debits {t[f'debits_{phase}']} != "
                       f"{phase} credits {t[f'credits_{phase}']}")


def _limits_hold():
    past = Account.objects.filter(
        Q(debits_must_not_exceed_credits=True,
          credits_posted__lt=F("debits_pending") + F("debits_posted"))
        | Q(credits_must_not_exceed_debits=True,
            debits_posted__lt=F("credits_pending") + F("credits_posted")))
    for account in past:
        yield f"account {account.pk} {account.key} ({account.name}) is past its limit"


def _resolved_once():
    twice = (Transfer.objects.filter(pending_transfer__isnull=False)
             .values("pending_transfer_id").annotate(n=Count("id")).filter(n__gt=1))
    for row in twice:
        yield f"pending transfer {row['pending_transfer_id']} resolved {row['n']} times"
    bad = Transfer.objects.filter(pending_transfer__isnull=False).filter(
        Q(pending_transfer__pending=False) | Q(amount__gt=F("pending_transfer__amount"))
        | ~Q(debit_account=F("pending_transfer__debit_account"))
        | ~Q(credit_account=F("pending_transfer__credit_account")))
    for t in bad.values_list("pk", flat=True):
        yield f"transfer {t} does not match the pending transfer it resolves"
