"""GET /healthz/: the database, the cache (Redis), the queue's workers, private storage and
the last nightly ledger and audit checks. 200 when all pass, 500 naming what failed.

The answer names services and states only, never data; it is exempt from sign-in by its
URL name, `ops:healthz`.
"""

import dataclasses
import datetime

from asgiref.sync import sync_to_async
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

NIGHTLY_CHECKS = ("ledger_verify", "audit_verify")


@dataclasses.dataclass
class NightlyChecks(HealthCheck):
    """The last run of each nightly self-check passed and is recent. A fund that has not
    had its first night yet has nothing to report and passes."""

    max_age: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(hours=36), repr=False)

    async def run(self):
        if not apps.is_installed("monitoring"):
            return
        # On the request's own thread and connection, not in a pool thread of its own.
        runs = await sync_to_async(_latest_runs, thread_sensitive=True)()
        for name in NIGHTLY_CHECKS:
            run = runs.get(name)
            if run is not None:
                self._judge(name, run)

    def _judge(self, name, run):
        if run.ok is False:
            raise ServiceUnavailable(f"the last {name} found problems")
        if run.started_at < timezone.now() - self.max_age:
            hours = int(self.max_age.total_seconds() // 3600)
            raise ServiceUnavailable(f"{name} has not run in the last {hours} hours")


def _latest_runs():
    from monitoring.selectors import latest_check_runs

    return latest_check_runs()


def _redis_client_factory(url):
    def factory():
        from redis.asyncio import Redis

        return Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)

    return factory


def health_checks():
    checks = [
        "health_check.checks.Database",
        "health_check.checks.Cache",
        "health_check.checks.Storage",
        (NightlyChecks,
         {"max_age": datetime.timedelta(hours=settings.FIANZA_NIGHTLY_MAX_AGE_HOURS)}),
    ]
    redis_url = getattr(settings, "FIANZA_REDIS_URL", "")
    if redis_url:
        checks.append(("health_check.contrib.redis.Redis",
                       {"client_factory": _redis_client_factory(redis_url)}))
    if getattr(settings, "CELERY_BROKER_URL", "") and not settings.CELERY_TASK_ALWAYS_EAGER:
        from config.celery import app as celery_app

        checks.append(("health_check.contrib.celery.Ping",
                       {"app": celery_app, "limit": 1,
                        "timeout": datetime.timedelta(seconds=2)}))
    return checks


class FianzaHealthView(HealthCheckView):
    def get_checks(self):
        self.checks = health_checks()
        return super().get_checks()
