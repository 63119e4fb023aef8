"""Reads of hearings, check-ins and risks, scoped through the bonds the user may see.

"This week" and "to record" are computed per consulate zone in the database: each zone's
local today is its own window, so a San Juan appearance changes day an hour before a
Chicago one.
"""

import datetime
from types import SimpleNamespace

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bondfund.selectors import bond_requests_visible_to
from core.models import ConsulateTimeZone
from core.timezones import local_instant, local_today
from notifications.selectors import messages_about
from obligations.models import Appearance, AppearanceState, ObligationRisk
from obligations.reminders import TEMPLATE as REMINDER_TEMPLATE
from obligations.services import MISSED_TEMPLATE, may_record


def _visible_bond_ids(user):
    return bond_requests_visible_to(user).values("pk")


def appearances_visible_to(user):
    return (Appearance.objects.filter(bond__in=_visible_bond_ids(user))
            .select_related("bond__beneficiary", "bond__consulate", "bond__obligor"))


def bond_for(user, pk):
    return get_object_or_404(bond_requests_visible_to(user), pk=pk)


def appearance_for(user, pk):
    return get_object_or_404(appearances_visible_to(user), pk=pk)


def _local_days_q(first_offset: int, last_offset: int, now) -> Q:
    """Appearances whose local date, at their consulate, lies in today+first ... today+last."""
    q = Q(pk__in=[])
    for name in ConsulateTimeZone.values:
        zone = SimpleNamespace(time_zone=name)
        today = local_today(zone, now=now)
        start = local_instant(zone, today + datetime.timedelta(days=first_offset))
        end = local_instant(zone, today + datetime.timedelta(days=last_offset + 1))
        q |= Q(bond__consulate__time_zone=name, scheduled_for__gte=start,
               scheduled_for__lt=end)
    return q


def appearances_this_week(user, *, now=None):
    """Scheduled appearances from today to six days ahead, local to each consulate."""
    now = now or timezone.now()
    return (appearances_visible_to(user)
            .filter(_local_days_q(0, 6, now), state=AppearanceState.SCHEDULED)
            .order_by("scheduled_for", "id"))


def appearances_to_record(user, *, now=None):
    """Scheduled appearances whose local date is over: someone must say if the person came."""
    now = now or timezone.now()
    return (appearances_visible_to(user)
            .filter(_local_days_q(-3650, -1, now), state=AppearanceState.SCHEDULED)
            .order_by("scheduled_for", "id"))


def appearances_missed(user):
    return (appearances_visible_to(user).filter(state=AppearanceState.MISSED)
            .select_related("risk").order_by("-scheduled_for", "-id"))


def open_risks_visible_to(user):
    return (ObligationRisk.objects.filter(bond__in=_visible_bond_ids(user),
                                          resolved_at__isnull=True)
            .select_related("bond__beneficiary", "appearance").order_by("opened_at", "id"))


def bond_obligations(user, bond, *, now=None):
    """Everything the obligations page of one (already scoped) bond shows."""
    now = now or timezone.now()
    today = local_today(bond.consulate, now=now)
    rows = list(bond.appearances.select_related("created_by", "closed_by", "supersedes")
                .order_by("scheduled_for", "id"))
    for row in rows:
        row.bond = bond
        if row.supersedes is not None:
            row.supersedes.bond = bond
        row.recordable = row.state == AppearanceState.SCHEDULED \
            and row.local_start.date() < today
    return {
        "appearances": rows,
        "risks": list(bond.risks.select_related("appearance", "opened_by", "resolved_by")),
        "reminders": list(messages_about(bond).filter(
            template__in=(REMINDER_TEMPLATE, MISSED_TEMPLATE)).order_by("-created_at")[:200]),
        "can_record": may_record(user, bond),
        "today": today,
    }


def obligations_timeline(beneficiary_ids):
    """Hearings and check-ins of these people's bonds, unscoped: core shows them in full to the
    bond's consulate and reduced to kind and date elsewhere."""
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from core.timeline import TimelineEntry

    appearances = (Appearance.objects.filter(bond__beneficiary_id__in=beneficiary_ids)
                   .select_related("bond"))
    return [TimelineEntry(date=a.scheduled_for, kind_label=_("Hearing or check-in"),
                          consulate_id=a.bond.consulate_id,
                          title=f"{a.get_kind_display()} · {a.place}",
                          state_label=str(a.get_state_display()),
                          url=reverse("obligations:bond", args=[a.bond_id]))
            for a in appearances]
