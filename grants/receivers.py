"""What grants does when payments says money left, came back or never went.

Payments sends these inside the transaction of its change: our writes commit or roll back
with it (see payments/signals.py).
"""

from grants import services

OBJECT_TYPE = "grants.grantapplication"


def _ours(disbursement):
    return disbursement.object_type == OBJECT_TYPE


def on_paid(sender, disbursement, **kwargs):
    if _ours(disbursement):
        services.grant_application_disburse(disbursement=disbursement)


def on_reversed(sender, disbursement, **kwargs):
    if _ours(disbursement):
        services.grant_application_payment_reversed(disbursement=disbursement)


def on_failed(sender, disbursement, **kwargs):
    if _ours(disbursement):
        services.grant_application_payment_failed(disbursement=disbursement)
