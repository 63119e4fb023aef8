"""Program administration: partners, consulates, people and their roles (thin views)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from administration import forms, selectors, services
from administration.invitations import invitation_for_token

USER_PAGE_SIZE = 50


def _show_error(request, form, error):
    if hasattr(error, "error_dict") and form is not None:
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        for message in error.messages:
            messages.error(request, message)


def _link_base(request):
    return request.build_absolute_uri("/")


@login_required
def index(request):
    return render(request, "administration/index.html", {
        "headquarters": selectors.is_headquarters_administrator(request.user)})


# --- Partner organizations ---------------------------------------------------------------

@login_required
def partner_list(request):
    return render(request, "administration/partner_list.html", {
        "partners": selectors.partner_list(request.user),
        "headquarters": selectors.is_headquarters_administrator(request.user)})


def _partner_form(request, *, partner=None):
    consulates = selectors.consulates_administered_by(request.user).order_by("code")
    form = forms.PartnerForm(request.POST or None, instance=partner, consulates=consulates)
    if request.method == "POST" and form.is_valid():
        try:
            if partner is None:
                partner = services.partner_create(actor=request.user, **form.service_fields())
            else:
                services.partner_update(actor=request.user, partner_id=partner.pk,
                                        **form.service_fields())
        except ValidationError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("Partner organization %(name)s saved.")
                             % {"name": partner.name})
            return redirect("administration:partner_list")
    return render(request, "administration/partner_form.html", {
        "form": form, "partner": partner,
        "headquarters": selectors.is_headquarters_administrator(request.user)})


@login_required
def partner_create(request):
    selectors.administrator_scope(request.user)
    return _partner_form(request)


@login_required
def partner_edit(request, pk):
    return _partner_form(request, partner=selectors.partner_get(request.user, pk))


# --- Consulates -----------------------------------------------------------------------------

@login_required
def consulate_list(request):
    return render(request, "administration/consulate_list.html", {
        "consulates": selectors.consulates_administered_by(request.user).order_by("code"),
        "headquarters": selectors.is_headquarters_administrator(request.user)})


def _consulate_form(request, *, consulate=None):
    form = forms.ConsulateForm(request.POST or None, instance=consulate)
    if request.method == "POST" and form.is_valid():
        try:
            if consulate is None:
                consulate = services.consulate_create(actor=request.user,
                                                      **form.service_fields())
            else:
                services.consulate_update(actor=request.user, consulate_id=consulate.pk,
                                          **form.service_fields())
        except ValidationError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("Consulate %(code)s saved.") % {"code": consulate.code})
            return redirect("administration:consulate_list")
    return render(request, "administration/consulate_form.html",
                  {"form": form, "consulate": consulate})


@login_required
def consulate_create(request):
    if not selectors.is_headquarters_administrator(request.user):
        raise PermissionDenied
    return _consulate_form(request)


@login_required
def consulate_edit(request, pk):
    return _consulate_form(request, consulate=selectors.consulate_get(request.user, pk))


# --- People and their roles --------------------------------------------------------------------

def _membership_choices(user):
    return {"consulates": selectors.consulates_administered_by(user).order_by("code"),
            "partners": selectors.partners_administered_by(user).order_by("name")}


@login_required
def user_list(request):
    query = request.GET.get("q", "").strip()[:120]
    page = Paginator(selectors.user_list(request.user, query=query),
                     USER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "administration/user_list.html", {
        "page": page, "query": query, "querystring": urlencode({"q": query}) if query else ""})


@login_required
def user_invite(request):
    form = forms.InvitationForm(request.POST or None, **_membership_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            invited = services.user_invite(actor=request.user, link_base=_link_base(request),
                                           **form.cleaned_data)
        except ValidationError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("Invitation sent to %(email)s.")
                             % {"email": invited.email})
            return redirect("administration:user_detail", pk=invited.pk)
    return render(request, "administration/user_invite.html", {"form": form})


@login_required
def user_detail(request, pk):
    person = selectors.user_get(request.user, pk)
    form = forms.MembershipAddForm(request.POST or None, **_membership_choices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.membership_add(actor=request.user, user_id=person.pk, **form.cleaned_data)
        except ValidationError as error:
            _show_error(request, form, error)
        else:
            messages.success(request, _("Role added."))
            return redirect("administration:user_detail", pk=person.pk)
    return render(request, "administration/user_detail.html", {
        "person": person, "form": form,
        "invitation": selectors.last_invitation_of(person), "now": timezone.now()})


def _with_reason(request, pk, action, done):
    """Run a POSTed action that needs a reason; back to the person's page either way."""
    form = forms.ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the reason for the change."))
    else:
        try:
            action(comment=form.cleaned_data["comment"])
        except ValidationError as error:
            _show_error(request, None, error)
        else:
            messages.success(request, done)
    return redirect("administration:user_detail", pk=pk)


@require_POST
@login_required
def membership_remove(request, pk, membership_pk):
    selectors.user_get(request.user, pk)
    return _with_reason(request, pk, lambda comment: services.membership_remove(
        actor=request.user, membership_id=membership_pk, comment=comment), _("Role removed."))


@require_POST
@login_required
def user_deactivate(request, pk):
    return _with_reason(request, pk, lambda comment: services.user_deactivate(
        actor=request.user, user_id=pk, comment=comment), _("User deactivated."))


@require_POST
@login_required
def user_reactivate(request, pk):
    return _with_reason(request, pk, lambda comment: services.user_reactivate(
        actor=request.user, user_id=pk, comment=comment), _("User reactivated."))


@require_POST
@login_required
def invitation_resend(request, pk):
    selectors.user_get(request.user, pk)
    try:
        services.invitation_resend(actor=request.user, user_id=pk,
                                   link_base=_link_base(request))
    except ValidationError as error:
        _show_error(request, None, error)
    else:
        messages.success(request, _("A new invitation was sent. Earlier links no longer work."))
    return redirect("administration:user_detail", pk=pk)


# --- The invitee ------------------------------------------------------------------------------

def invitation_accept(request, token):
    """Open to anyone holding the link: set the first password, then enrol a second factor."""
    invitation = invitation_for_token(token)
    if invitation is None or not invitation.is_usable(now=timezone.now()):
        return render(request, "administration/invitation_accept.html", {"valid": False})
    form = SetPasswordForm(invitation.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(token=token,
                                              password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            _show_error(request, None, error)
            return render(request, "administration/invitation_accept.html", {"valid": False})
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your password is set. Now add the second factor you "
                                    "will sign in with."))
        return redirect("two_factor:setup")
    return render(request, "administration/invitation_accept.html",
                  {"valid": True, "form": form, "invitee": invitation.user})
