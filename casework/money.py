"""The case's money in the ledger: held at the first signature, released when the case
stops before payment, reserved again when a payment comes back."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from casework.kinds import CaseKind
from core.money import from_minor, to_minor
from ledger import funds
from ledger.exceptions import CapExceeded, PeopleCapExceeded
from ledger.selectors import budget_position


def money_display(money) -> str:
    """USD 1,500.00: the same in every language, as the ledger writes amounts."""
    return f"{money.currency} {money.amount:,.2f}"


def cap_refusal(exc: CapExceeded, case) -> ValidationError:
    cap = _("the consulate's budget") if exc.cap == "consulate" else _("the partner's cap")
    return ValidationError(
        _("%(ref)s cannot be signed: the money is not there. Approving would exceed %(cap)s "
          "by %(shortfall)s.")
        % {"ref": case.reference, "cap": cap,
           "shortfall": money_display(from_minor(exc.shortfall, case.program.currency))})


def maximum_check(kind: CaseKind, case) -> None:
    maximum = kind.maximum_of(case.program)
    if maximum is not None and case.amount > maximum:
        raise ValidationError(
            _("Not approved: the per-case maximum of %(max)s would be exceeded by %(over)s.")
            % {"max": money_display(maximum), "over": money_display(case.amount - maximum)})


def money_reserve(kind: CaseKind, case, *, key: str, actor_id=None) -> None:
    """Pending transfers holding the consulate's budget (and the partner's cap) for the
    case, and its one person on the program's people caps; a refusal names the cap and the
    shortfall, or the people limit reached."""
    program = case.program
    try:
        funds.reserve(key=key, program=program.ledger_ref, currency=program.currency,
                      consulate_id=case.consulate_id, partner_id=kind.ledger_partner_of(case),
                      amount=to_minor(case.amount), people=1, actor_id=actor_id,
                      reference=case.reference)
    except PeopleCapExceeded as exc:
        raise ValidationError(exc.message) from exc
    except CapExceeded as exc:
        raise cap_refusal(exc, case) from exc


def money_hold(kind: CaseKind, case, *, actor) -> bool:
    """Hold the money at the first signature of a round; False if it is already held."""
    if case.reservation_key:
        return False
    key = kind.key(case, f"reserve:{case.approval_round}")
    money_reserve(kind, case, key=key, actor_id=actor.pk)
    case.reservation_key = key
    return True


def money_release(case, *, actor) -> bool:
    """Give the held or approved money back to the budget; False if nothing is held."""
    if not case.reservation_key:
        return False
    funds.release(key=f"{case.reservation_key}:release", reservation_key=case.reservation_key,
                  actor_id=getattr(actor, "pk", None), reference=case.reference)
    return True


def money_shortfall(kind: CaseKind, case):
    """Before the first signature, what the budget lacks for this case, as a sentence for
    the approver's page (None when the money is there or already held)."""
    if case.state != "submitted" or case.reservation_key:
        return None
    program, need = case.program, to_minor(case.amount)
    caps = [(_("the consulate's budget"), {"consulate_id": case.consulate_id})]
    if kind.ledger_partner_of(case):
        caps.append((_("the partner's cap"), {"partner_id": kind.ledger_partner_of(case)}))
    for label, dims in caps:
        available = budget_position(program=program.ledger_ref, currency=program.currency,
                                    **dims).available
        if available < need:
            return _("The money is not there: signing %(ref)s would exceed %(cap)s by "
                     "%(shortfall)s, so the signature would be refused.") % {
                "ref": case.reference, "cap": label,
                "shortfall": money_display(from_minor(need - available, program.currency))}
    return None
