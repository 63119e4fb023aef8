from django.db.models import Q

from core.models import PartnerOrganization, Role
from core.tenancy import Scope
from payments import stripe_gateway
from payments.models import Disbursement, PartnerStripeAccount, StripeReconciliationRun, Wire
from payments.purposes import purposes_attach

RECONCILIATION_ROLES = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR)


def _visible(user):
    """Consulate staff see their consulates' payments; partners those paid to them."""
    scope = Scope.of(user)
    if scope.is_staff_of_consulates and scope.is_headquarters():
        return Q()
    visible = Q(consulate_id__in=scope.consulate_ids()) if scope.is_staff_of_consulates \
        else Q(pk__in=[])
    if scope.partner_ids:
        visible |= Q(payee_partner_id__in=scope.partner_ids)
    return visible


def disbursements_visible_to(user):
    return (Disbursement.objects.filter(_visible(user))
            .select_related("consulate", "payee_partner", "requested_by", "released_by",
                            "wire"))


def wires_visible_to(user):
    return (Wire.objects.filter(_visible(user))
            .select_related("consulate", "payee_partner", "requested_by", "released_by"))


def wire_members(wire):
    """The wire's disbursements, each with its `purpose` (case reference, person, link)."""
    members = (Disbursement.objects.filter(wire=wire).select_related("wire")
               .order_by("created_at", "pk"))
    return purposes_attach(members)


def payee_partners_of(disbursements):
    """The partners these disbursements pay, for the list's filter (one query)."""
    return (PartnerOrganization.objects
            .filter(pk__in=disbursements.order_by().values("payee_partner_id"))
            .order_by("name"))


def partners_visible_to(user):
    """Partners whose Stripe page this user may open: their own; everyone's for HQ roles."""
    scope = Scope.of(user)
    if scope.is_headquarters(Role.PROGRAM_ADMIN, Role.AUDITOR):
        return PartnerOrganization.objects.all()
    return PartnerOrganization.objects.filter(pk__in=scope.partner_ids)


def partner_stripe_status(*, partner):
    """What we know of the partner's connected account; asks Stripe live when configured."""
    stored = PartnerStripeAccount.objects.filter(partner=partner).first()
    status = {
        "configured": stripe_gateway.is_configured(),
        "account_id": partner.stripe_account_id,
        "payouts_enabled": stored.payouts_enabled if stored else False,
        "details_submitted": stored.details_submitted if stored else False,
        "payout_failure": stored.payout_failure if stored else "",
        "live": False,
    }
    if status["configured"] and partner.stripe_account_id:
        try:
            account = stripe_gateway.account_retrieve(partner.stripe_account_id)
        except (stripe_gateway.StripeRefused, stripe_gateway.StripeOutcomeUnknown):
            return status
        status.update(payouts_enabled=bool(account.get("payouts_enabled")),
                      details_submitted=bool(account.get("details_submitted")), live=True)
    return status


def reconciliation_runs_visible_to(user):
    Scope.of(user).require(*RECONCILIATION_ROLES)
    return StripeReconciliationRun.objects.select_related("ran_by")


def reconciliation_rows_visible_to(user, run):
    """A consulate's finance approver sees the rows of its consulates and Stripe-only rows;
    headquarters roles see all."""
    scope = Scope.of(user)
    if scope.is_headquarters(*RECONCILIATION_ROLES):
        return list(run.differences)
    reach = scope.consulate_ids(*RECONCILIATION_ROLES)
    return [row for row in run.differences
            if row.get("consulate_id") is None or row["consulate_id"] in reach]
