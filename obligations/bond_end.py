"""Every write about how a bond ends after its refund or breach: the breach appeal (I-290B),
ICE's automatic stay (EOIR-43) outcome, and money DHS still owed that comes back later.

Each runs in one transaction, locks the bond, checks who acts and the dates (never after
today at the bond's consulate), posts to the ledger where money moves and writes the audit
event on the bond's trail.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from bondfund.kind import BOND
from bondfund.models import BondRequest, State
from bondfund.permissions import is_finance, is_officer, obligor_or_finance
from bondfund.selectors import bond_requests_visible_to
from bondfund.services import check_not_future
from casework.steps import case_lock
from core.audit import audit_record
from core.money import from_minor, to_minor
from core.timezones import add_business_days, local_instant
from ledger import funds
from ledger.funds_breach import breach_reversed, receivables_open
from obligations.models import (
    AppealState,
    BreachAppeal,
    ReceivableReceipt,
    StayState,
    StayWatch,
)
from obligations.services import may_record

STAY_APPEAL_BUSINESS_DAYS = 10
BREACHED_STATES = (State.BREACHED, State.CLOSED_FORFEITED)
RECEIPT_STATES = (State.BREACHED, State.CLOSED_FORFEITED, State.CLOSED_REFUNDED)


def _bond_locked(actor, bond_id, may) -> BondRequest:
    if not bond_requests_visible_to(actor).filter(pk=bond_id).exists():
        raise Http404
    bond = case_lock(BOND, bond_id)
    if not may(actor, bond):
        raise PermissionDenied
    return bond


def _audit(actor, bond, action, changes, comment=""):
    audit_record(actor=actor, action=f"obligations.{action}", obj=bond, changes=changes,
                 comment=comment, consulate_id=bond.consulate_id, partner_id=bond.obligor_id)


# The breach appeal ---------------------------------------------------------------------

def appeal_file(*, actor, bond_id: int, filed_on: datetime.date,
                comment: str = "") -> BreachAppeal:
    """The obligor filed Form I-290B: the deadline reminders stop."""
    with transaction.atomic():
        bond = _bond_locked(actor, bond_id, may_record)
        if bond.state not in BREACHED_STATES:
            raise ValidationError(_("Only a breached bond can be appealed."))
        if BreachAppeal.objects.filter(bond=bond).exists():
            raise ValidationError(_("The appeal of this breach is already recorded."))
        check_not_future(bond, filed_on)
        if filed_on < bond.breached_on:
            raise ValidationError(_("The appeal cannot be filed before the breach notice "
                                    "(%(day)s).") % {"day": bond.breached_on})
        appeal = BreachAppeal.objects.create(bond=bond, filed_on=filed_on, filed_by=actor,
                                             comment=comment.strip())
        _audit(actor, bond, "appeal.file", {"appeal": appeal.pk, "filed_on": filed_on,
                                            "state": [None, appeal.state]}, comment)
    return appeal


def appeal_decide(*, actor, bond_id: int, sustained: bool, decided_on: datetime.date,
                  comment: str, now: datetime.datetime | None = None) -> BreachAppeal:
    """The decision on the appeal. Sustained: the breach is overturned and DHS owes the
    principal back, so it is a refund receivable again (from bonds held, or out of the
    forfeitures if the bond was already written off)."""
    now = now or timezone.now()
    if not comment.strip():
        raise ValidationError(_("Summarise the decision."))
    with transaction.atomic():
        bond = _bond_locked(actor, bond_id, may_record)
        appeal = BreachAppeal.objects.select_for_update().filter(bond=bond).first()
        if appeal is None or appeal.state != AppealState.FILED:
            raise ValidationError(_("There is no appeal waiting for a decision."))
        check_not_future(bond, decided_on)
        if decided_on < appeal.filed_on:
            raise ValidationError(_("The decision cannot come before the appeal was filed."))
        step = appeal.sustain if sustained else appeal.dismiss
        step(by=actor, at=now, on=decided_on, comment=comment.strip())
        appeal.save()
        _audit(actor, bond, "appeal.decide", {
            "appeal": appeal.pk, "state": [AppealState.FILED, appeal.state],
            "decided_on": decided_on}, comment)
        if sustained:
            breach_reversed(key=BOND.key(bond, "breach-reversed"),
                            reservation_key=bond.reservation_key,
                            amount=to_minor(bond.disbursed_amount),
                            written_off=bond.state == State.CLOSED_FORFEITED,
                            actor_id=actor.pk, reference=bond.reference)
    return appeal


# ICE's automatic stay (EOIR-43) --------------------------------------------------------

def stay_appeal_deadline(bond) -> datetime.date | None:
    """The last day for ICE to appeal the stayed release order, at the bond's consulate."""
    if bond.stayed_on is None:
        return None
    start = local_instant(bond.consulate, bond.stayed_on)
    return add_business_days(bond.consulate, start, STAY_APPEAL_BUSINESS_DAYS).date()


