"""The steps a user can take on a bond request: their form, their service and who sees them."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from bondfund import forms, services
from bondfund.models import State


@dataclass(frozen=True)
class Action:
    slug: str
    label: object
    form: type
    service: object
    sources: tuple
    may: object  # (user, request) -> bool
    style: str = ""
    arguments: object = None  # (cleaned_data, currency) -> service keyword arguments
    then: object = None  # (service result) -> URL to go to instead of the request's page

    def kwargs(self, cleaned, currency):
        if self.arguments:
            return self.arguments(cleaned, currency)
        return dict(cleaned)

    def offered_to(self, user, req):
        return req.state in self.sources and self.may(user, req)


def _money_fields(*names):
    def arguments(cleaned, currency):
        data = dict(cleaned)
        for name in names:
            data[name] = Money(data[name], currency)
        return data
    return arguments


officer = services.is_officer
finance = services.is_finance
obligor = services.is_obligor_staff


def officer_or_obligor(user, req):
    return officer(user, req) or obligor(user, req)


def obligor_or_finance(user, req):
    return obligor(user, req) or finance(user, req)


ACTIONS = {a.slug: a for a in [
    Action("submit", _("Submit for approval"), forms.CommentForm,
           services.bond_request_submit, (State.DRAFT,), officer),
    Action("mark-ineligible", _("Mark ineligible"), forms.IneligibleForm,
           services.bond_request_mark_ineligible, (State.DRAFT,), officer, "danger"),
    Action("approve", _("Approve"), forms.CommentForm, services.bond_request_approve,
           (State.SUBMITTED,), lambda u, r: finance(u, r) and r.created_by_id != u.pk),
    Action("return", _("Return for changes"), forms.ReasonForm, services.bond_request_return,
           (State.SUBMITTED,), finance, "secondary"),
    Action("reject", _("Reject"), forms.ReasonForm, services.bond_request_reject,
           (State.SUBMITTED,), finance, "danger"),
    Action("stay", _("Mark stayed (EOIR-43)"), forms.StayForm, services.bond_request_stay,
           (State.APPROVED,), finance, "secondary"),
    Action("lift-stay", _("Lift the stay"), forms.CommentForm, services.bond_request_lift_stay,
           (State.STAYED,), finance),
    Action("request-payment", _("Release payment to the obligor"), forms.CommentForm,
           services.bond_request_request_payment, (State.APPROVED,), finance,
           then=lambda disbursement: reverse("payments:disbursement_detail",
                                             args=[disbursement.pk])),
    Action("void", _("Void (release the reservation)"), forms.ReasonForm,
           services.bond_request_void, (State.APPROVED, State.STAYED), finance, "danger"),
    Action("withdraw", _("Withdraw"), forms.ReasonForm, services.bond_request_withdraw,
           (State.DRAFT, State.SUBMITTED, State.APPROVED, State.STAYED), officer, "danger"),
    Action("confirm-posting", _("Confirm posting (I-305)"), forms.PostingForm,
           services.bond_request_confirm_posting, (State.DISBURSED,), obligor),
    Action("confirm-release", _("Confirm release"), forms.ReleaseForm,
           services.bond_request_confirm_release, (State.POSTED,), obligor),
    Action("cancel", _("Record cancellation (I-391)"), forms.CancelForm,
           services.bond_request_cancel, (State.RELEASED,), officer_or_obligor),
    Action("breach", _("Record breach (I-323)"), forms.BreachForm,
           services.bond_request_breach, (State.RELEASED,), officer_or_obligor, "danger"),
    Action("record-refund", _("Record the refund returned to the fund"), forms.RefundForm,
           services.bond_request_record_refund, (State.REFUND_DUE,), obligor_or_finance,
           arguments=_money_fields("principal", "interest")),
    Action("write-off", _("Write off"), forms.ReasonForm, services.bond_request_write_off,
           (State.BREACHED,), finance, "danger"),
]}
