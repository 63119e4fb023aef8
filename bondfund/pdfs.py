"""Bond documents: the authorization letter (Spanish and English on one page, an official
letter) and the disbursement voucher (in the reader's language), issued and numbered."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bondfund.models import BEFORE_DISBURSEMENT, State
from core.documents import document_issue
from core.models import IssuedDocument
from core.pdf_common import bilingual_title, money_text

AUTHORIZED_STATES = tuple(s for s in State.values if s not in (
    State.DRAFT, State.SUBMITTED, State.REJECTED, State.WITHDRAWN, State.VOIDED,
    State.INELIGIBLE))


def authorization_context(req):
    return {
        "req": req,
        "beneficiary": req.beneficiary,
        "a_number": req.beneficiary.a_number_display or "—",
        "amount": money_text(req.amount),
        "approvers": [a.approver.get_full_name() or a.approver.get_username()
                      for a in req.approvals.select_related("approver")],
    }


def bond_authorization_issue(*, actor, req):
    """The letter authorizing the bond of an approved request (the caller checked scope)."""
    if req.state not in AUTHORIZED_STATES:
        raise ValidationError(_("The authorization letter exists once the request is approved."))
    return document_issue(
        kind=IssuedDocument.Kind.BOND_AUTHORIZATION, obj=req,
        consulate_id=req.consulate_id, partner_id=req.obligor_id,
        template_name="pdf/bond_authorization.html", context=authorization_context(req),
        language="es", title=bilingual_title(gettext_noop("Bond authorization letter")),
        actor=actor,
    )


def disbursement_voucher_issue(*, actor, req, language):
    if req.state in BEFORE_DISBURSEMENT or req.disbursed_amount is None:
        raise ValidationError(_("The voucher exists once the bond has been paid."))
    with translation.override(language):
        title = _("Disbursement voucher %(reference)s") % {"reference": req.reference}
    return document_issue(
        kind=IssuedDocument.Kind.DISBURSEMENT_VOUCHER, obj=req,
        consulate_id=req.consulate_id, partner_id=req.obligor_id,
        template_name="pdf/disbursement_voucher.html",
        context={"req": req, "amount": money_text(req.disbursed_amount),
                 "payee": req.obligor or req.beneficiary},
        language=language, title=title, actor=actor,
    )
