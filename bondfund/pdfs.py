"""Bond documents: the authorization letter (Spanish and English on one page, an official
letter) and the disbursement voucher (in the reader's language), issued and numbered."""

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from bondfund.models import BEFORE_DISBURSEMENT, BondRequest, State
from core.documents import document_issue
from core.models import IssuedDocument
from core.pdf_common import bilingual_title, money_text

AUTHORIZED_STATES = tuple(s for s in State.values if s not in (
    State.DRAFT, State.SUBMITTED, State.REJECTED, State.WITHDRAWN, State.VOIDED,
    State.INELIGIBLE))


def authorization_context(bond: BondRequest) -> dict:
    return {
        "bond": bond,
        "beneficiary": bond.beneficiary,
        "a_number": bond.beneficiary.a_number_display or "—",
        "amount": money_text(bond.amount),
        "approvers": [a.approver.get_full_name() or a.approver.get_username()
                      for a in bond.approvals.select_related("approver")],
    }


def bond_authorization_issue(*, actor, bond: BondRequest) -> tuple:
    """The letter authorizing the bond of an approved request (the caller checked scope)."""
    if bond.state not in AUTHORIZED_STATES:
        raise ValidationError(_("The authorization letter exists once the request is approved."))
    return document_issue(
        kind=IssuedDocument.Kind.BOND_AUTHORIZATION, obj=bond,
        consulate_id=bond.consulate_id, partner_id=bond.obligor_id,
        template_name="pdf/bond_authorization.html", context=authorization_context(bond),
        language="es", title=bilingual_title(gettext_noop("Bond authorization letter")),
        actor=actor,
    )


def disbursement_voucher_issue(*, actor, bond: BondRequest, language: str) -> tuple:
    if bond.state in BEFORE_DISBURSEMENT or bond.disbursed_amount is None:
        raise ValidationError(_("The voucher exists once the bond has been paid."))
    with translation.override(language):
        title = _("Disbursement voucher %(reference)s") % {"reference": bond.reference}
    return document_issue(
        kind=IssuedDocument.Kind.DISBURSEMENT_VOUCHER, obj=bond,
        consulate_id=bond.consulate_id, partner_id=bond.obligor_id,
        template_name="pdf/disbursement_voucher.html",
        context={"bond": bond, "amount": money_text(bond.disbursed_amount),
                 "payee": bond.obligor or bond.beneficiary},
        language=language, title=title, actor=actor,
    )
