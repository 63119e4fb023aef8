from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from casework.actions import actions_offered, case_action
from casework.bulk import cases_sign_many, with_signatures
from casework.forms_headcount import PeopleCapForm, SignManyForm
from casework.headcount import people_left, program_people_visible
from casework.money import money_shortfall
from casework.queue_sign import queue_sign_one
from casework.sentences import budget_sentence, case_sentence
from core.models import Beneficiary, Role
from core.paging import keyset_page
from core.tenancy import Scope
from core.timezones import fund_today
from core.uploads import private_file_response
from grants import forms, selectors, services, services_programs
from grants.actions import ACTIONS
from grants.kind import GRANT
from grants.models import GrantProgram, State
from grants.selectors import APPROVAL_QUEUE_ROLES, CONSULATE_ROLES


def _show_errors(request, error):
    for message in error.messages:
        messages.error(request, message)


def _application(request, pk):
    return get_object_or_404(selectors.grant_applications_visible_to(request.user), pk=pk)


def _detail(application):
    return redirect("grants:application_detail", pk=application.pk)


# Applications ----------------------------------------------------------------------------

@login_required
def application_list(request):
    filters = forms.ApplicationFilterForm(request.GET or None)
    state, program_id = "", None
    if filters.is_valid():
        state = filters.cleaned_data["state"]
        program_id = getattr(filters.cleaned_data["program"], "pk", None)
    qs = selectors.grant_application_list(user=request.user, state=state, program_id=program_id)
    page = keyset_page(qs, request.GET, per_page=25)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "grants/application_list.html", {
        "filters": filters, "page": page, "query": query.urlencode()})


@login_required
def application_detail(request, pk, bound=None):
    application = _application(request, pk)
    officer = services.is_officer(request.user, application)
    context = {
        "application": application,
        "documents": application.documents.select_related("uploaded_by"),
        "approvals": selectors.application_approvals(application),
        "history": selectors.application_history(application),
        "disbursements": selectors.disbursements_of(application),
        "missing": services.missing_documents(application),
        "ineligible": services.ineligible_reasons(application.program,
                                                  application.eligibility_answers),
        "earlier_grants": selectors.earlier_grants_within_waiting_period(
            [application]).get(application.pk, []),
        "can_edit": officer and application.state == State.DRAFT,
        "actions": actions_offered(ACTIONS, request.user, application, bound),
        "shortfall": money_shortfall(GRANT, application)
        if services.is_approver(request.user, application) else None,
        "document_form": forms.DocumentForm(prefix="document"),
    }
    return render(request, "grants/application_detail.html", context,
                  status=400 if bound else 200)


def _program_for_new_application(request, consulate_id):
    """(program, picker): the program chosen, or the only one open to the consulate; else
    no program and the picker, so the officer chooses (never one picked among several)."""
    today = fund_today()
    open_programs = [p for p in GrantProgram.objects.filter(
        allocations__consulate_id=consulate_id).distinct() if p.is_open_on(today)]
    chosen = "program" in request.GET
    picker = forms.ProgramChoiceForm(request.GET if chosen else None, programs=open_programs)
    if chosen and picker.is_valid():
        return picker.cleaned_data["program"], picker
    if not chosen and len(open_programs) == 1:
        return open_programs[0], picker
    return None, picker


