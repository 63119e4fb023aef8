"""Approval tiers: how many different approvers an amount needs (four eyes and beyond)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def approvals_required(tiers, amount):
    """tiers: [{"above": "10000", "approvals": 2}, ...]; amount: Decimal. At least one."""
    needed = 1
    for tier in tiers or ():
        if Decimal(str(amount)) > Decimal(str(tier["above"])):
            needed = max(needed, int(tier["approvals"]))
    return needed


def validate_tiers(value):
    if not isinstance(value, list):
        raise ValidationError(_("Approval tiers are a list of {above, approvals}."))
    for tier in value:
        try:
            above = Decimal(str(tier["above"]))
            approvals = int(tier["approvals"])
        except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
            raise ValidationError(_("Each tier needs an amount and a number of approvals.")) \
                from exc
        if above < 0 or not 1 <= approvals <= 5:
            raise ValidationError(_("Tiers take a positive amount and 1 to 5 approvals."))
