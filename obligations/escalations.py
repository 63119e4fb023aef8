"""The bond's end, read from bondfund's dates: nothing here changes a bond's state.

- A cancelled bond (I-391) whose refund has not come back: the obligor's staff are reminded
  at 90, 180 and 365 days after the cancellation, each step once.
- A breached bond (I-323): the consulate's officers are reminded of the 30-day appeal
  deadline 21, 7 and 2 days before it, each step once, until the appeal is filed.
- A stayed bond (EOIR-43): the consulate's officers are reminded of ICE's 10-business-day
  appeal deadline 3 days and 1 day before it, until its outcome is recorded.

Days count in the bond's consulate's zone. After an outage only the latest step due is sent.
Each message's dedupe key names the bond, the step and the recipient, so the daily job can
run any number of times.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from bondfund.models import BondRequest, State
from core.models import Role
from core.timezones import local_today
from notifications.services import message_to_user

REFUND_STEPS = (90, 180, 365)
APPEAL_STEPS = (21, 7, 2)  # days left before the appeal deadline
REFUND_TEMPLATE = "refund_claim_reminder"
APPEAL_TEMPLATE = "breach_appeal_reminder"
STAY_STEPS = (3, 1)
STAY_TEMPLATE = "stay_deadline_reminder"


def _users(role, **membership):
    lookups = {f"memberships__{k}": v for k, v in membership.items()}
    return list(get_user_model().objects.filter(memberships__role=role, is_active=True,
                                                **lookups).distinct().order_by("pk"))


def refund_step_due(days_since: int) -> int | None:
    due = [step for step in REFUND_STEPS if days_since >= step]
    return due[-1] if due else None


def appeal_step_due(days_left: int) -> int | None:
    due = [step for step in APPEAL_STEPS if 0 <= days_left <= step]
    return due[-1] if due else None


def refund_claims_remind(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    written = 0
    bonds = (BondRequest.objects.filter(state=State.REFUND_DUE, cancelled_on__isnull=False,
                                        obligor__isnull=False)
             .select_related("consulate", "obligor", "beneficiary"))
    for bond in bonds.iterator(chunk_size=500):
        days = (local_today(bond.consulate, now=now) - bond.cancelled_on).days
        step = refund_step_due(days)
        if step is None:
            continue
        context = {"reference": bond.reference, "days": days, "amount": str(bond.amount),
                   "cancelled_on": bond.cancelled_on, "partner": bond.obligor.name}
        written += _send(bond, _users(Role.PARTNER_STAFF, partner_id=bond.obligor_id),
                         REFUND_TEMPLATE, context, f"refund-claim:{bond.pk}:{step}")
    return written


def breach_appeals_remind(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    written = 0
    bonds = (BondRequest.objects.filter(state=State.BREACHED, breached_on__isnull=False,
                                        breach_appeal__isnull=True)
             .select_related("consulate", "beneficiary"))
    for bond in bonds.iterator(chunk_size=500):
        deadline = bond.breach_appeal_deadline
        days_left = (deadline - local_today(bond.consulate, now=now)).days
        step = appeal_step_due(days_left)
        if step is None:
            continue
        context = {"reference": bond.reference, "deadline": deadline, "days_left": days_left,
                   "name": bond.beneficiary.full_name}
        written += _send(bond, _users(Role.CONSULATE_OFFICER, consulate_id=bond.consulate_id),
                         APPEAL_TEMPLATE, context, f"breach-appeal:{bond.pk}:{step}")
    return written


def stay_deadlines_remind(*, now: datetime.datetime | None = None) -> int:
    from obligations.bond_end import stay_appeal_deadline
    from obligations.models import StayWatch

    now = now or timezone.now()
    written = 0
    recorded = StayWatch.objects.filter(bond=OuterRef("pk"), filed_on=OuterRef("stayed_on"))
    bonds = (BondRequest.objects.filter(state=State.STAYED, stayed_on__isnull=False)
             .exclude(Exists(recorded)).select_related("consulate", "beneficiary"))
    for bond in bonds.iterator(chunk_size=500):
        deadline = stay_appeal_deadline(bond)
        days_left = (deadline - local_today(bond.consulate, now=now)).days
        due = [step for step in STAY_STEPS if 0 <= days_left <= step]
        if not due:
            continue
        context = {"reference": bond.reference, "deadline": deadline, "days_left": days_left,
                   "filed_on": bond.stayed_on, "name": bond.beneficiary.full_name}
        written += _send(bond, _users(Role.CONSULATE_OFFICER, consulate_id=bond.consulate_id),
                         STAY_TEMPLATE, context,
                         f"eoir43:{bond.pk}:{bond.stayed_on:%Y%m%d}:{due[-1]}")
    return written


def _send(bond, users, template, context, key_prefix) -> int:
    from notifications.models import Notification

    keys = {f"{key_prefix}:u{user.pk}": user for user in users}
    done = set(Notification.objects.filter(dedupe_key__in=keys)
               .values_list("dedupe_key", flat=True))
    with transaction.atomic():
        for key, user in keys.items():
            if key not in done:
                message_to_user(user=user, template=template, context=context,
                                dedupe_key=key, about=bond)
    return len(set(keys) - done)
