
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from core import selectors, services
from core.dashboard import panels_for
from core.forms import AuditFilterForm, BeneficiaryForm, FamilyContactForm, MergeForm
from core.merge import merges_of
from core.models import Role
from core.paging import keyset_page
from core.tenancy import Scope
from core.timeline import beneficiary_timeline
from core.validators import curp_conflicts
from core.whereabouts import current_location

AUDIT_PAGE_SIZE = 50


@login_required
def home(request):
    scope = Scope.of(request.user)
    context = {"can_create": scope.has_role(*selectors.BENEFICIARY_WRITERS),
               "panels": [p for p in panels_for(request.user, home=True) if p.home]}
    if scope.has_role(*selectors.BENEFICIARY_READERS):
        context["recent"] = selectors.recent_beneficiaries(request.user)
    return render(request, "core/home.html", context)


@login_required
def charts(request):
    """The program administrator's charts of the money, on one page."""
    Scope.of(request.user).require(Role.PROGRAM_ADMIN)
    panels = [p for p in panels_for(request.user) if p.charts]
    return render(request, "core/charts.html", {"panels": panels})


@login_required
def beneficiary_list(request):
    """Without a query, the user's records page by page; with one, the best matches across
    the network (others' records reduced to consulate and reference)."""
    query = request.GET.get("q", "").strip()[:120]
    scope = Scope.of(request.user)
    context = {"query": query, "can_create": scope.has_role(*selectors.BENEFICIARY_WRITERS)}
    if query:
        context["rows"] = selectors.beneficiary_search(request.user, query)
    else:
        beneficiaries = selectors.beneficiaries_visible_to(request.user)
        context["page"] = keyset_page(
            beneficiaries.order_by("family_names", "given_names", "pk"), request.GET,
            per_page=50)
    return render(request, "core/beneficiary_list.html", context)


def _matches_for(user, matches):
    """Matching records as this user may see them: details only within the user's scope."""
    visible = set(
        selectors.beneficiaries_visible_to(user)
        .filter(pk__in=[m.beneficiary.pk for m in matches])
        .values_list("pk", flat=True)
    ) if Scope.of(user).has_role(*selectors.BENEFICIARY_READERS) else set()
    return [{"match": m, "visible": m.beneficiary.pk in visible} for m in matches]


def _show_service_error(request, form, error):
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            messages.error(request, message)


@login_required
def beneficiary_create(request):
    consulates = selectors.consulates_for_new_beneficiaries(request.user)
    form = BeneficiaryForm(request.POST or None, consulates=consulates)
    matches, refused = [], False
    if request.method == "POST" and form.is_valid():
        try:
            beneficiary = services.beneficiary_create(
                actor=request.user,
                consulate=form.cleaned_data["consulate"],
                confirm_distinct=form.cleaned_data["confirm_distinct"],
                **form.service_fields(),
            )
        except (services.DuplicateRefused, services.DuplicateSuspected) as error:
            matches = _matches_for(request.user, error.matches)
            refused = isinstance(error, services.DuplicateRefused)
            messages.error(request, error.messages[0])
        except ValidationError as error:
            _show_service_error(request, form, error)
        else:
            messages.success(request, _("Beneficiary %(reference)s created.")
                             % {"reference": beneficiary.reference})
            _warn_curp(request, beneficiary)
            return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "core/beneficiary_form.html", {
        "form": form, "matches": matches, "refused": refused, "creating": True,
        "is_admin": Scope.of(request.user).has_role(Role.PROGRAM_ADMIN),
    })


def _warn_curp(request, beneficiary):
    _refusals, warnings = curp_conflicts(beneficiary.curp, sex=beneficiary.sex)
    for warning in warnings:
        messages.warning(request, warning)


@login_required
def beneficiary_detail(request, pk):
    beneficiary = selectors.beneficiary_get(request.user, pk)
    scope = Scope.of(request.user)
    return render(request, "core/beneficiary_detail.html", {
        "beneficiary": beneficiary,
        "family_contacts": beneficiary.family_contacts.all(),
        "timeline": beneficiary_timeline(beneficiary=beneficiary, user=request.user,
                                         readers=selectors.BENEFICIARY_READERS),
        "location": current_location(beneficiary.pk),
        "merges": merges_of(beneficiary) if scope.has_role(Role.PROGRAM_ADMIN) else (),
        "can_edit": not beneficiary.merged_into_id and scope.has_role(
            *selectors.BENEFICIARY_WRITERS
        ) and scope.reaches_consulate(beneficiary.consulate_id, *selectors.BENEFICIARY_WRITERS),
        "can_merge": not beneficiary.merged_into_id and scope.has_role(Role.PROGRAM_ADMIN),
    })


