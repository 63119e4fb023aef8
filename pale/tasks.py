"""Scheduled PALE work; every task is safe to run twice."""

from celery import shared_task

from pale import services


@shared_task(name="pale.referrals_alert_overdue")
def referrals_alert_overdue():
    """Alert officers of referrals their advisor has not answered in time (once each)."""
    return services.referrals_alert_overdue()
