"""Reads for the grants app, already limited to what the user may see."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from core.history import HistoryItem
from core.models import AuditEvent, Consulate, Role
from core.money import from_minor
from core.tenancy import Scope
from grants.models import GRANTED_STATES, GrantAllocation, GrantApplication, GrantProgram, State
from ledger import selectors as ledger_selectors
from payments.models import Disbursement

CONSULATE_ROLES = (Role.CONSULATE_OFFICER, Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN,
                   Role.AUDITOR)
APPROVAL_QUEUE_ROLES = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR)


def _visibility_q(scope):
    """Staff see their consulates' applications; partner staff those paying their partner."""
    staff_roles = [r for r in CONSULATE_ROLES if scope.has_role(r)]
    if staff_roles and scope.is_headquarters(*staff_roles):
        return Q()
    # Q(pk__in=[]) matches nothing; never OR an empty Q() onto it (that would drop it).
    q = Q(consulate_id__in=scope.consulate_ids(*staff_roles)) if staff_roles else Q(pk__in=[])
    if scope.partner_ids:
        q |= Q(payee_kind="partner", payee_partner_id__in=scope.partner_ids)
    return q


def grant_applications_visible_to(user):
    scope = Scope.of(user)
    return (GrantApplication.objects.filter(_visibility_q(scope))
            .select_related("program", "beneficiary", "consulate", "payee_partner",
                            "created_by"))


def grant_application_list(*, user, state="", program_id=None):
    qs = grant_applications_visible_to(user)
    if state:
        qs = qs.filter(state=state)
    if program_id:
        qs = qs.filter(program_id=program_id)
    return qs.order_by("-created_at", "-id")


def approval_queue(*, user):
    """Submitted applications of the consulates the approver signs for, oldest first."""
    scope = Scope.of(user)
    qs = grant_applications_visible_to(user).filter(state=State.SUBMITTED)
    if scope.has_role(Role.FINANCE_APPROVER):
        qs = qs.filter(scope.consulate_q("consulate", Role.FINANCE_APPROVER))
    return qs.order_by("submitted_at", "id").prefetch_related("approvals")


def flag_earlier_grants(applications):
    """Mark each application (a page of the queue) with its earlier grants of the same kind."""
    applications = list(applications)
    flags = earlier_grants_within_waiting_period(applications)
    for application in applications:
        application.earlier_grants = flags.get(application.pk, [])
    return applications


def earlier_grants_within_waiting_period(applications):
    """{application pk: [earlier applications of the same kind for the same beneficiary within
    the program's waiting period]}: shown to the approver, not a refusal."""
    applications = [a for a in applications if a.program.waiting_period_days]
    if not applications:
        return {}
    longest = max(a.program.waiting_period_days for a in applications)
    oldest = min(a.submitted_at or a.created_at for a in applications)
    candidates = list(
        GrantApplication.objects.filter(
            beneficiary_id__in={a.beneficiary_id for a in applications},
            program__kind__in={a.program.kind for a in applications},
            submitted_at__gte=oldest - datetime.timedelta(days=longest),
        ).exclude(state__in=(State.DRAFT, State.REJECTED, State.WITHDRAWN, State.VOIDED))
        .select_related("program")
    )
    flags = {}
    for a in applications:
        moment = a.submitted_at or a.created_at
        since = moment - datetime.timedelta(days=a.program.waiting_period_days)
        flags[a.pk] = [
            c for c in candidates
            if c.pk != a.pk and c.beneficiary_id == a.beneficiary_id
            and c.program.kind == a.program.kind and since <= c.submitted_at <= moment
        ]
    return flags


def application_history(application):
    """The audit events of the application, each with its states' labels."""
    events = list(AuditEvent.objects.filter(
        object_type=application._meta.label_lower, object_id=str(application.pk),
    ).select_related("actor").order_by("id"))
    labels = dict(State.choices)
    for event in events:
        source, target = (event.changes.get("state") or [None, None])[:2]
        event.from_label = labels.get(source, "")
        event.to_label = labels.get(target, "")
    return events


