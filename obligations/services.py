"""Every write about a bond's hearings and check-ins.

Officers of the bond's consulate and staff of its obligor enter, move and cancel appearances
and, after the appearance's local date, record whether the person came. A missed appearance
opens a risk on the bond and alerts both sides in the same transaction (messages leave after
the commit, through the outbox). Every change is an audit event on the bond's trail.
"""

import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bondfund.models import BondRequest, State
from bondfund.selectors import bond_requests_visible_to
from core.audit import audit_record
from core.models import Role
from core.tenancy import Scope
from core.timezones import local_instant, local_today
from notifications.services import message_to_user
from obligations.models import (
    Appearance,
    AppearanceState,
    HearingType,
    Kind,
    ObligationRisk,
)

# Bonds whose person is (or is about to be) out and bound to appear.
OPEN_BOND_STATES = (State.POSTED, State.RELEASED)
MISSED_TEMPLATE = "obligation_missed"


def may_record(user, bond) -> bool:
    """Officers of the bond's consulate and staff of its obligor keep its obligations."""
    scope = Scope.of(user)
    return (scope.reaches_consulate(bond.consulate_id, Role.CONSULATE_OFFICER)
            and scope.has_role(Role.CONSULATE_OFFICER)) or \
        (scope.is_partner and bond.obligor_id in scope.partner_ids)


def _bond_checked(actor, bond_id) -> BondRequest:
    bond = bond_requests_visible_to(actor).filter(pk=bond_id).first()
    if bond is None:
        raise Http404
    if not may_record(actor, bond):
        raise PermissionDenied
    return bond


def _appearance_locked(actor, appearance_id) -> Appearance:
    row = (Appearance.objects.select_for_update(of=("self",)).select_related("bond__consulate")
           .filter(pk=appearance_id, bond__in=bond_requests_visible_to(actor).values("pk"))
           .first())
    if row is None:
        raise Http404
    if not may_record(actor, row.bond):
        raise PermissionDenied
    return row


def _audit(actor, action, row, *, changes=None, comment=""):
    audit_record(actor=actor, action=f"obligations.{action}", obj=row.bond,
                 changes={"appearance": row.pk, **(changes or {})}, comment=comment,
                 consulate_id=row.bond.consulate_id, partner_id=row.bond.obligor_id)


def _check_new(bond, *, kind, scheduled_for, place, hearing_type, now) -> None:
    if bond.state not in OPEN_BOND_STATES:
        raise ValidationError(_("Hearings and check-ins are kept only while the bond is posted "
                                "or the person is released; this bond is “%(state)s”.")
                              % {"state": bond.get_state_display()})
    if kind not in Kind.values:
        raise ValidationError(_("Choose a hearing or a check-in."))
    if kind == Kind.HEARING and hearing_type not in HearingType.values:
        raise ValidationError(_("Say whether the hearing is on the master or the individual "
                                "calendar."))
    if not place.strip():
        raise ValidationError(_("Give the court or the office."))
    if scheduled_for <= now:
        raise ValidationError(_("The date and time are in the past at the consulate."))


def appearance_create(*, actor, bond_id: int, kind: str, day: datetime.date,
                      at: datetime.time, place: str, judge: str = "", hearing_type: str = "",
                      now: datetime.datetime | None = None) -> Appearance:
    """Schedule a hearing or check-in; `day` and `at` are local to the bond's consulate."""
    now = now or timezone.now()
    with transaction.atomic():
        bond = _bond_checked(actor, bond_id)
        return _create(actor, bond, kind=kind, day=day, at=at, place=place, judge=judge,
                       hearing_type=hearing_type, now=now)


def _create(actor, bond, *, kind, day, at, place, judge, hearing_type, now,
            supersedes=None, action="create"):
    scheduled_for = local_instant(bond.consulate, day, at)
    hearing_type = hearing_type if kind == Kind.HEARING else ""
    _check_new(bond, kind=kind, scheduled_for=scheduled_for, place=place,
               hearing_type=hearing_type, now=now)
    row = Appearance.objects.create(
        bond=bond, kind=kind, scheduled_for=scheduled_for, place=place.strip(),
        judge=judge.strip(), hearing_type=hearing_type, supersedes=supersedes,
        created_by=actor, created_at=now)
    _audit(actor, f"appearance.{action}", row, changes={
        "kind": kind, "scheduled_for": [supersedes.scheduled_for if supersedes else None,
                                        scheduled_for],
        "place": place, "judge": judge, "hearing_type": hearing_type})
    return row


