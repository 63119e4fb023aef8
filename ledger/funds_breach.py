"""A breached bond whose breach is overturned, and what is still owed to the fund per bond.

When the appeal of a breach (Form I-290B) is sustained, DHS returns the principal: it becomes
a refund receivable again, from bonds held (the bond was not written off yet) or back out of
forfeitures (it was). Receipts then leave the receivables through `funds.refund_returned`,
like any refund.
"""

from django.db.models import Q, Sum

from ledger.funds import _money_move
from ledger.models import Account, Transfer, TransferCode

RECEIVABLES = ("refund_receivable", "interest_receivable")


def breach_reversed(*, key, reservation_key, amount, written_off: bool, actor_id=None,
                    reference=""):
    """The principal of a breached bond is owed back to the fund again."""
    source = "forfeiture_expense" if written_off else "bonds_held"
    code = TransferCode.REVERSAL if written_off else TransferCode.REFUND
    return _money_move(key, reservation_key, source, "refund_receivable", amount, code,
                       actor_id, reference)


def receivables_open(references=None) -> dict[str, dict[str, int]]:
    """{reference: {"principal": open, "interest": open}} in minor units, for the cases
    whose transfers carry these references (None: every case), read from the transfers in
    one query. Only references with something still open are returned."""
    sums = {}
    for code, name in zip(RECEIVABLES, ("principal", "interest"), strict=True):
        sums[f"{name}_in"] = Sum("amount", filter=Q(credit_account__code=code), default=0)
        sums[f"{name}_out"] = Sum("amount", filter=Q(debit_account__code=code), default=0)
    transfers = Transfer.objects.filter(pending=False)
    if references is not None:
        transfers = transfers.filter(reference__in=list(references))
    # By account ids read first, not by the joined accounts' codes or a subquery: either
    # way the OR of the two sides cannot use the transfers' account indexes (a full scan).
    receivable = list(Account.objects.filter(code__in=RECEIVABLES).values_list("pk", flat=True))
    rows = (transfers.filter(Q(credit_account__in=receivable) | Q(debit_account__in=receivable))
            .values("reference").annotate(**sums).order_by("reference"))
    found = {}
    for row in rows:
        open_ = {name: row[f"{name}_in"] - row[f"{name}_out"]
                 for name in ("principal", "interest")}
        if open_["principal"] or open_["interest"]:
            found[row["reference"]] = open_
    return found