def stay_outcome_record(*, actor, bond_id: int, ice_appealed: bool, outcome_on: datetime.date,
                        comment: str = "", now: datetime.datetime | None = None) -> StayWatch:
    """ICE appealed the release order to the Board, or let the deadline pass."""
    now = now or timezone.now()
    with transaction.atomic():
        bond = _bond_locked(actor, bond_id, may_keep_stay)
        if bond.state != State.STAYED or bond.stayed_on is None:
            raise ValidationError(_("The bond is not stayed."))
        check_not_future(bond, outcome_on)
        deadline = stay_appeal_deadline(bond)
        watch, _created = StayWatch.objects.select_for_update().get_or_create(
            bond=bond, filed_on=bond.stayed_on, defaults={"appeal_deadline": deadline})
        if watch.state != StayState.WAITING:
            raise ValidationError(_("The outcome of this stay is already recorded."))
        if not ice_appealed and outcome_on <= deadline:
            raise ValidationError(_("The stay lapses only after ICE's deadline (%(day)s).")
                                  % {"day": deadline})
        step = watch.ice_appealed if ice_appealed else watch.lapse
        step(by=actor, at=now, on=outcome_on, comment=comment.strip())
        watch.save()
        _audit(actor, bond, "stay.outcome", {
            "stay": watch.pk, "state": [StayState.WAITING, watch.state],
            "outcome_on": outcome_on, "deadline": deadline}, comment)
    return watch


def may_keep_stay(user, bond) -> bool:
    """The consulate's officers and its finance approvers follow the stay."""
    return bool(is_officer(user, bond) or is_finance(user, bond))


# Money that comes back later -------------------------------------------------------------

def receivable_receipt_record(*, actor, bond_id: int, principal: int, interest: int,
                              received_on: datetime.date,
                              comment: str = "") -> ReceivableReceipt:
    """Principal and interest (minor units) still owed on a bond came back to the fund."""
    with transaction.atomic():
        bond = _bond_locked(actor, bond_id, obligor_or_finance)
        if bond.state not in RECEIPT_STATES:
            raise ValidationError(_("Nothing is owed on this bond outside its refund step."))
        check_not_future(bond, received_on)
        owed = receivables_open([bond.reference]).get(bond.reference,
                                                      {"principal": 0, "interest": 0})
        if principal < 0 or interest < 0 or principal + interest <= 0:
            raise ValidationError(_("Give the amount received."))
        if principal > owed["principal"] or interest > owed["interest"]:
            currency = bond.program.currency
            raise ValidationError(_("More than is owed on this bond: principal owed "
                                    "%(principal)s, interest owed %(interest)s.")
                                  % {k: from_minor(v, currency) for k, v in owed.items()})
        row = ReceivableReceipt.objects.create(bond=bond, principal=principal,
                                               interest=interest, received_on=received_on,
                                               recorded_by=actor, comment=comment.strip())
        funds.refund_returned(key=row.ledger_key, reservation_key=bond.reservation_key,
                              principal=principal, interest=interest, actor_id=actor.pk,
                              reference=bond.reference)
        _audit(actor, bond, "receipt.record", {"receipt": row.pk, "principal": principal,
                                               "interest": interest,
                                               "received_on": received_on}, comment)
    return row
