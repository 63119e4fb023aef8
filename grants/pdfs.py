"""The grant award letter: Spanish and English on one page, as an official letter."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.documents import document_issue
from core.models import IssuedDocument
from core.pdf_common import bilingual_title, money_text
from grants.models import State

AWARDED_STATES = (State.APPROVED, State.DISBURSED, State.CONFIRMED, State.CLOSED)


def grant_award_issue(*, actor, application):
    """The award letter of an approved application (the caller checked scope)."""
    if application.state not in AWARDED_STATES:
        raise ValidationError(_("The award letter exists once the grant is approved."))
    approvals = application.approvals.filter(round=application.approval_round) \
        .select_related("approver")
    return document_issue(
        kind=IssuedDocument.Kind.GRANT_AWARD, obj=application,
        consulate_id=application.consulate_id,
        partner_id=application.payee_partner_id,
        template_name="pdf/grant_award.html",
        context={"application": application, "beneficiary": application.beneficiary,
                 "amount": money_text(application.amount),
                 "approvers": [a.approver.get_full_name() or a.approver.get_username()
                               for a in approvals]},
        language="es", title=bilingual_title(gettext_noop("Grant award letter")),
        actor=actor,
    )
