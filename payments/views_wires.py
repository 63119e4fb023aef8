"""Pages of a wire: requested from the disbursements list, shown with its cases, recorded
or cancelled by a finance approver."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Role
from core.tenancy import Scope
from payments import selectors, wires
from payments.forms import ManualPaymentForm


def _error(request, exc):
    messages.error(request, " ".join(exc.messages))


@login_required
@require_POST
def wire_create(request):
    ids = request.POST.getlist("disbursement")
    partner = request.POST.get("partner", "")
    try:
        wire = wires.wire_request(disbursement_ids=ids, actor=request.user,
                                  memo=request.POST.get("memo", ""))
    except ValidationError as exc:
        _error(request, exc)
        back = reverse("payments:disbursement_list")
        return redirect(f"{back}?partner={partner}" if partner.isdigit() else back)
    messages.success(request, _("The wire was requested. Another finance approver records it "
                                "once the bank has sent it."))
    return redirect("payments:wire_detail", pk=wire.pk)


def _detail(request, wire, form=None, status=200):
    scope = Scope.of(request.user)
    approver = scope.reaches_consulate(wire.consulate_id, Role.FINANCE_APPROVER)
    members = selectors.wire_members(wire)
    return render(request, "payments/wire_detail.html", {
        "wire": wire, "members": members,
        "may_record": approver and wire.is_open and wire.requested_by_id != request.user.pk,
        "may_cancel": approver and wire.is_open,
        "is_requester": wire.requested_by_id == request.user.pk,
        "manual_form": form or ManualPaymentForm(),
    }, status=status)


@login_required
def wire_detail(request, pk):
    wire = get_object_or_404(selectors.wires_visible_to(request.user), pk=pk)
    return _detail(request, wire)


@login_required
@require_POST
def wire_record(request, pk):
    wire = get_object_or_404(selectors.wires_visible_to(request.user), pk=pk)
    form = ManualPaymentForm(request.POST)
    if not form.is_valid():
        return _detail(request, wire, form=form, status=400)
    try:
        wires.wire_record(wire_id=wire.pk, actor=request.user,
                          method=form.cleaned_data["method"],
                          reference=form.cleaned_data["reference"],
                          sent_on=form.cleaned_data["sent_on"],
                          comment=form.cleaned_data["comment"])
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The wire was recorded: each of its payments is paid."))
    return redirect("payments:wire_detail", pk=wire.pk)


@login_required
@require_POST
def wire_cancel(request, pk):
    wire = get_object_or_404(selectors.wires_visible_to(request.user), pk=pk)
    try:
        wires.wire_cancel(wire_id=wire.pk, actor=request.user,
                          reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The wire was cancelled: its payments can be paid one by "
                                    "one or in a new wire."))
    return redirect("payments:wire_detail", pk=wire.pk)
