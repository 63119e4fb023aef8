"""Reads of bond programs and requests, already scoped to the user."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bondfund.interest import expected_interest
from bondfund.models import BondProgram, BondRequest, State
from core.models import AuditEvent, Beneficiary, Consulate, PartnerOrganization, Role
from core.money import from_minor
from core.tenancy import Scope
from ledger import selectors as ledger_selectors
from payments.models import Disbursement

OVERDUE_REFUND_DAYS = 90
PROGRAM_READERS = (Role.PROGRAM_ADMIN, Role.AUDITOR, Role.FINANCE_APPROVER)


def bond_requests_visible_to(user):
    """Consulate staff see their consulates' requests (HQ roles all); partner staff only the
    bonds their organization is obligor of."""
    scope = Scope.of(user)
    requests = BondRequest.objects.select_related(
        "beneficiary", "consulate", "obligor", "program", "detention_case", "created_by")
    if scope.is_staff_of_consulates and scope.is_headquarters():
        return requests
    reach = Q(pk__in=[])
    if scope.is_staff_of_consulates:
        reach |= Q(consulate_id__in=scope.consulate_ids())
    if scope.is_partner:
        reach |= Q(obligor_id__in=scope.partner_ids)
    return requests.filter(reach)


def bond_request_for(user, pk):
    return get_object_or_404(bond_requests_visible_to(user), pk=pk)


def beneficiary_for_bond(user, pk):
    """A beneficiary an officer may open a bond request for (404 outside their consulates)."""
    scope = Scope.of(user)
    qs = Beneficiary.objects.active().filter(
        scope.consulate_q("consulate", Role.CONSULATE_OFFICER))
    return get_object_or_404(qs, pk=pk)


def disbursements_of(req):
    """The payments made or tried for this bond, newest first (the page links to each)."""
    return Disbursement.objects.filter(object_type=BondRequest._meta.label_lower,
                                       object_id=str(req.pk)).order_by("-created_at")


def bond_request_history(req):
    """The audit trail of one request, oldest first, in one query."""
    events = list(AuditEvent.objects.filter(object_type=BondRequest._meta.label_lower,
                                            object_id=str(req.pk))
                  .select_related("actor").order_by("id"))
    labels = dict(State.choices)
    for event in events:
        before, after = (event.changes.get("state") or [None, None])[:2]
        event.from_label = labels.get(before, "") if before else ""
        event.to_label = labels.get(after, "") if after else ""
    return events


def interest_summary(req):
    """Expected interest (8 CFR 293.1) beside what was received, and the difference."""
    if not (req.disbursed_amount and req.posted_on and req.cancelled_on):
        return None
    expected = expected_interest(req.disbursed_amount, req.posted_on, req.cancelled_on)
    received = req.refund_interest
    difference = received - expected if (expected is not None and received is not None) \
        else None
    return {"expected": expected, "received": received, "difference": difference,
            "days": (req.cancelled_on - req.posted_on).days}


def approval_queue_for(user):
    """Submitted requests this approver may sign, with the budget left beside each.

    Budget positions are read once per distinct program, consulate and partner on the page.
    """
    scope = Scope.of(user)
    if not scope.has_role(Role.FINANCE_APPROVER):
        return []
    rows = list(
        bond_requests_visible_to(user)
        .filter(scope.consulate_q("consulate", Role.FINANCE_APPROVER), state=State.SUBMITTED)
        .exclude(created_by=user).exclude(approvals__approver=user)
        .prefetch_related("approvals").order_by("created_at", "id"))
    cache = {}

    def position(program, **dims):
        key = (program.pk, tuple(sorted(dims.items())))
        if key not in cache:
            pos = ledger_selectors.budget_position(program=program.ledger_ref,
                                                   currency=program.currency, **dims)
            cache[key] = from_minor(pos.available, program.currency)
        return cache[key]

    for req in rows:
        req.program_available = position(req.program)
        req.consulate_available = position(req.program, consulate_id=req.consulate_id)
        req.partner_available = (position(req.program, partner_id=req.obligor_id)
                                 if req.obligor_id else None)
    return rows


def refunds_due_visible_to(user):
    """Bonds cancelled whose refund has not come back, oldest cancellation first."""
    return bond_requests_visible_to(user).filter(state=State.REFUND_DUE).order_by(
        "cancelled_on", "id")


def with_days_due(requests):
    """Mark each request (a page of refunds due) with how long its refund has been due."""
    today = timezone.localdate()
    rows = list(requests)
    for req in rows:
        req.days_due = (today - req.cancelled_on).days if req.cancelled_on else None
        req.overdue = req.days_due is not None and req.days_due > OVERDUE_REFUND_DAYS
    return rows


def programs_visible_to(user):
    Scope.of(user).require(*PROGRAM_READERS)
    return BondProgram.objects.all()


def program_balances(user, program):
    """The program's, each consulate's and each partner's figures, straight from the ledger.

    Consulate-level approvers see only their consulates and the partners serving them.
    """
    scope = Scope.of(user)
    position = ledger_selectors.budget_position(program=program.ledger_ref,
                                                currency=program.currency)
    rows = ledger_selectors.reconciliation(program=program.ledger_ref,
                                           currency=program.currency)
    if not scope.is_headquarters(*PROGRAM_READERS):
        consulate_ids = scope.consulate_ids(*PROGRAM_READERS)
        partner_ids = set(PartnerOrganization.objects.filter(consulates__in=consulate_ids)
                          .values_list("pk", flat=True))
        rows = [r for r in rows if r.consulate_id in consulate_ids
                or r.partner_id in partner_ids]
    consulates = Consulate.objects.in_bulk([r.consulate_id for r in rows if r.consulate_id])
    partners = PartnerOrganization.objects.in_bulk([r.partner_id for r in rows
                                                    if r.partner_id])
    money = ("allocated", "reserved", "disbursed", "bonds_outstanding", "refunds_due",
             "refunds_received_principal", "refunds_received_interest", "forfeited",
             "available")
    table = []
    for r in rows:
        table.append({
            "kind": r.kind,
            "name": consulates.get(r.consulate_id) or partners.get(r.partner_id),
            **{name: from_minor(getattr(r, name), program.currency) for name in money},
        })
    return {
        "position": {name: from_minor(getattr(position, name), program.currency)
                     for name in ("allocated", "reserved", "committed", "available",
                                  "unallocated")},
        "consulates": [t for t in table if t["kind"] == "consulate"],
        "partners": [t for t in table if t["kind"] == "partner"],
        "show_program_totals": scope.is_headquarters(*PROGRAM_READERS),
    }
