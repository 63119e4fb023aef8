"""Reads of bond programs and requests, already scoped to the user."""

from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from bondfund.interest import expected_interest
from bondfund.models import BondApproval, BondProgram, BondRequest, State
from core.models import AuditEvent, Beneficiary, Consulate, PartnerOrganization, Role
from core.money import from_minor
from core.tenancy import Scope
from core.timezones import local_today
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


def disbursements_of(bond):
    """The payments made or tried for this bond, newest first (the page links to each)."""
    return Disbursement.objects.filter(object_type=BondRequest._meta.label_lower,
                                       object_id=str(bond.pk)).order_by("-created_at")


def bond_request_history(bond):
    """The audit trail of one request, oldest first, in one query."""
    events = list(AuditEvent.objects.filter(object_type=BondRequest._meta.label_lower,
                                            object_id=str(bond.pk))
                  .select_related("actor").order_by("id"))
    labels = dict(State.choices)
    for event in events:
        before, after = (event.changes.get("state") or [None, None])[:2]
        event.from_label = labels.get(before, "") if before else ""
        event.to_label = labels.get(after, "") if after else ""
    return events


def interest_summary(bond):
    """Expected interest (8 CFR 293.1) beside what was received, and the difference."""
    if not (bond.disbursed_amount and bond.posted_on and bond.cancelled_on):
        return None
    expected = expected_interest(bond.disbursed_amount, bond.posted_on, bond.cancelled_on)
    received = bond.refund_interest
    difference = received - expected if (expected is not None and received is not None) \
        else None
    return {"expected": expected, "received": received, "difference": difference,
            "days": (bond.cancelled_on - bond.posted_on).days}


QUEUE_PAGE = 25


def approval_queue_for(user, *, after: str = "", size: int = QUEUE_PAGE):
    """One page of the submitted requests this approver may sign now (oldest first), with
    the budget left beside each, and the cursor of the next page ("" on the last).

    Keyset pagination on (created_at, id): a page costs the same with thousands of rows
    waiting, and nothing counts the whole queue. Budget positions are read once per
    distinct program, consulate and partner on the page.
    """
    scope = Scope.of(user)
    if not scope.has_role(Role.FINANCE_APPROVER):
        return [], ""
    signed_this_round = BondApproval.objects.filter(
        request=OuterRef("pk"), round=OuterRef("approval_round"), approver=user)
    queue = (bond_requests_visible_to(user)
             .filter(scope.consulate_q("consulate", Role.FINANCE_APPROVER), state=State.SUBMITTED)
             .exclude(created_by=user).exclude(submitted_by=user)
             .exclude(Exists(signed_this_round))
             .prefetch_related("approvals").order_by("created_at", "id"))
    start = _cursor_row(after)
    if start is not None:
        queue = queue.filter(Q(created_at__gt=start[0]) | Q(created_at=start[0], id__gt=start[1]))
    rows = list(queue[:size + 1])
    more = len(rows) > size
    rows = rows[:size]
    _with_budget_left(rows)
    return rows, (f"{rows[-1].pk}" if more else "")


def _cursor_row(after: str):
    if not after.isdigit():
        return None
    return BondRequest.objects.filter(pk=after).values_list("created_at", "id").first()


def _with_budget_left(rows) -> None:
    cache = {}

    def position(program, **dims):
        key = (program.pk, tuple(sorted(dims.items())))
        if key not in cache:
            pos = ledger_selectors.budget_position(program=program.ledger_ref,
                                                   currency=program.currency, **dims)
            cache[key] = from_minor(pos.available, program.currency)
        return cache[key]

    for bond in rows:
        bond.program_available = position(bond.program)
        bond.consulate_available = position(bond.program, consulate_id=bond.consulate_id)
        bond.partner_available = (position(bond.program, partner_id=bond.obligor_id)
                                  if bond.obligor_id else None)


def refunds_due_visible_to(user):
    """Bonds cancelled whose refund has not come back, oldest cancellation first."""
    return bond_requests_visible_to(user).filter(state=State.REFUND_DUE).order_by(
        "cancelled_on", "id")


def with_days_due(requests, *, now=None):
    """Mark each request (a page of refunds due) with how long its refund has been due, in
    days of its consulate's calendar."""
    now = now or timezone.now()
    rows = list(requests)
    for bond in rows:
        today = local_today(bond.consulate, now=now)
        bond.days_due = (today - bond.cancelled_on).days if bond.cancelled_on else None
        bond.overdue = bond.days_due is not None and bond.days_due > OVERDUE_REFUND_DAYS
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
