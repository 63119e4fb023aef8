"""Pages for officers and partner staff: lists, one bond's obligations, the CSV import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from core.models import Role
from core.tenancy import Scope
from obligations import forms, imports, letters, selectors, services
from obligations.summary import bond_summary

LISTS = {
    "week": (gettext_lazy("This week"), selectors.appearances_this_week),
    "to_record": (gettext_lazy("Waiting to be recorded"), selectors.appearances_to_record),
}


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _to_bond(bond_id):
    return redirect("obligations:bond", pk=bond_id)


def _when(row):
    return formats.date_format(row.local_wall, "DATETIME_FORMAT")


@login_required
def appearance_list(request):
    view = request.GET.get("view", "week")
    if view == "missed":
        rows, title = selectors.appearances_missed(request.user)[:200], _("Missed")
    else:
        view = view if view in LISTS else "week"
        title, select = LISTS[view]
        rows = select(request.user, now=timezone.now())[:200]
    scope = Scope.of(request.user)
    return render(request, "obligations/appearance_list.html", {
        "rows": rows, "view": view, "title": title,
        "risks": selectors.open_risks_visible_to(request.user)[:50],
        "can_import": scope.has_role(Role.CONSULATE_OFFICER, Role.PARTNER_STAFF)})


@login_required
def bond_obligations(request, pk):
    bond = selectors.bond_for(request.user, pk)
    return render(request, "obligations/bond_obligations.html", {
        "bond": bond, **selectors.bond_obligations(request.user, bond),
        "form": forms.AppearanceForm(), "move_form": forms.MoveForm(),
        "cancel_form": forms.CancelForm(), "outcome_form": forms.OutcomeForm(),
        "resolve_form": forms.ResolveForm(), "end": bond_summary(request.user, bond),
        "appeal_form": forms.AppealFileForm(), "decide_form": forms.AppealDecideForm(),
        "stay_form": forms.StayOutcomeForm(), "receipt_form": forms.ReceiptForm()})


@login_required
@require_POST
def appearance_create(request, pk):
    form = forms.AppearanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Check the date, the time and the court or office."))
        return _to_bond(pk)
    try:
        row = services.appearance_create(actor=request.user, bond_id=pk, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Added to the bond: %(kind)s on %(when)s. Reminders will "
                                    "go out before it.")
                         % {"kind": row.get_kind_display(), "when": _when(row)})
    return _to_bond(pk)


@login_required
@require_POST
def appearance_move(request, pk):
    row = selectors.appearance_for(request.user, pk)
    form = forms.MoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the new date and time, and why it moved."))
        return _to_bond(row.bond_id)
    try:
        new = services.appearance_move(actor=request.user, appearance_id=pk,
                                       **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The appearance moved to %(when)s; the old date keeps its "
                                    "place in the history.") % {"when": _when(new)})
    return _to_bond(row.bond_id)


@login_required
@require_POST
def appearance_cancel(request, pk):
    row = selectors.appearance_for(request.user, pk)
    form = forms.CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the appearance was cancelled."))
        services.appearance_cancel(actor=request.user, appearance_id=pk,
                                   comment=form.cleaned_data["comment"])
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The appearance of %(when)s is cancelled; no more "
                                    "reminders will be sent for it.") % {"when": _when(row)})
    return _to_bond(row.bond_id)


@login_required
@require_POST
def appearance_outcome(request, pk):
    row = selectors.appearance_for(request.user, pk)
    form = forms.OutcomeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say whether the person appeared."))
        row = services.appearance_record_outcome(
            actor=request.user, appearance_id=pk,
            attended=form.cleaned_data["outcome"] == "attended",
            comment=form.cleaned_data["comment"])
    except ValidationError as error:
        _errors(request, error)
    else:
        if row.state == "missed":
            messages.warning(request, _("Recorded as missed. Bond %(reference)s is now at risk; "
                                        "the consulate and the obligor were alerted.")
                             % {"reference": row.bond.reference})
        else:
            messages.success(request, _("Recorded: the person appeared on %(when)s.")
                             % {"when": _when(row)})
    return _to_bond(row.bond_id)


@login_required
@require_POST
def risk_resolve(request, pk):
    form = forms.ResolveForm(request.POST)
    bond_id = request.POST.get("bond", "")
    try:
        if not form.is_valid():
            raise ValidationError(_("Say how the risk was resolved."))
        risk = services.risk_resolve(actor=request.user, risk_id=pk,
                                     resolution=form.cleaned_data["resolution"])
        bond_id = risk.bond_id
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, _("The risk on bond %(reference)s is resolved.")
                         % {"reference": risk.bond.reference})
    return _to_bond(bond_id) if str(bond_id).isdigit() else redirect("obligations:list")


@login_required
def appearance_import(request):
    Scope.of(request.user).require(Role.CONSULATE_OFFICER, Role.PARTNER_STAFF)
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = imports.appearances_import(actor=request.user,
                                            text=form.cleaned_data["file"])
        if not result.errors:
            count = len(result.created)
            messages.success(request, ngettext("%(count)s hearing or check-in was added.",
                                               "%(count)s hearings and check-ins were added.",
                                               count) % {"count": count})
            return redirect("obligations:list")
    return render(request, "obligations/import.html", {
        "form": form, "result": result, "columns": imports.COLUMNS})


@login_required
def refund_letter(request, pk):
    """The follow-up letter to DHS for a cancelled bond whose refund has not come back."""
    bond = selectors.bond_for(request.user, pk)
    try:
        pdf = letters.refund_follow_up_render(actor=request.user, bond=bond)
    except ValidationError as error:
        _errors(request, error)
        return _to_bond(pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = \
        f'attachment; filename="refund-follow-up-{bond.reference}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
