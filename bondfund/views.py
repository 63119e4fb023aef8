from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from djmoney.money import Money

from bondfund import forms, selectors, services, services_bulk, services_programs
from bondfund.actions import ACTIONS
from bondfund.kind import BOND
from bondfund.models import AllocationKind, BondProgram, State
from bondfund.permissions import anyone_on_the_case
from casework.actions import actions_offered, case_action
from casework.bulk import cases_sign_many, with_signatures
from casework.forms_headcount import PeopleCapForm, SignManyForm
from casework.headcount import people_left, program_people_visible
from casework.money import money_shortfall
from casework.queue_sign import queue_sign_one
from casework.sentences import budget_sentence, case_sentence
from core.models import Role
from core.paging import keyset_page
from core.tenancy import Scope
from core.timezones import fund_today
from core.uploads import private_file_response

PAGE_SIZE = 25


def _error_text(exc):
    return " ".join(str(m) for m in exc.messages)


# Requests -----------------------------------------------------------------------------------

@login_required
def request_list(request):
    requests = selectors.bond_requests_visible_to(request.user)
    is_officer = Scope.of(request.user).has_role(Role.CONSULATE_OFFICER)
    state = request.GET.get("state", "")
    if state in State.values:
        requests = requests.filter(state=state)
    import_job = request.GET.get("import_job", "")
    if is_officer and import_job.isdigit():
        requests = requests.filter(pk__in=services_bulk.drafts_of_import(
            actor=request.user, import_job_id=int(import_job)).values("pk"))
    page = keyset_page(requests, request.GET, per_page=PAGE_SIZE)
    return render(request, "bondfund/request_list.html", {
        "page": page, "state": state, "states": State.choices, "is_officer": is_officer,
        "import_job": import_job if import_job.isdigit() else "",
    })


@login_required
@require_POST
def request_submit_many(request):
    """Submit the drafts ticked on the list, or every draft of one import, one by one."""
    ids = [int(v) for v in request.POST.getlist("request") if v.isdigit()]
    import_job = request.POST.get("import_job", "")
    if import_job.isdigit():
        ids += services_bulk.drafts_of_import(actor=request.user,
                                              import_job_id=int(import_job)).values_list(
                                                  "pk", flat=True)
    outcomes = services_bulk.bond_requests_submit_many(actor=request.user, request_ids=ids)
    if not outcomes:
        messages.error(request, _("Select at least one draft you may submit."))
        return redirect(f"{reverse('bondfund:request_list')}?state={State.DRAFT}")
    return render(request, "bondfund/request_submit_many.html", {
        "outcomes": outcomes, "submitted": sum(o.submitted for o in outcomes)})


@login_required
def request_detail(request, pk, bound=None):
    bond = selectors.bond_request_for(request.user, pk)
    return render(request, "bondfund/request_detail.html", {
        "bond": bond,
        "actions": actions_offered(ACTIONS, request.user, bond, bound),
        "shortfall": money_shortfall(BOND, bond)
        if services.is_finance(request.user, bond) else None,
        "history": selectors.bond_request_history(bond),
        "disbursements": selectors.disbursements_of(bond),
        "approvals": bond.approvals.select_related("approver"),
        "documents": bond.documents.all(),
        "problems": services.eligibility_problems(bond) if bond.state == State.DRAFT else [],
        "interest": selectors.interest_summary(bond),
        "may_edit": bond.state == State.DRAFT and services.is_officer(request.user, bond),
        "upload_form": forms.DocumentForm(prefix="doc")
        if anyone_on_the_case(request.user, bond) else None,
        "show_beneficiary_record": Scope.of(request.user).is_staff_of_consulates,
    }, status=400 if bound else 200)


@login_required
@require_POST
def request_action(request, pk, action):
    bond = selectors.bond_request_for(request.user, pk)
    return case_action(request, kind=BOND, actions=ACTIONS, case=bond, slug=action,
                       id_arg="request_id",
                       redisplay=lambda bound: request_detail(request, pk, bound=bound))


def _program_for_new_request(request, consulate_id):
    """The program asked for, or the only one open to the person's consulate; None when the
    officer must choose (never a program picked for them among several)."""
    today = fund_today()
    programs = (BondProgram.objects.prefetch_related("eligibility_questions")
                .filter(allocations__consulate_id=consulate_id).distinct().order_by("name"))
    open_programs = [p for p in programs if p.is_open_on(today)]
    wanted = request.GET.get("program") or request.POST.get("program")
    if wanted:
        program = next((p for p in open_programs if str(p.pk) == wanted), None)
        if program is None:
            raise Http404
        return program, open_programs
    return (open_programs[0] if len(open_programs) == 1 else None), open_programs


