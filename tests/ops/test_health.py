"""/healthz/ answers for a load balancer or a monitor: without signing in, naming what
failed and never any data."""

import datetime
from dataclasses import dataclass

import pytest
import time_machine
from django.urls import reverse
from health_check.exceptions import ServiceUnavailable

from ops.health import NightlyChecks

NOW = datetime.datetime(2026, 3, 2, 6, 0, tzinfo=datetime.UTC)


def test_health_answers_200_without_signing_in(client, db):
    response = client.get(reverse("ops:healthz"), HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    body = response.json()
    assert set(body.values()) == {"OK"}
    names = " ".join(body)
    for check in ("Database", "Cache", "Storage", "NightlyChecks"):
        assert check in names
    assert "no-cache" in response["Cache-Control"]


def test_health_fails_naming_storage_when_documents_cannot_be_written(client, db, settings,
                                                                    tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(blocker / "private")}}}

    response = client.get("/healthz/?format=json")

    assert response.status_code == 500
    failed = [name for name, state in response.json().items() if state != "OK"]
    assert len(failed) == 1 and failed[0].startswith("Storage")
    assert str(tmp_path) not in response.content.decode()


def test_redis_and_the_queue_are_checked_when_configured(settings):
    from ops.health import health_checks

    settings.FIANZA_REDIS_URL = "redis://127.0.0.1:6379/4"
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6379/4"
    settings.CELERY_TASK_ALWAYS_EAGER = False
    names = [c[0] if isinstance(c, tuple) else c for c in health_checks()]

    assert "health_check.contrib.redis.Redis" in names
    assert "health_check.contrib.celery.Ping" in names


@dataclass
class Run:
    """The shape of monitoring's CheckRun that the health check reads."""

    name: str
    started_at: datetime.datetime
    finished_at: datetime.datetime | None
    ok: bool | None  # None while it runs
    summary: str = ""


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("run, problem", [
    (Run("ledger_verify", NOW - datetime.timedelta(hours=5),
         NOW - datetime.timedelta(hours=5), True), None),
    (Run("ledger_verify", NOW - datetime.timedelta(hours=5),
         NOW - datetime.timedelta(hours=5), False), "the last ledger_verify found problems"),
    (Run("audit_verify", NOW - datetime.timedelta(hours=37),
         NOW - datetime.timedelta(hours=37), True), "audit_verify has not run in the last 36"),
    (Run("audit_verify", NOW - datetime.timedelta(minutes=2), None, None), None),
])
def test_a_failed_or_stale_nightly_check_fails_health(run, problem):
    check = NightlyChecks(max_age=datetime.timedelta(hours=36))
    if problem is None:
        check._judge(run.name, run)
    else:
        with pytest.raises(ServiceUnavailable, match=problem):
            check._judge(run.name, run)


@time_machine.travel(NOW, tick=False)
def test_health_reports_a_failed_nightly_ledger_check(client, db):
    from monitoring.models import CheckRun

    CheckRun.objects.create(name="audit_verify", day=NOW.date(), started_at=NOW,
                            finished_at=NOW, ok=True, summary="intact")
    CheckRun.objects.create(name="ledger_verify", day=NOW.date(), started_at=NOW,
                            finished_at=NOW, ok=False, summary="1 break")

    response = client.get("/healthz/?format=json")

    assert response.status_code == 500
    failed = {name: state for name, state in response.json().items() if state != "OK"}
    assert list(failed.values()) == ["Unavailable: the last ledger_verify found problems"]