@login_required
def application_create(request):
    if not Scope.of(request.user).has_role(Role.CONSULATE_OFFICER):
        raise PermissionDenied
    scope = Scope.of(request.user)
    beneficiaries = Beneficiary.objects.active().filter(
        scope.consulate_q("consulate", Role.CONSULATE_OFFICER))
    if not (request.GET.get("beneficiary") or "").isdigit():
        messages.info(request, _("Choose the person the grant is for, then “Apply for a "
                                 "grant” on their page."))
        return redirect("core:beneficiary_list")
    beneficiary = get_object_or_404(beneficiaries, pk=request.GET.get("beneficiary"))
    program, picker = _program_for_new_application(request, beneficiary.consulate_id)
    if program is None:
        return render(request, "grants/application_form.html", {
            "beneficiary": beneficiary, "picker": picker})
    form = forms.ApplicationForm(request.POST or None, program=program, beneficiary=beneficiary)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.grant_application_create(
                actor=request.user, beneficiary=beneficiary, program=program,
                **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Draft saved. Attach the documents, then submit it."))
            return _detail(application)
    return render(request, "grants/application_form.html", {
        "beneficiary": beneficiary, "program": program, "form": form})


@login_required
def application_edit(request, pk):
    application = _application(request, pk)
    if not Scope.of(request.user).reaches_consulate(application.consulate_id,
                                                    Role.CONSULATE_OFFICER):
        raise PermissionDenied
    if application.state != State.DRAFT:
        messages.error(request, _("Only a draft can be changed."))
        return _detail(application)
    form = forms.ApplicationForm(
        request.POST or None, program=application.program,
        beneficiary=application.beneficiary,
        initial=forms.ApplicationForm.initial_from(application))
    if request.method == "POST" and form.is_valid():
        try:
            services.grant_application_update(actor=request.user, application_id=application.pk,
                                              **form.service_kwargs())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, str(case_sentence(GRANT, application, "update")))
            return _detail(application)
    return render(request, "grants/application_form.html", {
        "beneficiary": application.beneficiary, "program": application.program,
        "form": form, "application": application})


@login_required
@require_POST
def document_upload(request, pk):
    application = _application(request, pk)
    form = forms.DocumentForm(request.POST, request.FILES, prefix="document")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _detail(application)
    try:
        services.grant_document_add(actor=request.user, application_id=application.pk,
                                    kind=form.cleaned_data["kind"],
                                    checked=form.cleaned_data["file"])
    except ValidationError as error:
        _show_errors(request, error)
    else:
        messages.success(request, str(case_sentence(GRANT, application, "document")))
    return _detail(application)


@login_required
def document_download(request, pk, document_pk):
    application = _application(request, pk)
    document = get_object_or_404(application.documents, pk=document_pk)
    return private_file_response(document.storage_name, download_name=document.original_name,
                                 content_type=document.content_type)


@login_required
@require_POST
def application_action(request, pk, action):
    application = _application(request, pk)
    return case_action(request, kind=GRANT, actions=ACTIONS, case=application, slug=action,
                       id_arg="application_id",
                       redisplay=lambda bound: application_detail(request, pk, bound=bound))


@login_required
def approval_queue(request):
    if not Scope.of(request.user).has_role(*APPROVAL_QUEUE_ROLES):
        raise PermissionDenied
    page = Paginator(selectors.approval_queue(user=request.user), 50).get_page(
        request.GET.get("page"))
    applications = with_signatures(selectors.flag_earlier_grants(page.object_list))
    people_left(applications, partner_of=GRANT.ledger_partner_of)
    may_sign = Scope.of(request.user).has_role(Role.FINANCE_APPROVER)
    return render(request, "grants/approval_queue.html", {
        "applications": applications, "page": page, "may_sign": may_sign})


def _grant_sign(*, actor, case_id, comment):
    return services.grant_application_approve(actor=actor, application_id=case_id,
                                              comment=comment)


@login_required
@require_POST
def approval_sign_one(request, pk):
    """Sign one application from its row of the queue (confirmed first)."""
    Scope.of(request.user).require(Role.FINANCE_APPROVER)
    application = get_object_or_404(
        selectors.grant_applications_visible_to(request.user), pk=pk)
    return queue_sign_one(request, kind=GRANT, case=application, sign=_grant_sign,
                          queue_url="grants:approval_queue", columns=10)


@login_required
@require_POST
def approval_sign_many(request):
    """Sign the applications ticked on the queue, each as its own approval."""
    Scope.of(request.user).require(Role.FINANCE_APPROVER)
    form = SignManyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(str(e) for e in errors))
        return redirect("grants:approval_queue")
    ids = form.cleaned_data["case"]
    found = selectors.grant_applications_visible_to(request.user).in_bulk(ids)
    if len(found) != len(ids):
        raise Http404
    outcomes = cases_sign_many(sign=_grant_sign, actor=request.user,
                               cases=[found[pk] for pk in ids],
                               comment=form.cleaned_data["comment"])
    return render(request, "casework/sign_outcomes.html", {
        "outcomes": outcomes, "queue_url": "grants:approval_queue",
        "detail_url": "grants:application_detail"})


