"""PALE pages for consulate staff and, in the partner portal, for the advisors themselves."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.models import Role
from core.paging import keyset_page
from core.selectors import beneficiaries_visible_to
from core.tenancy import Scope
from core.timezones import local_today
from pale import forms, invoices, selectors, services
from pale.models import Milestone, ReferralState


def _errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _done(request, message, target):
    messages.success(request, message)
    return target


def _referral(request, pk):
    return get_object_or_404(selectors.referrals_visible_to(request.user), pk=pk)


def _to_referral(referral):
    return redirect("pale:referral_detail", pk=referral.pk)


# Contracts -------------------------------------------------------------------------------

@login_required
def contract_list(request):
    contracts = selectors.contracts_visible_to(request.user)
    return render(request, "pale/contract_list.html", {
        "contracts": contracts,
        "can_create": Scope.of(request.user).has_role(Role.PROGRAM_ADMIN)})


@login_required
def contract_create(request):
    Scope.of(request.user).require(Role.PROGRAM_ADMIN)
    form = forms.ContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            contract = services.contract_create(
                actor=request.user, advisor=data["advisor"], consulate=data["consulate"],
                program=data["program"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                budget=data["budget"], fees=form.fees(),
                response_business_days=data["response_business_days"],
                urgent_response_business_days=data["urgent_response_business_days"])
        except ValidationError as error:
            _errors(request, error)
        else:
            return _done(request, _("The contract %(number)s with %(advisor)s is in place.")
                         % {"number": contract.number, "advisor": contract.advisor.name},
                         redirect("pale:contract_detail", pk=contract.pk))
    return render(request, "pale/contract_form.html", {"form": form})


@login_required
def contract_detail(request, pk):
    contract = get_object_or_404(selectors.contracts_visible_to(request.user), pk=pk)
    return render(request, "pale/contract_detail.html", {
        "contract": contract, "budget_used": invoices.committed(contract),
        "invoices": contract.invoices.all()[:24]})


# Referrals -------------------------------------------------------------------------------

@login_required
def referral_list(request):
    scope = Scope.of(request.user)
    qs = selectors.referrals_visible_to(request.user)
    state = request.GET.get("state", "")
    if state in ReferralState.values:
        qs = qs.filter(state=state)
    page = keyset_page(qs, request.GET, per_page=25)
    return render(request, "pale/referral_list.html", {
        "page": page, "states": ReferralState.choices, "state": state,
        "needing": selectors.referrals_needing_officer(request.user)[:50]
        if scope.has_role(Role.CONSULATE_OFFICER) else [],
        "now": timezone.now()})


@login_required
def referral_create(request):
    Scope.of(request.user).require(Role.CONSULATE_OFFICER)
    beneficiary = get_object_or_404(beneficiaries_visible_to(request.user),
                                    pk=request.GET.get("beneficiary") or 0)
    if not Scope.of(request.user).reaches_consulate(beneficiary.consulate_id,
                                                    Role.CONSULATE_OFFICER):
        raise PermissionDenied
    contracts = selectors.contracts_open_for(beneficiary, local_today(beneficiary.consulate))
    form = forms.ReferralForm(request.POST or None, contracts=contracts)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral = services.referral_create(
                actor=request.user, beneficiary=beneficiary, contract=data["contract"],
                matter=data["matter"], urgency=data["urgency"], notes=data["notes"])
        except ValidationError as error:
            _errors(request, error)
        else:
            return _done(request, _("%(person)s was referred to %(advisor)s (%(number)s).")
                         % {"person": beneficiary.full_name, "advisor": referral.advisor.name,
                            "number": referral.number}, _to_referral(referral))
    return render(request, "pale/referral_form.html",
                  {"form": form, "beneficiary": beneficiary})


@login_required
def referral_detail(request, pk):
    referral = _referral(request, pk)
    scope = Scope.of(request.user)
    officer = scope.reaches_consulate(referral.consulate_id, Role.CONSULATE_OFFICER)
    advisor = referral.advisor_id in scope.partner_ids
    sessions, milestones = selectors.referral_detail(referral)
    state = referral.state
    others = selectors.contracts_open_for(referral.beneficiary, local_today(referral.consulate)
                                          ).exclude(advisor=referral.advisor_id)
    return render(request, "pale/referral_detail.html", {
        "referral": referral, "sessions": sessions, "milestones": milestones,
        "late": referral.is_late(), "is_officer": officer,
        "can_answer": advisor and state == ReferralState.PENDING,
        "can_work": advisor and state == ReferralState.ACCEPTED,
        "can_redirect": officer and state in (ReferralState.PENDING, ReferralState.DECLINED),
        "decline_form": forms.DeclineForm(), "session_form": forms.SessionForm(),
        "milestone_form": forms.MilestoneForm(),
        "redirect_form": forms.RedirectForm(contracts=others) if officer else None,
    })


def _referral_action(request, pk, action):
    referral = _referral(request, pk)
    try:
        message = action(referral)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, message)
    return _to_referral(referral)


@login_required
@require_POST
def referral_accept(request, pk):
    def act(referral):
        services.referral_accept(actor=request.user, referral=referral)
        return _("You accepted the referral %(number)s.") % {"number": referral.number}
    return _referral_action(request, pk, act)


@login_required
@require_POST
def referral_decline(request, pk):
    def act(referral):
        services.referral_decline(actor=request.user, referral=referral,
                                  reason=request.POST.get("reason", ""))
        return _("You declined the referral %(number)s; the consulate was told.") % {
            "number": referral.number}
    return _referral_action(request, pk, act)


@login_required
@require_POST
def referral_redirect(request, pk):
    referral = _referral(request, pk)
    others = selectors.contracts_open_for(referral.beneficiary, local_today(referral.consulate))
    form = forms.RedirectForm(request.POST, contracts=others)
    if not form.is_valid():
        messages.error(request, _("Choose another advisor."))
        return _to_referral(referral)
    try:
        new = services.referral_redirect(actor=request.user, referral=referral,
                                         contract=form.cleaned_data["contract"],
                                         notes=form.cleaned_data["notes"])
    except ValidationError as error:
        _errors(request, error)
        return _to_referral(referral)
    return _done(request, _("%(person)s was referred to %(advisor)s instead (%(number)s).")
                 % {"person": referral.beneficiary.full_name, "advisor": new.advisor.name,
                    "number": new.number}, _to_referral(new))


def _record_work(request, pk, form_class, service, message):
    referral = _referral(request, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for error in field_errors:
                messages.error(request, error)
        return _to_referral(referral)
    try:
        service(actor=request.user, referral=referral, **form.cleaned_data)
    except ValidationError as error:
        _errors(request, error)
    else:
        messages.success(request, message % {"number": referral.number})
    return _to_referral(referral)


@login_required
@require_POST
def session_add(request, pk):
    return _record_work(request, pk, forms.SessionForm, services.session_record,
                        _("The session was recorded on the referral %(number)s."))


@login_required
@require_POST
def milestone_add(request, pk):
    return _record_work(request, pk, forms.MilestoneForm, services.milestone_record,
                        _("The milestone was recorded on the referral %(number)s."))


@login_required
def hearing_bond(request, pk):
    """The officer opens the bond request that follows from the hearing's decision."""
    milestone = get_object_or_404(
        Milestone.objects.filter(referral__in=selectors.referrals_visible_to(request.user))
        .select_related("referral__beneficiary"), pk=pk)
    if not Scope.of(request.user).reaches_consulate(milestone.referral.consulate_id,
                                                    Role.CONSULATE_OFFICER):
        raise PermissionDenied
    form = forms.HearingBondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            bond = services.hearing_bond_request_create(actor=request.user, milestone=milestone,
                                                        **form.cleaned_data)
        except ValidationError as error:
            _errors(request, error)
        else:
            return _done(request, _("The bond request %(reference)s was opened from the "
                                    "hearing's decision; check it and submit it.")
                         % {"reference": bond.reference},
                         redirect("bondfund:request_detail", pk=bond.pk))
    return render(request, "pale/hearing_bond_form.html",
                  {"form": form, "milestone": milestone})
