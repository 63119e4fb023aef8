"""The one place PALE calls the grants app: a contract's budget raises the advisor's cap in
the legal-fees program, so the ledger refuses invoices beyond what contracts allow."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from djmoney.money import Money

from grants import services as grant_services
from grants.models import GrantKind, GrantPartnerCap, GrantProgram


def legal_fee_programs():
    return GrantProgram.objects.filter(kind=GrantKind.LEGAL_FEES, is_active=True)


def check_program(program):
    if program.kind != GrantKind.LEGAL_FEES:
        raise ValidationError(_("Choose a legal representation fees (PALE) program."))


def advisor_cap(program, advisor) -> Money:
    latest = (GrantPartnerCap.objects.filter(program=program, partner=advisor)
              .order_by("-created_at", "-id").first())
    return latest.amount if latest else Money(0, program.currency)


def advisor_cap_raise(*, actor, program, advisor, by: Money):
    """The advisor's cap in the program grows by a new contract's budget."""
    return grant_services.grant_partner_cap_set(
        actor=actor, program_id=program.pk, partner=advisor,
        amount=advisor_cap(program, advisor) + by)
