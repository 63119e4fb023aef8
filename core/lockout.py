"""Sign-in lockouts: django-axes locks one account from one client after AXES_FAILURE_LIMIT
failures; this handler also locks a client that fails against many accounts (password
spraying) after FIANZA_CLIENT_FAILURE_LIMIT failures in the cool-off period, whatever the
usernames it tried."""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

DEFAULT_CLIENT_FAILURE_LIMIT = 20


def client_failure_limit() -> int:
    return getattr(settings, "FIANZA_CLIENT_FAILURE_LIMIT", DEFAULT_CLIENT_FAILURE_LIMIT)


class ClientLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials=None) -> int:
        """Axes compares this with its limit, both before and after a failure: a client over
        its own limit counts as having reached the account limit too."""
        failures = super().get_failures(request, credentials)
        if self.client_failures(request) >= client_failure_limit():
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def client_failures(request) -> int:
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        attempts = AccessAttempt.objects.filter(ip_address=address)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
        return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
