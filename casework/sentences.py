"""What happened to a case, as a sentence a person would write: the e-mail subject and the
message shown after the step."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from casework.money import money_display

SENTENCES = {
    "create": _("{noun} {ref} was saved as a draft."),
    "update": _("{noun} {ref} was updated."),
    "submit": _("{noun} {ref} was submitted and awaits approval."),
    "sign": _("{noun} {ref} has your signature and needs another approver."),
    "approval": _("{noun} {ref} has a signature and needs another approver."),
    "approve": _("{noun} {ref} was approved."),
    "return": _("{noun} {ref} was returned for changes."),
    "reject": _("{noun} {ref} was rejected."),
    "withdraw": _("{noun} {ref} was withdrawn."),
    "void": _("{noun} {ref} was voided and its money released."),
    "mark_ineligible": _("{noun} {ref} was marked ineligible."),
    "stay": _("{noun} {ref} is on hold: an EOIR-43 stay was filed."),
    "lift_stay": _("{noun} {ref} is no longer on hold."),
    "request_payment": _("The payment of {noun_lower} {ref} was requested."),
    "disburse": _("{noun} {ref} was paid."),
    "payment_reversed": _("The payment of {noun_lower} {ref} came back."),
    "payment_reversed_late": _("The payment of {noun_lower} {ref} came back after the case "
                               "moved on: settle it by hand."),
    "payment_failed": _("The payment of {noun_lower} {ref} failed: no money moved."),
    "confirm_posting": _("The bond of {noun_lower} {ref} was posted with ICE."),
    "confirm_release": _("The person of {noun_lower} {ref} was released."),
    "cancel": _("The bond of {noun_lower} {ref} was cancelled: a refund is due."),
    "breach": _("The bond of {noun_lower} {ref} was declared breached."),
    "record_refund": _("The refund of {noun_lower} {ref} was recorded."),
    "write_off": _("{noun} {ref} was written off."),
    "receipt": _("The payee of {noun_lower} {ref} confirmed receipt."),
    "close": _("{noun} {ref} was closed."),
    "document": _("The document was added to {noun_lower} {ref}."),
}


def case_sentence(kind, case, action: str):
    """e.g. "Bond request FZ-000012 was approved." (in Spanish, "La solicitud de fianza
    FZ-000012 quedó aprobada.")."""
    template = SENTENCES.get(action, _("{noun} {ref} moved to a new step."))
    return format_lazy(template, noun=kind.noun, noun_lower=kind.noun_lower, ref=case.reference)


BUDGET_SENTENCES = {
    "create": _("Program “{program}” was opened with a budget of {amount}."),
    "fund": _("{amount} were added to the budget of program “{program}”."),
    "consulate": _("{consulate} received {amount} from the budget of program “{program}”."),
    "reallocate": _("{amount} of program “{program}” moved from {from_consulate} to "
                    "{consulate}."),
    "partner_cap": _("The cap of {partner} in program “{program}” is now {amount}."),
}


def budget_sentence(row, *, step: str):
    """What a budget decision did, e.g. "Consulado de México en Chicago recibió USD 5,000.00
    del presupuesto del programa “Fianzas 2026”."; `row` is the allocation or cap the service
    returned (or, for "create", the program and its total budget)."""
    program = getattr(row, "program", row)
    amount = row.total_budget if step == "create" else row.amount
    return format_lazy(BUDGET_SENTENCES[step], program=program.name,
                       amount=money_display(amount),
                       consulate=getattr(row, "consulate", None) or "",
                       from_consulate=getattr(row, "from_consulate", None) or "",
                       partner=getattr(row, "partner", None) or "")
