"""Scheduled jobs of the family lookup; each is safe to run twice."""

from celery import shared_task

from public.subscriptions import family_stage_notify


@shared_task(name="public.tasks.family_stage_notify")
def family_stage_notify_task() -> int:
    return family_stage_notify()
