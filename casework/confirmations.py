"""Which steps ask "are you sure?" before they act, and what they say will happen.

A step that moves money or cannot be undone is confirmed on a second page that states its
consequence in words. The table is keyed by the transition the step leads to, so a bond's
and a grant's step of the same name say the same thing, and a new step with a listed
transition is confirmed without anyone remembering to ask for it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from casework.approvals import approvals_needed, round_signers
from casework.money import money_display


@dataclass(frozen=True)
class Confirmation:
    consequence: Callable           # (case, cleaned_data) -> the sentence, translated
    moves_money: bool = False
    irreversible: bool = False      # the confirm button is then styled as danger


def _amount(case) -> str:
    return money_display(case.amount) if case.amount else _("the amount requested")


def _budget(case) -> dict:
    return {"amount": _amount(case), "consulate": case.consulate.name,
            "program": case.program.name}


def _payee(case) -> str:
    obligor = getattr(case, "obligor", None)
    return str(obligor or getattr(case, "payee_name", "") or _("the payee"))


def _approve(case, cleaned) -> str:
    if case.reservation_key:
        said = _("%(amount)s is already reserved from the budget of %(consulate)s "
                 "(program “%(program)s”); your signature keeps it reserved.") % _budget(case)
    else:
        said = _("%(amount)s will be reserved from the budget of %(consulate)s "
                 "(program “%(program)s”).") % _budget(case)
    if len(round_signers(case)) + 1 < approvals_needed(case):
        said += " " + _("Another approver must sign before the request is approved.")
    return said


def _request_payment(case, cleaned) -> str:
    return _("%(amount)s will be paid to %(payee)s from the money reserved for this case. "
             "Money leaves the fund.") % {"amount": _amount(case), "payee": _payee(case)}


def _reject(case, cleaned) -> str:
    return _("This cannot be undone: the request is closed, nothing is paid and any money "
             "held for it returns to the budget of %(consulate)s.") % _budget(case)


def _withdraw(case, cleaned) -> str:
    return _("This cannot be undone: the request is closed and any money reserved for it "
             "returns to the budget of %(consulate)s.") % _budget(case)


def _void(case, cleaned) -> str:
    return _("This cannot be undone: the approval is voided and %(amount)s returns to the "
             "budget of %(consulate)s (program “%(program)s”).") % _budget(case)


def _mark_ineligible(case, cleaned) -> str:
    return _("This cannot be undone: the request is closed as ineligible and nothing is "
             "paid.")


def _cancel(case, cleaned) -> str:
    return _("The bond is recorded as cancelled (I-391): a refund of %(amount)s becomes due "
             "from %(payee)s to the fund. This cannot be undone.") % {
        "amount": money_display(case.disbursed_amount or case.amount),
        "payee": _payee(case)}


def _breach(case, cleaned) -> str:
    return _("This cannot be undone: the bond is recorded as breached (I-323). ICE keeps the "
             "principal of %(amount)s; only the interest can come back.") % {
        "amount": money_display(case.disbursed_amount or case.amount)}


def _record_refund(case, cleaned) -> str:
    currency = case.program.currency
    return _("%(principal)s of principal and %(interest)s of interest are recorded as "
             "returned to the fund; the principal is available again for the next bond.") % {
        "principal": f"{currency} {cleaned.get('principal') or 0:,.2f}",
        "interest": f"{currency} {cleaned.get('interest') or 0:,.2f}"}


def _write_off(case, cleaned) -> str:
    return _("This cannot be undone: %(amount)s is written off as lost and the request is "
             "closed.") % {"amount": money_display(case.disbursed_amount or case.amount)}


def _close(case, cleaned) -> str:
    return _("This cannot be undone: the application is closed and can no longer change.")


CONFIRMATIONS = {
    "approve": Confirmation(_approve, moves_money=True),
    "disburse": Confirmation(_request_payment, moves_money=True),
    "record_refund": Confirmation(_record_refund, moves_money=True),
    "reject": Confirmation(_reject, irreversible=True),
    "withdraw": Confirmation(_withdraw, moves_money=True, irreversible=True),
    "void": Confirmation(_void, moves_money=True, irreversible=True),
    "mark_ineligible": Confirmation(_mark_ineligible, irreversible=True),
    "cancel": Confirmation(_cancel, irreversible=True),
    "breach": Confirmation(_breach, irreversible=True),
    "write_off": Confirmation(_write_off, moves_money=True, irreversible=True),
    "close": Confirmation(_close, irreversible=True),
}
