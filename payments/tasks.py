"""Stripe reconciliation on the queue (payments.services.reconciliation_run does the work and
keeps its period rule); the nightly run is monitoring's `stripe_reconcile` check, and a person
starts one from the reconciliation page (`stripe_reconcile_enqueue`)."""

import datetime
import logging

from celery import shared_task
from celery.result import EagerResult
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from core.tenancy import Scope
from payments.selectors import RECONCILIATION_ROLES
from payments.services import reconciliation_run

logger = logging.getLogger(__name__)


@shared_task(name="payments.tasks.stripe_reconcile", acks_late=True)
def stripe_reconcile(date_from: str, date_to: str, actor_id: int | None = None) -> dict:
    """Reconcile a period (ISO dates) as `actor_id` (None: the schedule); a new run row."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    try:
        run = reconciliation_run(actor=actor, date_from=datetime.date.fromisoformat(date_from),
                                 date_to=datetime.date.fromisoformat(date_to))
    except ValidationError as exc:
        logger.warning("Stripe reconciliation of %s to %s did not run", date_from, date_to)
        return {"ok": False, "error": " ".join(exc.messages)}
    return {"ok": not run.differences, "run": run.pk, "differences": len(run.differences)}


def stripe_reconcile_enqueue(*, actor, date_from: datetime.date,
                             date_to: datetime.date) -> dict | None:
    """Queue the reconciliation of a period as `actor`; the worker writes the run and its
    audit event. Nothing is written here, so there is no commit to wait for. Without a broker
    the run happens now and its outcome is returned (None: a worker will run it)."""
    Scope.of(actor).require(*RECONCILIATION_ROLES)
    if date_to < date_from:
        raise ValidationError(_("The period ends before it starts."))
    result = stripe_reconcile.delay(date_from.isoformat(), date_to.isoformat(), actor.pk)
    return result.result if isinstance(result, EagerResult) else None
