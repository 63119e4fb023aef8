"""Ledger refusals: each carries the facts (account, transfer, amounts), translatable."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from ledger.money import format_amount


class LedgerError(Exception):
    """Base of every ledger refusal; `transfer_id` names the transfer that failed, if any."""

    transfer_id = None

    def __init__(self, message, *, transfer_id=None):
        self.message = message
        if transfer_id is not None:
            self.transfer_id = transfer_id
        super().__init__(message)

    def __str__(self):
        if self.transfer_id:
            return str(_("Transfer %(id)s: %(message)s") % {
                "id": self.transfer_id, "message": self.message})
        return str(self.message)


class InvalidTransfer(LedgerError):
    """The transfer is malformed (currency mismatch, non-positive amount, same account...)."""


class LimitExceeded(LedgerError):
    """The transfer would take an account with a balance limit past it."""

    def __init__(self, account, shortfall, *, transfer_id=None):
        self.account = account
        self.shortfall = shortfall
        message = _("%(account)s is short by %(shortfall)s.") % {
            "account": account.name,
            "shortfall": format_amount(shortfall, account.currency),
        }
        super().__init__(message, transfer_id=transfer_id)


class CapExceeded(LimitExceeded):
    """A reservation would pass the consulate's available budget or the partner's cap."""

    def __init__(self, account, shortfall, *, cap, transfer_id=None):
        self.cap = cap
        super().__init__(account, shortfall, transfer_id=transfer_id)
        label = _("consulate budget") if cap == "consulate" else _("partner cap")
        self.message = _("The %(cap)s %(account)s is short by %(shortfall)s.") % {
            "cap": label,
            "account": account.name,
            "shortfall": format_amount(shortfall, account.currency),
        }
        self.args = (self.message,)


PEOPLE_CAP_MESSAGES = {
    "program": ngettext_lazy("The program's limit of %(n)s person is reached.",
                             "The program's limit of %(n)s people is reached.", "n"),
    "consulate": ngettext_lazy("The consulate's limit of %(n)s person is reached.",
                               "The consulate's limit of %(n)s people is reached.", "n"),
    "partner": ngettext_lazy("The partner's limit of %(n)s person is reached.",
                             "The partner's limit of %(n)s people is reached.", "n"),
}


class PeopleCapExceeded(CapExceeded):
    """A reservation would pass a people cap (the program's, a consulate's or a partner's):
    `limit` is the cap, in people."""

    def __init__(self, account, shortfall, *, cap, limit, transfer_id=None):
        super().__init__(account, shortfall, cap=cap, transfer_id=transfer_id)
        self.limit = limit
        self.message = PEOPLE_CAP_MESSAGES[cap] % {"n": limit}
        self.args = (self.message,)


class IdempotencyConflict(LedgerError):
    """The key was already used for a transfer with different content."""

    def __init__(self, key, *, field=None):
        self.key = key
        self.field = field
        message = _("The idempotency key %(key)s was already used with different content"
                    " (%(field)s).") % {"key": key, "field": field or "-"}
        super().__init__(message)


class AlreadyResolved(LedgerError):
    """The pending transfer was already posted or voided (it resolves at most once)."""

    def __init__(self, pending_id, *, transfer_id=None):
        self.pending_id = pending_id
        message = _("The pending transfer %(id)s was already posted or voided.") % {
            "id": pending_id}
        super().__init__(message, transfer_id=transfer_id)


class AlreadyReversed(AlreadyResolved):
    """The posted transfer was already reversed (a transfer is reversed at most once)."""

    def __init__(self, original_id, *, transfer_id=None):
        LedgerError.__init__(
            self, _("The transfer %(id)s was already reversed.") % {"id": original_id},
            transfer_id=transfer_id)
        self.pending_id = original_id


class UnknownTransfer(LedgerError):
    def __init__(self, key, *, transfer_id=None):
        self.key = key
        message = _("There is no transfer %(key)s.") % {"key": key}
        super().__init__(message, transfer_id=transfer_id)