def appearance_move(*, actor, appearance_id: int, day: datetime.date, at: datetime.time,
                    place: str = "", judge: str = "", comment: str = "",
                    now: datetime.datetime | None = None) -> Appearance:
    """The court or ICE set a new date: the old row stays as "moved", a new one replaces
    it, and reminders follow the new one only."""
    now = now or timezone.now()
    with transaction.atomic():
        old = _appearance_locked(actor, appearance_id)
        if old.state != AppearanceState.SCHEDULED:
            raise ValidationError(_("Only a scheduled appearance can be moved."))
        old.move(by=actor, at=now, comment=comment)
        old.save()
        return _create(actor, old.bond, kind=old.kind, day=day, at=at,
                       place=place or old.place, judge=judge or old.judge,
                       hearing_type=old.hearing_type, now=now, supersedes=old, action="move")


def appearance_cancel(*, actor, appearance_id: int, comment: str,
                      now: datetime.datetime | None = None) -> Appearance:
    now = now or timezone.now()
    if not comment.strip():
        raise ValidationError(_("Say why the appearance was cancelled."))
    with transaction.atomic():
        row = _appearance_locked(actor, appearance_id)
        if row.state != AppearanceState.SCHEDULED:
            raise ValidationError(_("Only a scheduled appearance can be cancelled."))
        row.cancel(by=actor, at=now, comment=comment)
        row.save()
        _audit(actor, "appearance.cancel", row,
               changes={"state": [AppearanceState.SCHEDULED, row.state]}, comment=comment)
    return row


def appearance_record_outcome(*, actor, appearance_id: int, attended: bool,
                              comment: str = "",
                              now: datetime.datetime | None = None) -> Appearance:
    """Attended or missed, once the appearance's local date is over. A missed one marks
    the bond at risk and alerts the consulate's officers and the obligor's staff."""
    now = now or timezone.now()
    with transaction.atomic():
        row = _appearance_locked(actor, appearance_id)
        if row.state != AppearanceState.SCHEDULED:
            raise ValidationError(_("This appearance is already recorded as “%(state)s”.")
                                  % {"state": row.get_state_display()})
        if local_today(row.bond.consulate, now=now) <= row.local_start.date():
            raise ValidationError(_("Whether the person came can be recorded from the day "
                                    "after the appearance, at the consulate."))
        if attended:
            row.mark_attended(by=actor, at=now, comment=comment)
        else:
            row.mark_missed(by=actor, at=now, comment=comment)
        row.save()
        _audit(actor, f"appearance.{row.state}", row,
               changes={"state": [AppearanceState.SCHEDULED, row.state]}, comment=comment)
        if not attended:
            _open_risk(actor, row, now)
    return row


def _open_risk(actor, row, now) -> ObligationRisk:
    risk = ObligationRisk.objects.create(bond=row.bond, appearance=row, opened_at=now,
                                         opened_by=actor)
    audit_record(actor=actor, action="obligations.risk.open", obj=row.bond,
                 changes={"risk": risk.pk, "appearance": row.pk},
                 consulate_id=row.bond.consulate_id, partner_id=row.bond.obligor_id)
    for user in people_to_alert(row.bond):
        message_to_user(user=user, template=MISSED_TEMPLATE, context=_missed_context(row),
                        dedupe_key=f"appearance:{row.pk}:missed:u{user.pk}", about=row.bond)
    return risk


def people_to_alert(bond):
    """The bond's consulate's officers and its obligor's staff (active users)."""
    reach = Q(memberships__role=Role.CONSULATE_OFFICER,
              memberships__consulate_id=bond.consulate_id)
    if bond.obligor_id:
        reach |= Q(memberships__role=Role.PARTNER_STAFF,
                   memberships__partner_id=bond.obligor_id)
    return get_user_model().objects.filter(reach, is_active=True).distinct().order_by("pk")


def _missed_context(row) -> dict:
    return {"reference": row.bond.reference, "name": row.bond.beneficiary.full_name,
            "kind": row.kind, "when": row.local_start.replace(tzinfo=None),
            "place": row.place, "consulate": row.bond.consulate.name}


def risk_resolve(*, actor, risk_id: int, resolution: str,
                 now: datetime.datetime | None = None) -> ObligationRisk:
    """The person was found, the hearing reset, or the bond was breached: close the flag."""
    now = now or timezone.now()
    if not resolution.strip():
        raise ValidationError(_("Say how the risk was resolved."))
    with transaction.atomic():
        risk = (ObligationRisk.objects.select_for_update(of=("self",))
                .select_related("bond").filter(
                    pk=risk_id, bond__in=bond_requests_visible_to(actor).values("pk")).first())
        if risk is None:
            raise Http404
        if not may_record(actor, risk.bond):
            raise PermissionDenied
        if not risk.is_open:
            raise ValidationError(_("This risk is already resolved."))
        risk.resolved_at, risk.resolved_by, risk.resolution = now, actor, resolution.strip()
        risk.save(update_fields=["resolved_at", "resolved_by", "resolution"])
        audit_record(actor=actor, action="obligations.risk.resolve", obj=risk.bond,
                     changes={"risk": risk.pk}, comment=resolution,
                     consulate_id=risk.bond.consulate_id, partner_id=risk.bond.obligor_id)
    return risk
