import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.models import Role
from core.paging import keyset_page
from core.tenancy import Scope
from payments import selectors, services, stripe_gateway, tasks
from payments.forms import ManualPaymentForm, ReconciliationForm
from payments.models import Status
from payments.purposes import purposes_attach, purposes_of
from payments.webhooks import UNPROCESSABLE, stripe_event_handle

logger = logging.getLogger(__name__)


def _error(request, exc):
    messages.error(request, " ".join(exc.messages))


@login_required
def disbursement_list(request):
    scope = Scope.of(request.user)
    if not scope.roles:
        raise PermissionDenied
    visible = selectors.disbursements_visible_to(request.user)
    disbursements = visible
    status = request.GET.get("status", "")
    if status in Status.values:
        disbursements = disbursements.filter(status=status)
    partner = request.GET.get("partner", "")
    partner = int(partner) if partner.isdigit() else None
    if partner is not None:
        disbursements = disbursements.filter(payee_partner_id=partner)
    page = keyset_page(disbursements, request.GET, per_page=50)
    page.object_list = purposes_attach(page.object_list)
    return render(request, "payments/disbursement_list.html", {
        "page": page, "status": status, "statuses": Status.choices,
        "partner": partner, "partners": selectors.payee_partners_of(visible),
        "may_wire": partner is not None and scope.has_role(Role.FINANCE_APPROVER),
        "stripe_configured": stripe_gateway.is_configured(),
    })


def _detail_context(request, d, manual_form=None):
    may_release = Scope.of(request.user).reaches_consulate(d.consulate_id, Role.FINANCE_APPROVER)
    d.purpose = purposes_of([d]).get(d.pk)
    return {
        "d": d,
        "stripe_configured": stripe_gateway.is_configured(),
        "may_release": may_release and d.status in (Status.REQUESTED, Status.SENT)
        and not d.in_open_wire,
        "may_record_manual": may_release and d.status == Status.REQUESTED
        and not d.in_open_wire,
        "manual_form": manual_form or ManualPaymentForm(),
        "events": d.stripe_events.order_by("created")[:50],
    }


@login_required
def disbursement_detail(request, pk):
    d = get_object_or_404(selectors.disbursements_visible_to(request.user), pk=pk)
    return render(request, "payments/disbursement_detail.html", _detail_context(request, d))


@login_required
@require_POST
def disbursement_release(request, pk):
    d = get_object_or_404(selectors.disbursements_visible_to(request.user), pk=pk)
    try:
        services.disbursement_release(disbursement_id=d.pk, actor=request.user)
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The transfer was made at Stripe."))
    return redirect("payments:disbursement_detail", pk=d.pk)


@login_required
@require_POST
def disbursement_record_manual(request, pk):
    d = get_object_or_404(selectors.disbursements_visible_to(request.user), pk=pk)
    form = ManualPaymentForm(request.POST)
    if form.is_valid():
        try:
            services.disbursement_record_manual(
                disbursement_id=d.pk, actor=request.user, method=form.cleaned_data["method"],
                reference=form.cleaned_data["reference"], sent_on=form.cleaned_data["sent_on"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _error(request, exc)
        else:
            messages.success(request, _("The payment was recorded."))
        return redirect("payments:disbursement_detail", pk=d.pk)
    return render(request, "payments/disbursement_detail.html",
                  _detail_context(request, d, manual_form=form), status=400)


def _reconciliation_started(request, outcome):
    """Queued: say so. Run already (no broker): show its result, or why Stripe was not read."""
    url = reverse("payments:reconciliation")
    if outcome is None:
        messages.success(request, _("The reconciliation was started. Its result appears on "
                                    "this page when it is done; reload the page in a minute."))
    elif outcome.get("run"):
        url = f"{url}?run={outcome['run']}"
    else:
        messages.error(request, _("Stripe could not be read, so nothing was compared. Try "
                                  "again in a few minutes."))
    return redirect(url)


@login_required
def reconciliation(request):
    runs = selectors.reconciliation_runs_visible_to(request.user)
    form = ReconciliationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = tasks.stripe_reconcile_enqueue(
                actor=request.user, date_from=form.cleaned_data["date_from"],
                date_to=form.cleaned_data["date_to"])
        except ValidationError as exc:
            _error(request, exc)
        else:
            return _reconciliation_started(request, outcome)
    run_id = request.GET.get("run", "")
    run = runs.filter(pk=run_id).first() if run_id.isdigit() else runs.first()
    return render(request, "payments/reconciliation.html", {
        "form": form, "run": run, "runs": runs[:20],
        "rows": selectors.reconciliation_rows_visible_to(request.user, run) if run else [],
        "stripe_configured": stripe_gateway.is_configured(),
        "fund_zone": settings.TIME_ZONE,
    })


@login_required
def partner_stripe(request, pk):
    scope = Scope.of(request.user)
    if not (scope.is_partner or scope.is_headquarters(Role.PROGRAM_ADMIN, Role.AUDITOR)):
        raise PermissionDenied
    partner = get_object_or_404(selectors.partners_visible_to(request.user), pk=pk)
    if request.method == "POST":
        here = request.build_absolute_uri(reverse("payments:partner_stripe", args=[pk]))
        try:
            url = services.partner_stripe_onboard(partner_id=partner.pk, actor=request.user,
                                                  return_url=here, refresh_url=here)
        except ValidationError as exc:
            _error(request, exc)
            return redirect("payments:partner_stripe", pk=pk)
        return redirect(url)
    may_onboard = partner.pk in scope.partner_ids or scope.is_headquarters(Role.PROGRAM_ADMIN)
    return render(request, "payments/partner_stripe.html", {
        "partner": partner, "status": selectors.partner_stripe_status(partner=partner),
        "may_onboard": may_onboard,
    })


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event = stripe_gateway.event_construct(request.body,
                                               request.headers.get("Stripe-Signature"))
    except stripe_gateway.SignatureInvalid:
        return HttpResponseBadRequest("invalid signature")
    try:
        outcome = stripe_event_handle(event)
    except Exception:
        logger.exception("Stripe event %s failed", event.get("id"))
        return HttpResponse(status=500)  # Stripe will deliver it again
    if outcome.startswith(UNPROCESSABLE):
        # Stored with its problem; a 4xx tells Stripe the event itself is at fault.
        return JsonResponse({"received": True, "outcome": outcome}, status=422)
    return JsonResponse({"received": True, "outcome": outcome})