# Programs --------------------------------------------------------------------------------

def _require_consulate_staff(user):
    if not Scope.of(user).has_role(*CONSULATE_ROLES):
        raise PermissionDenied


@login_required
def program_list(request):
    _require_consulate_staff(request.user)
    return render(request, "grants/program_list.html", {
        "programs": selectors.grant_programs_visible_to(request.user).order_by("name"),
        "can_create": Scope.of(request.user).has_role(Role.PROGRAM_ADMIN)})


@login_required
def program_detail(request, pk):
    _require_consulate_staff(request.user)
    program = get_object_or_404(selectors.grant_programs_visible_to(request.user), pk=pk)
    total, rows = selectors.program_budget(user=request.user, program=program)
    can_manage = Scope.of(request.user).has_role(Role.PROGRAM_ADMIN)
    return render(request, "grants/program_detail.html", {
        "program": program, "total": total, "rows": rows, "can_manage": can_manage,
        "questions": program.questions.all(),
        "partner_caps": selectors.program_partner_caps(program=program, user=request.user),
        "allocation_form": forms.AllocationForm(prefix="allocation"),
        "cap_form": forms.PartnerCapForm(prefix="cap"),
        "people": program_people_visible(request.user, program, *CONSULATE_ROLES),
        "people_form": PeopleCapForm(prefix="people") if can_manage else None})


@login_required
@require_POST
def program_people_cap(request, pk):
    Scope.of(request.user).require(Role.PROGRAM_ADMIN)
    program = get_object_or_404(GrantProgram, pk=pk)
    form = PeopleCapForm(request.POST, prefix="people")
    if form.is_valid():
        try:
            services_programs.grant_program_people_cap_set(
                actor=request.user, program_id=program.pk, **form.service_kwargs())
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, _("The people cap is set to %(n)s.")
                             % {"n": form.cleaned_data["count"]})
    else:
        messages.error(request, _("Check the people cap and try again."))
    return redirect("grants:program_detail", pk=program.pk)


@login_required
def program_create(request):
    Scope.of(request.user).require(Role.PROGRAM_ADMIN)
    form = forms.ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.grant_program_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, str(budget_sentence(program, step="create")))
            return redirect("grants:program_detail", pk=program.pk)
    return render(request, "grants/program_form.html", {"form": form})


@login_required
@require_POST
def program_allocate(request, pk):
    Scope.of(request.user).require(Role.PROGRAM_ADMIN)
    program = get_object_or_404(GrantProgram, pk=pk)
    form = forms.AllocationForm(request.POST, prefix="allocation")
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["from_consulate"]:
                allocation = services.grant_program_reallocate(
                    actor=request.user, program_id=program.pk,
                    from_consulate=data["from_consulate"], to_consulate=data["consulate"],
                    amount=data["amount"], memo=data["memo"])
            else:
                allocation = services.grant_program_allocate(
                    actor=request.user, program_id=program.pk, consulate=data["consulate"],
                    amount=data["amount"], memo=data["memo"])
        except ValidationError as error:
            _show_errors(request, error)
        else:
            step = "reallocate" if allocation.from_consulate_id else "consulate"
            messages.success(request, str(budget_sentence(allocation, step=step)))
    else:
        messages.error(request, _("Check the allocation and try again."))
    return redirect("grants:program_detail", pk=program.pk)


@login_required
@require_POST
def program_partner_cap(request, pk):
    Scope.of(request.user).require(Role.PROGRAM_ADMIN)
    program = get_object_or_404(GrantProgram, pk=pk)
    form = forms.PartnerCapForm(request.POST, prefix="cap")
    if form.is_valid():
        try:
            cap = services.grant_partner_cap_set(actor=request.user, program_id=program.pk,
                                                 **form.cleaned_data)
        except ValidationError as error:
            _show_errors(request, error)
        else:
            messages.success(request, str(budget_sentence(cap, step="partner_cap")))
    else:
        messages.error(request, _("Check the cap and try again."))
    return redirect("grants:program_detail", pk=program.pk)


@login_required
def report(request):
    _require_consulate_staff(request.user)
    rows, totals = selectors.granted_report(user=request.user)
    return render(request, "grants/report.html", {"rows": rows, "totals": totals})

