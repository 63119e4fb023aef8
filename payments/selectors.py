from django.db.models import Q

from core.models import PartnerOrganization, Role
from core.tenancy import Scope
from payments import stripe_gateway
from payments.models import Disbursement, PartnerStripeAccount, StripeReconciliationRun

RECONCILIATION_ROLES = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN, Role.AUDITOR)


def disbursements_visible_to(user):
    """Consulate staff see their consulates' disbursements; partners those paid to them."""
    scope = Scope.of(user)
    if scope.is_staff_of_consulates and scope.is_headquarters():
        visible = Q()
    else:
        visible = Q(consulate_id__in=scope.consulate_ids()) if scope.is_staff_of_consulates \
            else Q(pk__in=[])
        if scope.partner_ids:
            visible |= Q(payee_partner_id__in=scope.partner_ids)
    return (Disbursement.objects.filter(visible)
            .select_related("consulate", "payee_partner", "requested_by", "released_by"))


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
