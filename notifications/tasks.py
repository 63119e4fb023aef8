"""Queue entry points. Each task is idempotent: running it twice sends nothing twice."""

from celery import shared_task

from notifications import delivery


@shared_task(name="notifications.tasks.notification_deliver")
def notification_deliver(notification_id: int) -> str:
    return delivery.deliver(notification_id)


@shared_task(name="notifications.tasks.notifications_sweep")
def notifications_sweep() -> int:
    return delivery.sweep()
