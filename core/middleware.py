import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from two_factor.utils import default_device

from core.client_ip import client_address
from core.request_context import reset_ip, reset_user, set_ip, set_user

# Session keys: when the user signed in and when the session was last used (epoch seconds).
SESSION_STARTED = "fianza_signed_in_at"
SESSION_SEEN = "fianza_seen_at"
# The last-use stamp is written at most this often, so most requests write no session.
SEEN_RESOLUTION = 60

# Views any signed-in user may open before the second factor: signing out, the language,
# the public pages and Stripe's webhook. Exact URL names, never path prefixes.
OPEN_BEFORE_SECOND_FACTOR = frozenset({
    "two_factor:login",
    "core:logout",
    "core:set_language",
    "set_language",
    "public:lookup",
    "public:subscribe",
    "payments:stripe_webhook",
})
# Only for a user with no device yet: the enrolment wizard of a session used for nothing else.
FIRST_DEVICE_SETUP = frozenset({"two_factor:setup", "two_factor:qr"})


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
    """The client address (through the trusted proxies) and the user, for audit events."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.client_address = client_address(request)
        ip_token = set_ip(request.client_address or None)
        user_token = set_user(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            reset_user(user_token)
            reset_ip(ip_token)


class SessionLifetimeMiddleware:
    """A session ends after FIANZA_SESSION_IDLE_MINUTES without a request, and in any case
    FIANZA_SESSION_MAX_HOURS after sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            started = request.session.get(SESSION_STARTED)
            seen = request.session.get(SESSION_SEEN, started)
            idle = settings.FIANZA_SESSION_IDLE_MINUTES * 60
            longest = settings.FIANZA_SESSION_MAX_HOURS * 3600
            if started is None or now - started > longest or now - seen > idle:
                logout(request)
                messages.info(request, _("Your session ended. Please sign in again."))
                return redirect_to_login(request.get_full_path())
            if now - seen >= SEEN_RESOLUTION:
                request.session[SESSION_SEEN] = now
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Every signed-in user works only after a second factor. Until then a session may open
    only the views named above, and the setup wizard while the user has no device yet."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        # Enrolled means a default device, as for the sign-in wizard, which asks for it.
        if default_device(user) is None:
            return None if name in FIRST_DEVICE_SETUP else redirect("two_factor:setup")
        # A password-only session of a user who has a device: sign in again, with the device.
        logout(request)
        return redirect_to_login(request.get_full_path())


class NoStoreMiddleware:
    """Nothing a signed-in user is shown is kept by a browser or proxy cache. A view that
    serves nothing personal may opt out with `core.middleware.cache_allowed`."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and not getattr(response, "fianza_cache_allowed", False):
            add_never_cache_headers(response)
        return response


def cache_allowed(view):
    """Mark a view's responses as free of personal data (NoStoreMiddleware leaves them be)."""

    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.fianza_cache_allowed = True
        return response

    wrapper.__name__, wrapper.__doc__ = view.__name__, view.__doc__
    return wrapper
