from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation

from core.models import Role
from core.request_context import reset_ip, set_ip
from core.tenancy import Scope

SECOND_FACTOR_ROLES = (Role.FINANCE_APPROVER, Role.PROGRAM_ADMIN)


class UserLanguageMiddleware:
    """A signed-in user's chosen language wins over the browser's."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = set_ip(request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            reset_ip(token)


class SecondFactorRequiredMiddleware:
    """Finance approvers and program administrators work only after a second factor."""

    exempt_prefixes = ("/account/", "/i18n/", "/static/", "/status/", "/payments/webhooks/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(self.exempt_prefixes)
            and Scope.of(user).has_role(*SECOND_FACTOR_ROLES)
            and not user.is_verified()
        ):
            return redirect(reverse("two_factor:setup"))
        return self.get_response(request)
