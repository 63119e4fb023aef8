"""Who hears about a case: one answer for bonds and grants."""

from django.db.models import BooleanField, Exists, OuterRef, Q, Value

from core.models import Membership, Role, User


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


def officers_and_partner_staff_of(case, partner_id) -> list:
    """`officers_of(case) + partner_staff_of(partner_id)` in one query instead of two."""
    officer = Membership.objects.filter(role=Role.CONSULATE_OFFICER,
                                        consulate_id=case.consulate_id)
    staff = Membership.objects.filter(role=Role.PARTNER_STAFF, partner_id=partner_id)
    users = list(User.objects.filter(is_active=True).annotate(
        is_officer=Exists(officer.filter(user=OuterRef("pk"))),
        is_partner_staff=(Exists(staff.filter(user=OuterRef("pk"))) if partner_id
                  else Value(False, output_field=BooleanField())),
    ).filter(Q(is_officer=True) | Q(is_partner_staff=True)).order_by("pk"))
    officers = [u for u in users if u.is_officer] or [case.created_by]
    return officers + [u for u in users if u.is_partner_staff]
