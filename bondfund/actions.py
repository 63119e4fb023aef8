"""The steps a user can take on a bond request: their form, their service, the transition
they lead to (which says in which states they are offered) and who may take them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from bondfund import forms, services
from bondfund.permissions import (
    is_finance,
    is_obligor_staff,
    is_officer,
    obligor_or_finance,
    officer_or_obligor,
)
from casework.actions import Action
from casework.approvals import may_sign


def _money_fields(*names):
    def arguments(cleaned, currency):
        data = dict(cleaned)
        for name in names:
            data[name] = Money(data[name], currency)
        return data
    return arguments


def _payment_page(disbursement) -> str:
    return reverse("payments:disbursement_detail", args=[disbursement.pk])


ACTIONS = {a.slug: a for a in [
    Action("submit", _("Submit for approval"), forms.CommentForm,
           services.bond_request_submit, "submit", is_officer),
    Action("mark-ineligible", _("Mark ineligible"), forms.IneligibleForm,
           services.bond_request_mark_ineligible, "mark_ineligible", is_officer, "danger"),
    Action("approve", _("Approve"), forms.CommentForm, services.bond_request_approve,
           "approve", is_finance, shown_if=may_sign),
    Action("return", _("Return for changes"), forms.ReasonForm, services.bond_request_return,
           "return_for_changes", is_finance, "secondary"),
    Action("reject", _("Reject"), forms.ReasonForm, services.bond_request_reject,
           "reject", is_finance, "danger"),
    Action("stay", _("Mark stayed (EOIR-43)"), forms.StayForm, services.bond_request_stay,
           "stay", is_finance, "secondary"),
    Action("lift-stay", _("Lift the stay"), forms.CommentForm, services.bond_request_lift_stay,
           "lift_stay", is_finance),
    Action("request-payment", _("Release payment to the obligor"), forms.CommentForm,
           services.bond_request_request_payment, "disburse", is_finance,
           then=_payment_page, done="request_payment"),
    Action("void", _("Void (release the reservation)"), forms.ReasonForm,
           services.bond_request_void, "void", is_finance, "danger"),
    Action("withdraw", _("Withdraw"), forms.ReasonForm, services.bond_request_withdraw,
           "withdraw", is_officer, "danger"),
    Action("confirm-posting", _("Confirm posting (I-305)"), forms.PostingForm,
           services.bond_request_confirm_posting, "confirm_posting", is_obligor_staff),
    Action("confirm-release", _("Confirm release"), forms.ReleaseForm,
           services.bond_request_confirm_release, "confirm_release", is_obligor_staff),
    Action("cancel", _("Record cancellation (I-391)"), forms.CancelForm,
           services.bond_request_cancel, "cancel", officer_or_obligor),
    Action("breach", _("Record breach (I-323)"), forms.BreachForm,
           services.bond_request_breach, "breach", officer_or_obligor, "danger"),
    Action("record-refund", _("Record the refund returned to the fund"), forms.RefundForm,
           services.bond_request_record_refund, "record_refund", obligor_or_finance,
           arguments=_money_fields("principal", "interest")),
    Action("write-off", _("Write off"), forms.ReasonForm, services.bond_request_write_off,
           "write_off", is_finance, "danger"),
]}

# Transitions no person starts from a button: payments drives them.
SYSTEM_TRANSITIONS = {"disburse", "payment_reversed"}
