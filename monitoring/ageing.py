"""Money that stayed too long where it should only pass: the subjects of ageing alerts.

- an approved reservation (bond or grant) not paid `program.unpaid_alert_days` after approval;
- a bond paid to its partner and not confirmed as posted with ICE after ADVANCE_DAYS;
- a cancelled bond whose refund has not come back after OVERDUE_REFUND_DAYS.

Each subject says when its clock started (`since`, a date in its consulate's zone) and how
many days it may take; the scan (monitoring.services) decides what is late.
"""

from dataclasses import dataclass

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.money import to_minor
from core.timezones import zone_of
from monitoring.models import AlertKind


@dataclass(frozen=True)
class Subject:
    kind: str
    subject_type: str
    subject_id: str
    reference: str
    consulate_id: int | None
    partner_id: int | None
    amount: int
    currency: str
    since: object  # datetime.date
    limit_days: int


def _approved_at(model, approval_model, fk):
    latest = (approval_model.objects.filter(**{fk: OuterRef("pk"),
                                               "round": OuterRef("approval_round")})
              .order_by("-created_at").values("created_at")[:1])
    return model.objects.annotate(
        signed_at=Coalesce(Subquery(latest), "submitted_at", "created_at"))


def _local_date(instant, consulate):
    return timezone.localtime(instant, zone_of(consulate)).date()


def _subject(kind, obj, *, since, limit_days, partner_id, money):
    return Subject(kind=kind, subject_type=obj._meta.label_lower, subject_id=str(obj.pk),
                   reference=str(obj.reference), consulate_id=obj.consulate_id,
                   partner_id=partner_id, amount=to_minor(money) if money else 0,
                   currency=str(money.currency) if money else "USD", since=since,
                   limit_days=limit_days)


def bond_subjects():
    from bondfund.models import BondApproval, BondRequest, State
    from bondfund.selectors import OVERDUE_REFUND_DAYS
    from ledger.selectors import ADVANCE_DAYS

    approved = (_approved_at(BondRequest, BondApproval, "request")
                .filter(state=State.APPROVED).select_related("program", "consulate"))
    for bond in approved:
        yield _subject(AlertKind.RESERVATION_UNPAID, bond,
                       since=_local_date(bond.signed_at, bond.consulate),
                       limit_days=bond.program.unpaid_alert_days, partner_id=bond.obligor_id,
                       money=bond.amount)
    for bond in BondRequest.objects.filter(state=State.DISBURSED, disbursed_on__isnull=False):
        yield _subject(AlertKind.PAYMENT_UNPOSTED, bond, since=bond.disbursed_on,
                       limit_days=ADVANCE_DAYS, partner_id=bond.obligor_id,
                       money=bond.disbursed_amount or bond.amount)
    for bond in BondRequest.objects.filter(state=State.REFUND_DUE, cancelled_on__isnull=False):
        yield _subject(AlertKind.REFUND_OVERDUE, bond, since=bond.cancelled_on,
                       limit_days=OVERDUE_REFUND_DAYS, partner_id=bond.obligor_id,
                       money=bond.disbursed_amount or bond.amount)


def grant_subjects():
    from grants.models import GrantApplication, GrantApproval, State

    approved = (_approved_at(GrantApplication, GrantApproval, "application")
                .filter(state=State.APPROVED).select_related("program", "consulate"))
    for grant in approved:
        yield _subject(AlertKind.RESERVATION_UNPAID, grant,
                       since=_local_date(grant.signed_at, grant.consulate),
                       limit_days=grant.program.unpaid_alert_days,
                       partner_id=grant.payee_partner_id, money=grant.amount)


def ageing_subjects():
    yield from bond_subjects()
    yield from grant_subjects()