@login_required
def request_create(request):
    Scope.of(request.user).require(Role.CONSULATE_OFFICER)
    beneficiary_id = request.GET.get("beneficiary") or request.POST.get("beneficiary")
    if not (beneficiary_id or "").isdigit():
        messages.info(request, _("Choose the person the bond is for, then “Request a bond” "
                                 "on their page."))
        return redirect("core:beneficiary_list")
    beneficiary = selectors.beneficiary_for_bond(request.user, beneficiary_id)
    program, programs = _program_for_new_request(request, beneficiary.consulate_id)
    if program is None:
        return render(request, "bondfund/request_form.html", {
            "beneficiary": beneficiary, "programs": programs})
    form = forms.BondRequestForm(
        request.POST or None, program=program, consulate_id=beneficiary.consulate_id,
        obligors=services.obligor_choices(beneficiary.consulate_id))
    if request.method == "POST" and form.is_valid():
        try:
            bond = services.bond_request_create(actor=request.user, beneficiary=beneficiary,
                                               program=program, **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, str(case_sentence(BOND, bond, "create")))
            return redirect("bondfund:request_detail", pk=bond.pk)
    return render(request, "bondfund/request_form.html", {
        "form": form, "beneficiary": beneficiary, "program": program, "programs": programs,
    })


@login_required
def request_edit(request, pk):
    bond = selectors.bond_request_for(request.user, pk)
    if not services.is_officer(request.user, bond):
        raise PermissionDenied
    if bond.state != State.DRAFT:
        messages.error(request, _("Only a draft can be edited."))
        return redirect("bondfund:request_detail", pk=bond.pk)
    form = forms.BondRequestForm(
        request.POST or None, initial=forms.BondRequestForm.initial_from(bond),
        program=bond.program, consulate_id=bond.consulate_id,
        obligors=services.obligor_choices(bond.consulate_id))
    if request.method == "POST" and form.is_valid():
        try:
            services.bond_request_update(actor=request.user, request_id=bond.pk,
                                         **form.service_kwargs())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, str(case_sentence(BOND, bond, "update")))
            return redirect("bondfund:request_detail", pk=bond.pk)
    return render(request, "bondfund/request_form.html", {
        "form": form, "beneficiary": bond.beneficiary, "program": bond.program, "bond": bond,
    })


# Documents -----------------------------------------------------------------------------------

@login_required
@require_POST
def document_upload(request, pk):
    bond = selectors.bond_request_for(request.user, pk)
    form = forms.DocumentForm(request.POST, request.FILES, prefix="doc")
    if not form.is_valid():
        errors = [str(e) for errs in form.errors.values() for e in errs]
        messages.error(request, " ".join(errors))
        return redirect("bondfund:request_detail", pk=bond.pk)
    try:
        services.bond_document_upload(actor=request.user, request_id=bond.pk,
                                      kind=form.cleaned_data["kind"],
                                      checked=form.cleaned_data["file"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, str(case_sentence(BOND, bond, "document")))
    return redirect("bondfund:request_detail", pk=bond.pk)


@login_required
def document_download(request, pk, document_pk):
    bond = selectors.bond_request_for(request.user, pk)
    document = get_object_or_404(bond.documents, pk=document_pk)
    return private_file_response(document.storage_name, download_name=document.original_name,
                                 content_type=document.content_type)


# Queues -------------------------------------------------------------------------------------

@login_required
def approval_queue(request):
    Scope.of(request.user).require(Role.FINANCE_APPROVER)
    rows, next_cursor = selectors.approval_queue_for(request.user,
                                                     after=request.GET.get("after", ""))
    rows = with_signatures(rows)
    people_left(rows, partner_of=BOND.ledger_partner_of)
    return render(request, "bondfund/approval_queue.html", {
        "rows": rows, "next_cursor": next_cursor, "first_page": not request.GET.get("after"),
        "sign_form": SignManyForm(),
    })


def _bond_sign(*, actor, case_id, comment):
    return services.bond_request_approve(actor=actor, request_id=case_id, comment=comment)


@login_required
@require_POST
def approval_sign_one(request, pk):
    """Sign one request from its row of the queue (confirmed first)."""
    Scope.of(request.user).require(Role.FINANCE_APPROVER)
    bond = get_object_or_404(selectors.bond_requests_visible_to(request.user), pk=pk)
    return queue_sign_one(request, kind=BOND, case=bond, sign=_bond_sign,
                          queue_url="bondfund:approval_queue", columns=10)


@login_required
@require_POST
def approval_sign_many(request):
    """Sign the requests ticked on the queue, each as its own approval; say how each went."""
    Scope.of(request.user).require(Role.FINANCE_APPROVER)
    form = SignManyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _error_text(ValidationError(
            [e for errors in form.errors.values() for e in errors])))
        return redirect("bondfund:approval_queue")
    ids = form.cleaned_data["case"]
    found = selectors.bond_requests_visible_to(request.user).in_bulk(ids)
    if len(found) != len(ids):
        raise Http404
    outcomes = cases_sign_many(sign=_bond_sign, actor=request.user,
                               cases=[found[pk] for pk in ids],
                               comment=form.cleaned_data["comment"])
    return render(request, "casework/sign_outcomes.html", {
        "outcomes": outcomes, "queue_url": "bondfund:approval_queue",
        "detail_url": "bondfund:request_detail",
    })


