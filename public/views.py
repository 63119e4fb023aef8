from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.client_ip import client_address
from core.selectors import beneficiary_get
from core.tenancy import Scope
from public.forms import LookupForm, StageSubscribeForm
from public.selectors import consulate_for_reference, family_hotline, family_status
from public.services import CARD_ISSUERS, family_lookup_perform, reference_card_issue
from public.subscriptions import stage_subscribe, subscription_token
from public.whereabouts import family_whereabouts


def spanish_first(view):
    """Spanish unless the visitor chose a language (cookie) or signed in with one."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        chose = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if not chose and not request.user.is_authenticated:
            translation.activate("es")
            request.LANGUAGE_CODE = "es"
        return view(request, *args, **kwargs)

    return wrapper


@never_cache
@require_http_methods(["GET", "POST"])
@spanish_first
def lookup(request):
    """Rendered in answer to the POST (no redirect): the date of birth never enters a URL."""
    form = LookupForm(request.POST or None)
    context = {"form": form, "hotline": family_hotline()}
    if request.method != "POST" or not form.is_valid():
        return render(request, "public/lookup.html", context)
    result = family_lookup_perform(
        reference=form.cleaned_data["reference"],
        date_of_birth=form.cleaned_data["date_of_birth"],
        client_address=client_address(request),
    )
    if result.found:
        status = family_status(result.beneficiary, reference=result.reference)
        return render(request, "public/found.html", {
            **context, "status": status,
            "whereabouts": family_whereabouts(result.beneficiary),
            "subscribe_form": StageSubscribeForm(
                initial={"token": subscription_token(result.beneficiary)}),
        })
    if result.locked:
        consulate = (consulate_for_reference(result.reference)
                     if result.locked_by == "reference" else None)
        return render(request, "public/locked.html", {**context, "consulate": consulate},
                      status=429)
    context["form"] = LookupForm(initial={"reference": result.reference})
    return render(request, "public/lookup.html", {**context, "not_found": True})


@login_required
@require_http_methods(["GET", "POST"])
def reference_card(request, pk):
    beneficiary = beneficiary_get(request.user, pk)
    if request.method == "POST":
        try:
            document, pdf = reference_card_issue(
                actor=request.user, beneficiary_id=beneficiary.pk,
                lookup_url=request.build_absolute_uri(reverse("public:lookup")),
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect("public:reference_card", pk=beneficiary.pk)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
        return response
    return render(request, "public/reference_card.html", {
        "beneficiary": beneficiary,
        "may_issue": Scope.of(request.user).has_role(*CARD_ISSUERS),
        "lookup_url": request.build_absolute_uri(reverse("public:lookup")),
    })


@never_cache
@require_http_methods(["POST"])
@spanish_first
def subscribe(request):
    """The family's request for a message when the stage changes (from the found page)."""
    form = StageSubscribeForm(request.POST)
    context = {"hotline": family_hotline(), "subscribe_form": form}
    if form.is_valid():
        try:
            stage_subscribe(token=form.cleaned_data["token"],
                            mobile_number=form.cleaned_data["mobile_number"],
                            channel=form.cleaned_data["channel"],
                            language=translation.get_language())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "public/subscribed.html", context)
    return render(request, "public/subscribed.html", context, status=400)
