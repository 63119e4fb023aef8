"""The nightly checks: each returns (ok, summary). Summaries hold counts and identifiers of
accounts, events and payments, never a person's data."""

import logging

from django.core.exceptions import ValidationError

from monitoring.models import CheckName

logger = logging.getLogger(__name__)
SHOWN_PROBLEMS = 5


def _listed(problems, found):
    shown = "; ".join(str(p) for p in problems[:SHOWN_PROBLEMS])
    more = f" (and {len(problems) - SHOWN_PROBLEMS} more)" if len(problems) > SHOWN_PROBLEMS \
        else ""
    return f"{len(problems)} {found}: {shown}{more}"


def ledger_check(day):
    from ledger.verify import verify

    problems = verify()
    if problems:
        return False, _listed(problems, "break(s) in the books")
    return True, "The books balance: every counter matches its transfers."


def audit_check(day):
    from core.audit import audit_verify
    from core.models import AuditEvent

    problems = audit_verify()
    if problems:
        return False, _listed([f"event {event_id}: {problem}" for event_id, problem in problems],
                              "break(s) in the audit chain")
    return True, f"The audit chain is intact: {AuditEvent.objects.count()} events."


def stripe_check(day):
    from payments import stripe_gateway
    from payments.services import reconciliation_run

    if not stripe_gateway.is_configured():
        return True, "Stripe is not configured: payments are recorded by hand, nothing to match."
    try:
        run = reconciliation_run(actor=None, date_from=day, date_to=day)
    except ValidationError:
        return False, "Stripe could not be read; the reconciliation will run again tomorrow."
    summary = (f"{run.stripe_transfers} Stripe transfer(s), {run.matched} matched, "
               f"{len(run.differences)} difference(s) (reconciliation run {run.pk}).")
    return not run.differences, summary


CHECKS = {
    CheckName.LEDGER: ledger_check,
    CheckName.AUDIT: audit_check,
    CheckName.STRIPE: stripe_check,
}