@login_required
def refunds_due(request):
    # A bond reaches refund_due by its cancellation, which sets cancelled_on.
    page = keyset_page(selectors.refunds_due_visible_to(request.user)
                       .filter(cancelled_on__isnull=False), request.GET, per_page=PAGE_SIZE,
                       not_null=("cancelled_on",))
    return render(request, "bondfund/refunds_due.html", {
        "rows": selectors.with_days_due(page.object_list), "page": page,
        "overdue_days": selectors.OVERDUE_REFUND_DAYS,
    })


# Programs -----------------------------------------------------------------------------------

@login_required
def program_list(request):
    return render(request, "bondfund/program_list.html", {
        "programs": selectors.programs_visible_to(request.user),
        "may_create": services.is_program_admin(request.user),
    })


BUDGET_FORMS = {
    AllocationKind.FUND: forms.FundForm,
    AllocationKind.CONSULATE: forms.ConsulateAllocationForm,
    AllocationKind.REALLOCATE: forms.ReallocationForm,
    AllocationKind.PARTNER_CAP: forms.PartnerCapForm,
}


@login_required
def program_detail(request, pk, bound=None):
    program = get_object_or_404(selectors.programs_visible_to(request.user), pk=pk)
    budget_forms = []
    if services.is_program_admin(request.user):
        for kind, form_class in BUDGET_FORMS.items():
            form = bound[1] if bound and bound[0] == kind else form_class(prefix=kind)
            budget_forms.append((kind, AllocationKind(kind).label, form))
    return render(request, "bondfund/program_detail.html", {
        "program": program,
        "balances": selectors.program_balances(request.user, program),
        "questions": program.eligibility_questions.all(),
        "allocations": program.allocations.select_related(
            "consulate", "from_consulate", "partner", "created_by")[:50],
        "budget_forms": budget_forms,
        "people": program_people_visible(request.user, program, *selectors.PROGRAM_READERS),
        "people_form": (bound[1] if bound and bound[0] == "people" else PeopleCapForm(
            prefix="people")) if services.is_program_admin(request.user) else None,
    }, status=400 if bound else 200)


@login_required
@require_POST
def program_people_cap(request, pk):
    program = get_object_or_404(selectors.programs_visible_to(request.user), pk=pk)
    if not services.is_program_admin(request.user):
        raise PermissionDenied
    form = PeopleCapForm(request.POST, prefix="people")
    if not form.is_valid():
        return program_detail(request, pk, bound=("people", form))
    try:
        services_programs.program_people_cap_set(actor=request.user, program_id=program.pk,
                                                 **form.service_kwargs())
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("The people cap is set to %(n)s.")
                         % {"n": form.cleaned_data["count"]})
    return redirect("bondfund:program_detail", pk=program.pk)


@login_required
@require_POST
def program_budget(request, pk, kind):
    program = get_object_or_404(selectors.programs_visible_to(request.user), pk=pk)
    if not services.is_program_admin(request.user):
        raise PermissionDenied
    if kind not in BUDGET_FORMS:
        raise Http404
    form = BUDGET_FORMS[kind](request.POST, prefix=kind)
    if not form.is_valid():
        return program_detail(request, pk, bound=(kind, form))
    data = form.cleaned_data
    try:
        allocation = services.program_budget_change(
            actor=request.user, program_id=program.pk, kind=kind,
            amount=Money(data["amount"], program.currency), consulate=data.get("consulate"),
            from_consulate=data.get("from_consulate"), partner=data.get("partner"),
            memo=data.get("memo", ""))
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, str(budget_sentence(allocation, step=kind)))
    return redirect("bondfund:program_detail", pk=program.pk)


@login_required
def program_create(request):
    if not services.is_program_admin(request.user):
        raise PermissionDenied
    form = forms.ProgramForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            program = services.program_create(
                actor=request.user, name=data["name"],
                total_budget=Money(data["total_budget"], "USD"),
                per_case_maximum=Money(data["per_case_maximum"], "USD"),
                approval_tiers=data["approval_tiers"], starts_on=data["starts_on"],
                ends_on=data["ends_on"], questions=data["eligibility"],
                second_person_pays_above=data["second_person_pays_above"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, str(budget_sentence(program, step="create")))
            return redirect("bondfund:program_detail", pk=program.pk)
    return render(request, "bondfund/program_form.html", {"form": form})
