"""Who is told: staff by role, within the consulate or partner a subject belongs to."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from core.models import Role


def users_with_roles(*roles, consulate_id=None, partner_id=None):
    """Active users holding one of `roles` that reach this consulate (headquarters always)
    or, for partner staff, belong to this partner."""
    reach = Q(memberships__role__in=[r for r in roles if r != Role.PARTNER_STAFF],
              memberships__consulate__isnull=True, memberships__partner__isnull=True)
    if consulate_id is not None:
        reach |= Q(memberships__role__in=roles, memberships__consulate_id=consulate_id)
    if partner_id is not None and Role.PARTNER_STAFF in roles:
        reach |= Q(memberships__role=Role.PARTNER_STAFF, memberships__partner_id=partner_id)
    return (get_user_model().objects.filter(is_active=True).filter(reach).distinct()
            .order_by("pk"))


def users_holding(*roles):
    """Active users holding one of `roles` anywhere (fund-wide matters: the nightly checks)."""
    return (get_user_model().objects.filter(is_active=True, memberships__role__in=roles)
            .distinct().order_by("pk"))
