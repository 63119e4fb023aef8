"""What bondfund does when payments says money left, came back or never went.

Payments sends these inside the transaction of its change: our writes commit or roll back
with it (see payments/signals.py).
"""

from bondfund import services

OBJECT_TYPE = "bondfund.bondrequest"


def _ours(disbursement):
    return disbursement.object_type == OBJECT_TYPE


def on_paid(sender, disbursement, **kwargs):
    if _ours(disbursement):
        services.bond_request_disburse(disbursement=disbursement)


def on_reversed(sender, disbursement, **kwargs):
    if _ours(disbursement):
        services.bond_request_payment_reversed(disbursement=disbursement)


def on_failed(sender, disbursement, **kwargs):
    if _ours(disbursement):
        services.bond_request_payment_failed(disbursement=disbursement)
