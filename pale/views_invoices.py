"""Advisors bill their month; finance approves with four eyes; payments pays."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Role
from core.paging import keyset_page
from core.tenancy import Scope
from pale import forms, invoices, selectors
from payments.models import Disbursement


@login_required
def invoice_list(request):
    qs = selectors.invoices_visible_to(request.user)
    page = keyset_page(qs, request.GET, per_page=25)
    scope = Scope.of(request.user)
    return render(request, "pale/invoice_list.html", {
        "page": page, "can_bill": bool(scope.partner_ids)})


@login_required
def invoice_create(request):
    scope = Scope.of(request.user)
    if not scope.partner_ids:
        raise PermissionDenied
    contracts = selectors.contracts_visible_to(request.user).filter(
        advisor_id__in=scope.partner_ids)
    form = forms.InvoiceForm(request.POST or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        try:
            invoice = invoices.invoice_submit(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The invoice %(number)s for %(amount)s was sent for "
                                        "approval.")
                             % {"number": invoice.number,
                                "amount": invoices._text(invoice.amount)})
            return redirect("pale:invoice_detail", pk=invoice.pk)
    return render(request, "pale/invoice_form.html", {"form": form})


def _invoice(request, pk):
    return get_object_or_404(selectors.invoices_visible_to(request.user), pk=pk)


@login_required
def invoice_detail(request, pk):
    invoice = _invoice(request, pk)
    finance = Scope.of(request.user).reaches_consulate(invoice.contract.consulate_id,
                                                       Role.FINANCE_APPROVER)
    return render(request, "pale/invoice_detail.html", {
        "invoice": invoice, "lines": selectors.invoice_lines(invoice),
        "approvals": invoice.approvals.select_related("approver"),
        "disbursements": Disbursement.objects.filter(
            object_type=invoices.OBJECT_TYPE, object_id=str(invoice.pk)).order_by("-created_at")
        if finance or invoice.contract.advisor_id in Scope.of(request.user).partner_ids
        else [],
        "can_review": finance and invoice.state == "submitted",
        "comment_form": forms.CommentForm()})


def _invoice_action(request, pk, action):
    invoice = _invoice(request, pk)
    try:
        message = action(invoice)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, message)
    return redirect("pale:invoice_detail", pk=invoice.pk)


@login_required
@require_POST
def invoice_approve(request, pk):
    def act(invoice):
        invoice = invoices.invoice_approve(actor=request.user, invoice=invoice,
                                           comment=request.POST.get("comment", ""))
        if invoice.state == "approved":
            return _("The invoice %(number)s is approved; its payment awaits release on the "
                     "payments page.") % {"number": invoice.number}
        return _("You signed the invoice %(number)s; a second approver must sign it.") % {
            "number": invoice.number}
    return _invoice_action(request, pk, act)


@login_required
@require_POST
def invoice_reject(request, pk):
    def act(invoice):
        invoices.invoice_reject(actor=request.user, invoice=invoice,
                                reason=request.POST.get("comment", ""))
        return _("The invoice %(number)s was rejected; the advisor was told.") % {
            "number": invoice.number}
    return _invoice_action(request, pk, act)
