"""Pages about how a bond ends: the refunds still owed, the pre-filled refund, the breach
appeal, the EOIR-43 stay's outcome and money that comes back later."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from djmoney.money import Money

from bondfund import services as bond_services
from bondfund.forms import RefundForm
from bondfund.interest import refund_expected
from bondfund.models import State
from bondfund.permissions import obligor_or_finance
from core.exports import export_response
from core.money import to_minor
from core.timezones import local_today
from obligations import bond_end, forms, refunds, selectors


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _to_bond(bond_id):
    return redirect("obligations:bond", pk=bond_id)


@login_required
def refunds_owed(request):
    overdue = request.GET.get("overdue") == "1"
    rows = refunds.refunds_owed(request.user, now=timezone.now(), overdue_only=overdue)
    totals = refunds.totals_by_partner(rows)
    return render(request, "obligations/refunds.html", {
        "rows": rows, "totals": totals, "overdue": overdue, "buckets": refunds.BUCKETS,
        "expected_after": refunds.EXPECTED_AFTER_DAYS,
        "grand": sum((t.total for t in totals[1:]), totals[0].total) if totals else None})


@login_required
def refunds_owed_csv(request):
    overdue = request.GET.get("overdue") == "1"
    rows = refunds.refunds_owed(request.user, now=timezone.now(), overdue_only=overdue)
    response = export_response("csv", filename="refunds-owed", headers=refunds.CSV_HEADERS,
                               rows=refunds.csv_rows(rows))
    response["Cache-Control"] = "private, no-store"
    return response


def _shortfall_words(bond, principal, interest):
    short = bond_services.refund_shortfall(bond, principal, interest)
    if short is None:
        return ""
    return _("That is %(total)s less than expected: principal %(principal)s short, interest "
             "%(interest)s short. If this is what came back, tick the confirmation and record "
             "it again: the difference stays owed to the fund and shows in the refunds "
             "report.") % {"total": short[0] + short[1], "principal": short[0],
                           "interest": short[1]}


@login_required
def refund_record(request, pk):
    """The refund form pre-filled with what DHS owes; less than that needs a confirmation."""
    bond = selectors.bond_for(request.user, pk)
    if not obligor_or_finance(request.user, bond):
        raise PermissionDenied
    if bond.state != State.REFUND_DUE:
        messages.error(request, _("This bond has no refund waiting to be recorded."))
        return _to_bond(pk)
    expected = refund_expected(bond)
    initial = {"principal": expected.principal.amount if expected else None,
               "interest": expected.interest.amount if expected and expected.interest
               is not None else None,
               "refunded_on": local_today(bond.consulate)}
    form = RefundForm(request.POST or None, initial=initial)
    shortfall = ""
    if request.method == "POST" and form.is_valid():
        data, currency = form.cleaned_data, bond.program.currency
        principal, interest = Money(data["principal"], currency), Money(data["interest"],
                                                                        currency)
        try:
            bond_services.bond_request_record_refund(
                actor=request.user, request_id=bond.pk, principal=principal,
                interest=interest, refunded_on=data["refunded_on"], comment=data["comment"],
                confirm_shortfall=data["confirm_shortfall"])
        except ValidationError as error:
            shortfall = _shortfall_words(bond, principal, interest)
            if not shortfall or data["confirm_shortfall"]:
                _errors(request, error)
        else:
            messages.success(request, _("The refund of bond %(reference)s is recorded.")
                             % {"reference": bond.reference})
            return redirect("bondfund:request_detail", pk=bond.pk)
    return render(request, "obligations/refund_record.html", {
        "bond": bond, "form": form, "expected": expected, "shortfall": shortfall},
        status=400 if request.method == "POST" else 200)


def _posted(request, pk, form_class, call, done):
    """One POST on a bond's end: validate, call the service, say what happened."""
    selectors.bond_for(request.user, pk)
    form = form_class(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Check the date and the fields of the form."))
        call(form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, done)
    return _to_bond(pk)


@login_required
@require_POST
def appeal_file(request, pk):
    return _posted(request, pk, forms.AppealFileForm, lambda d: bond_end.appeal_file(
        actor=request.user, bond_id=pk, filed_on=d["filed_on"], comment=d["comment"]),
        _("The appeal is recorded; the deadline reminders stop."))


@login_required
@require_POST
def appeal_decide(request, pk):
    return _posted(request, pk, forms.AppealDecideForm, lambda d: bond_end.appeal_decide(
        actor=request.user, bond_id=pk, sustained=d["outcome"] == "sustained",
        decided_on=d["decided_on"], comment=d["comment"]),
        _("The decision on the appeal is recorded."))


@login_required
@require_POST
def stay_outcome(request, pk):
    return _posted(request, pk, forms.StayOutcomeForm, lambda d: bond_end.stay_outcome_record(
        actor=request.user, bond_id=pk, ice_appealed=d["outcome"] == "appealed",
        outcome_on=d["outcome_on"], comment=d["comment"]),
        _("The outcome of the stay is recorded."))


@login_required
@require_POST
def receipt_record(request, pk):
    bond = selectors.bond_for(request.user, pk)
    currency = bond.program.currency
    return _posted(request, pk, forms.ReceiptForm, lambda d: bond_end.receivable_receipt_record(
        actor=request.user, bond_id=pk, principal=to_minor(Money(d["principal"], currency)),
        interest=to_minor(Money(d["interest"], currency)), received_on=d["received_on"],
        comment=d["comment"]), _("The money received is recorded."))
