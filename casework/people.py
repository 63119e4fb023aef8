"""Who hears about a case: one answer for bonds and grants."""

from django.db.models import Q

from core.models import Role, User


def approvers_of(case) -> list:
    """The case's consulate's finance approvers and headquarters' (approvers with no
    consulate): money decisions are seen by both."""
    return list(User.objects.filter(
        Q(memberships__consulate_id=case.consulate_id) | Q(memberships__consulate__isnull=True,
                                                           memberships__partner__isnull=True),
        memberships__role=Role.FINANCE_APPROVER, is_active=True).distinct().order_by("pk"))


def officers_of(case) -> list:
    officers = list(User.objects.filter(
        memberships__role=Role.CONSULATE_OFFICER, memberships__consulate_id=case.consulate_id,
        is_active=True).distinct().order_by("pk"))
    return officers or [case.created_by]


def partner_staff_of(partner_id) -> list:
    if not partner_id:
        return []
    return list(User.objects.filter(
        memberships__role=Role.PARTNER_STAFF, memberships__partner_id=partner_id,
        is_active=True).distinct().order_by("pk"))
