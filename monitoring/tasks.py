"""Scheduled jobs of monitoring (CELERY_BEAT_SCHEDULE); each is safe to run twice a day."""

from celery import shared_task

from monitoring import services


@shared_task(name="monitoring.tasks.nightly_checks")
def nightly_checks() -> dict:
    runs = services.nightly_checks_run()
    return {name: run.ok for name, run in runs.items()}


@shared_task(name="monitoring.tasks.ageing_scan")
def ageing_scan() -> dict:
    return services.ageing_scan()
