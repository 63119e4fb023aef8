"""The steps a user can take on a grant application: their form, their service, the
transition they lead to (which says in which states they are offered) and who may take
them."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from casework.actions import Action
from casework.approvals import may_sign
from grants import forms, services
from grants.services import can_confirm_receipt, is_approver, is_officer


def _receipt_arguments(cleaned, currency):
    return {"received_on": cleaned["received_on"], "checked": cleaned["receipt"],
            "comment": cleaned["comment"]}


def _payment_page(disbursement) -> str:
    return reverse("payments:disbursement_detail", args=[disbursement.pk])


ACTIONS = {a.slug: a for a in [
    Action("submit", _("Submit for approval"), forms.CommentForm,
           services.grant_application_submit, "submit", is_officer),
    Action("approve", _("Approve"), forms.CommentForm, services.grant_application_approve,
           "approve", is_approver, shown_if=may_sign),
    Action("return", _("Return to the officer"), forms.ReasonForm,
           services.grant_application_return, "return_for_changes", is_approver, "secondary"),
    Action("reject", _("Reject"), forms.ReasonForm, services.grant_application_reject,
           "reject", is_approver, "danger"),
    Action("request-payment", _("Release payment"), forms.CommentForm,
           services.grant_application_request_payment, "disburse", is_approver,
           then=_payment_page, done="request_payment"),
    Action("void", _("Void the approval"), forms.ReasonForm, services.grant_application_void,
           "void", is_approver, "danger"),
    Action("withdraw", _("Withdraw"), forms.ReasonForm, services.grant_application_withdraw,
           "withdraw", is_officer, "danger"),
    Action("receipt", _("Confirm receipt"), forms.ReceiptForm,
           services.grant_application_confirm_receipt, "confirm_receipt", can_confirm_receipt,
           arguments=_receipt_arguments),
    Action("close", _("Close"), forms.CommentForm, services.grant_application_close, "close",
           is_officer),
]}

# Transitions no person starts from a button: payments drives them.
SYSTEM_TRANSITIONS = {"disburse", "payment_reversed"}