def application_approvals(application):
    return list(application.approvals.filter(round=application.approval_round)
                .select_related("approver"))


# Programs --------------------------------------------------------------------------------

def grant_programs_visible_to(user):
    scope = Scope.of(user)
    if not any(scope.has_role(r) for r in CONSULATE_ROLES):
        return GrantProgram.objects.none()
    return GrantProgram.objects.all()


@dataclass(frozen=True)
class PositionRow:
    label: str
    allocated: object
    reserved: object
    committed: object
    available: object
    consulate: object = None


def _row(label, position, currency, consulate=None):
    return PositionRow(
        label=label, consulate=consulate,
        allocated=from_minor(position.allocated, currency),
        reserved=from_minor(position.reserved, currency),
        committed=from_minor(position.committed, currency),
        available=from_minor(position.available, currency),
    )


def program_budget(*, user, program):
    """The program's position and each reachable consulate's, read from the ledger."""
    scope = Scope.of(user)
    ref, currency = program.ledger_ref, program.currency
    consulate_ids = set(GrantAllocation.objects.filter(program=program)
                        .values_list("consulate_id", flat=True))
    consulates = Consulate.objects.filter(pk__in=consulate_ids).filter(
        scope.consulate_q("pk", *[r for r in CONSULATE_ROLES if scope.has_role(r)]))
    total = _row(str(_("Whole program")),
                 ledger_selectors.budget_position(program=ref, currency=currency), currency)
    rows = [
        _row(str(c), ledger_selectors.budget_position(program=ref, currency=currency,
                                                      consulate_id=c.pk), currency, c)
        for c in consulates.order_by("name")
    ]
    return total, rows


def program_partner_caps(*, program, user=None):
    """The latest cap of each partner; with `user`, only partners serving a consulate the
    user reaches (headquarters see all): one consulate's partners are not another's business."""
    caps = program.partner_caps.select_related("partner").order_by("created_at", "id")
    if user is not None:
        scope = Scope.of(user)
        if not scope.is_headquarters():
            caps = caps.filter(Q(partner__consulates__in=scope.consulate_ids())
                               | Q(partner_id__in=scope.partner_ids)).distinct()
    latest = {}
    for cap in caps:
        latest[cap.partner_id] = cap
    return sorted(latest.values(), key=lambda c: c.partner.name)


# Report ----------------------------------------------------------------------------------

def granted_report(*, user):
    """Granted (disbursed) per program and consulate, one row per currency: never summed across
    currencies. Returns (rows, totals per currency)."""
    qs = grant_applications_visible_to(user).filter(state__in=GRANTED_STATES)
    rows = list(
        qs.values("program__name", "consulate__name", "disbursed_amount_currency")
        .annotate(count=Count("id"), total=Sum("disbursed_amount"))
        .order_by("disbursed_amount_currency", "program__name", "consulate__name")
    )
    totals = list(
        qs.values("disbursed_amount_currency")
        .annotate(count=Count("id"), total=Sum("disbursed_amount"))
        .order_by("disbursed_amount_currency")
    )
    for row in rows + totals:
        row["granted"] = Money(row["total"], row["disbursed_amount_currency"])
    return rows, totals


# The beneficiary's support history (core.history provider) --------------------------------

def beneficiary_grant_history(beneficiary, user):
    applications = grant_applications_visible_to(user).filter(beneficiary=beneficiary)
    return [
        HistoryItem(
            date=a.submitted_at or a.created_at,
            kind_label=str(a.program.get_kind_display()),
            title=f"{a.number} · {a.program.name}",
            state_label=str(a.get_state_display()),
            url=reverse("grants:application_detail", args=[a.pk]),
            amount_display=str(a.disbursed_amount or a.amount),
        )
        for a in applications
    ]


def disbursements_of(application):
    """The payments made or tried for this application, newest first."""
    return Disbursement.objects.filter(object_type=GrantApplication._meta.label_lower,
                                       object_id=str(application.pk)).order_by("-created_at")
