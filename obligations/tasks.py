"""Scheduled work about obligations; every task is safe to run twice."""

from celery import shared_task

from obligations import escalations, reminders


@shared_task(name="obligations.tasks.reminders_send_due")
def reminders_send_due() -> int:
    """Reminders of hearings and check-ins that are due now (each sent once)."""
    return reminders.reminders_send_due()


@shared_task(name="obligations.tasks.bond_end_reminders")
def bond_end_reminders() -> int:
    """Unclaimed refunds (90, 180, 365 days), breach appeal deadlines and ICE's deadline to
    appeal a stayed release order (each step once)."""
    return (escalations.refund_claims_remind() + escalations.breach_appeals_remind()
            + escalations.stay_deadlines_remind())