@login_required
def beneficiary_edit(request, pk):
    beneficiary = selectors.beneficiary_for_change(request.user, pk)
    form = BeneficiaryForm(request.POST or None, instance=beneficiary)
    matches = []
    if request.method == "POST" and form.is_valid():
        try:
            services.beneficiary_update(
                actor=request.user, beneficiary_id=beneficiary.pk, **form.service_fields()
            )
        except services.DuplicateRefused as error:
            matches = _matches_for(request.user, error.matches)
            messages.error(request, error.messages[0])
        except ValidationError as error:
            _show_service_error(request, form, error)
        else:
            messages.success(request, _("Changes saved."))
            beneficiary.refresh_from_db()
            _warn_curp(request, beneficiary)
            return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "core/beneficiary_form.html", {
        "form": form, "beneficiary": beneficiary, "matches": matches, "refused": bool(matches),
        "creating": False,
    })


@login_required
def family_contact_create(request, pk):
    beneficiary = selectors.beneficiary_for_change(request.user, pk)
    form = FamilyContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.family_contact_create(
                actor=request.user, beneficiary_id=beneficiary.pk, **form.cleaned_data
            )
        except ValidationError as error:
            _show_service_error(request, form, error)
        else:
            messages.success(request, _("Family contact added."))
            return redirect("core:beneficiary_detail", pk=beneficiary.pk)
    return render(request, "core/family_contact_form.html",
                  {"form": form, "beneficiary": beneficiary})


@require_POST
@login_required
def family_contact_delete(request, pk, contact_pk):
    beneficiary = selectors.beneficiary_for_change(request.user, pk)
    try:
        services.family_contact_delete(
            actor=request.user, beneficiary_id=beneficiary.pk, contact_id=contact_pk
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("Family contact removed."))
    return redirect("core:beneficiary_detail", pk=beneficiary.pk)


@login_required
def beneficiary_merge(request):
    if not Scope.of(request.user).has_role(Role.PROGRAM_ADMIN):
        raise PermissionDenied
    data = request.POST if request.method == "POST" else (request.GET or None)
    form = MergeForm(data)
    preview = None
    if data is not None and form.is_valid():
        survivor, duplicate = form.cleaned_data["survivor"], form.cleaned_data["duplicate"]
        if request.method == "POST":
            try:
                services.beneficiary_merge(
                    actor=request.user, survivor_id=survivor.pk, duplicate_id=duplicate.pk,
                    comment=form.cleaned_data["comment"],
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect("core:beneficiary_merge")
            messages.success(request, _("%(duplicate)s was merged into %(survivor)s.")
                             % {"duplicate": duplicate.reference,
                                "survivor": survivor.reference})
            return redirect("core:beneficiary_detail", pk=survivor.pk)
        preview = services.beneficiary_merge_preview(survivor=survivor, duplicate=duplicate)
        preview.update(survivor=survivor, duplicate=duplicate)
    return render(request, "core/beneficiary_merge.html", {"form": form, "preview": preview})


@login_required
def audit_list(request):
    if not Scope.of(request.user).has_role(*selectors.AUDIT_READERS):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, **selectors.audit_filter_choices())
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.audit_events_visible_to(request.user, **filters)
    page = selectors.keyset_page(events, before=_id_param(request, "before"),
                                 after=_id_param(request, "after"), size=AUDIT_PAGE_SIZE)
    query = request.GET.copy()
    for name in ("page", "before", "after"):
        query.pop(name, None)
    return render(request, "core/audit_list.html",
                  {"form": form, "page": page, "query": query.urlencode()})


def _id_param(request, name):
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@require_POST
def set_language(request):
    """Django's set_language, and for a signed-in user the choice is kept on their account."""
    response = django_set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(user=request.user, language=language)
    return response
