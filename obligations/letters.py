"""The follow-up letter to DHS about a refund that has not come back (a PDF, in English:
it is addressed to ICE's Debt Management Center)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from bondfund.models import State
from core.audit import audit_record
from core.documents import document_issue
from core.models import IssuedDocument
from core.pdf_common import money_text
from core.timezones import local_today
from obligations.services import may_record

LANGUAGE = "en"
KIND = IssuedDocument.Kind.REFUND_FOLLOW_UP


def refund_follow_up_render(*, actor, bond, now=None) -> bytes:
    """The letter for a bond the caller has scoped, issued as a numbered document that can
    be verified; its issue is an audit event on the bond's trail and on the document's."""
    if not may_record(actor, bond):
        raise PermissionDenied
    if bond.state != State.REFUND_DUE or bond.cancelled_on is None:
        raise ValidationError(_("The follow-up letter is for a cancelled bond whose refund "
                                "has not come back."))
    today = local_today(bond.consulate, now=now or timezone.now())
    days = (today - bond.cancelled_on).days
    with transaction.atomic():
        audit_record(actor=actor, action="obligations.refund_letter.issue", obj=bond,
                     changes={"days_since_cancellation": days},
                     consulate_id=bond.consulate_id, partner_id=bond.obligor_id)
    context = {"bond": bond, "today": today, "days": days, "amount": money_text(bond.amount),
               "a_number": bond.beneficiary.a_number_display or "—"}
    with translation.override(LANGUAGE):
        title = _("Refund follow-up for bond %(reference)s") % {"reference": bond.reference}
    _document, pdf = document_issue(
        kind=KIND, obj=bond, consulate_id=bond.consulate_id, partner_id=bond.obligor_id,
        template_name="obligations/pdf_refund_letter.html", context=context,
        language=LANGUAGE, title=title, actor=actor)
    return pdf
