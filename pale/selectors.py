"""PALE reads, scoped to the user: consulate staff see their consulates' contracts, referrals
and invoices; an advisor's staff see only what was referred to or billed by their
organization. Anything else is a 404."""

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from core.models import Consulate, PartnerOrganization
from core.tenancy import Scope
from core.timeline import TimelineEntry
from pale.models import (
    Contract,
    Invoice,
    InvoiceState,
    Milestone,
    Referral,
    ReferralState,
    Session,
)


def _visible(user, consulate_field, partner_field):
    scope = Scope.of(user)
    q = scope.consulate_q(consulate_field) if scope.is_staff_of_consulates else Q(pk__in=[])
    if scope.partner_ids:
        q |= Q(**{f"{partner_field}__in": scope.partner_ids})
    return q


def contracts_visible_to(user):
    return (Contract.objects.filter(_visible(user, "consulate", "advisor"))
            .select_related("advisor", "consulate", "program").prefetch_related("fees"))


def contracts_open_for(beneficiary, day):
    """The contracts an officer may refer this person under today."""
    return (Contract.objects.filter(consulate_id=beneficiary.consulate_id, starts_on__lte=day,
                                    ends_on__gte=day)
            .select_related("advisor", "consulate", "program"))


def referrals_visible_to(user):
    return (Referral.objects.filter(_visible(user, "consulate", "advisor"))
            .select_related("beneficiary", "advisor", "consulate", "contract"))


def referrals_needing_officer(user):
    """Declined, or unanswered past their due time and alerted: the officer's to-do."""
    return referrals_visible_to(user).filter(
        Q(state=ReferralState.DECLINED)
        | Q(state=ReferralState.PENDING, alerted_at__isnull=False)).order_by("respond_by")


def referral_detail(referral):
    sessions = list(referral.sessions.select_related("recorded_by"))
    milestones = list(referral.milestones.select_related("bond_request", "recorded_by"))
    return sessions, milestones


def invoices_visible_to(user):
    return (Invoice.objects.filter(_visible(user, "contract__consulate", "contract__advisor"))
            .select_related("contract__advisor", "contract__consulate", "contract__program"))


def invoice_lines(invoice):
    return invoice.lines.select_related("session__referral__beneficiary",
                                        "milestone__referral__beneficiary")


def advisors_visible_to(user):
    scope = Scope.of(user)
    advisors = PartnerOrganization.objects.exclude(legal_advisor_kind="")
    if scope.is_staff_of_consulates:
        return advisors.filter(
            pale_contracts__in=Contract.objects.filter(scope.consulate_q("consulate"))
        ).distinct() if not scope.is_headquarters() else advisors
    return advisors.filter(pk__in=scope.partner_ids)


def consulates_for_reports(user):
    scope = Scope.of(user)
    if not scope.is_staff_of_consulates:
        return Consulate.objects.none()
    return Consulate.objects.filter(Q(pk__isnull=False) & _consulate_pk_q(scope))


def _consulate_pk_q(scope):
    if scope.is_headquarters():
        return Q()
    return Q(pk__in=scope.consulate_ids())


# The person's timeline (core.timeline provider) -------------------------------------------

def pale_timeline(beneficiary_ids):
    """Referrals, sessions and milestones of these people, unscoped: core shows them in full
    to the referring consulate and reduced to kind and date elsewhere."""
    referrals = Referral.objects.filter(beneficiary_id__in=beneficiary_ids).select_related(
        "advisor").prefetch_related(
        Prefetch("sessions", queryset=Session.objects.order_by("held_on")),
        Prefetch("milestones", queryset=Milestone.objects.order_by("occurred_on")))
    entries = []
    for r in referrals:
        url = reverse("pale:referral_detail", args=[r.pk])
        common = {"consulate_id": r.consulate_id, "url": url}
        entries.append(TimelineEntry(date=r.created_at, kind_label=_("Legal advice referral"),
                                     title=f"{r.number} · {r.advisor.name} · "
                                           f"{r.get_matter_display()}",
                                     state_label=str(r.get_state_display()), **common))
        entries += [TimelineEntry(date=s.held_on, kind_label=_("Legal advice session"),
                                  title=f"{s.get_mode_display()} · {s.topic}",
                                  state_label=s.outcome[:80], **common)
                    for s in r.sessions.all()]
        entries += [TimelineEntry(date=m.occurred_on, kind_label=_("Legal advice milestone"),
                                  title=f"{m.get_kind_display()} · {m.judge_or_court}".rstrip(" ·"),
                                  state_label=str(m.get_result_display()),
                                  amount_display=str(m.bond_amount or ""), **common)
                    for m in r.milestones.all()]
    return entries


PAID_OR_APPROVED = (InvoiceState.APPROVED, InvoiceState.PAID)
