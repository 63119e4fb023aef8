"""What PALE does when payments says an advisor's invoice was paid or the money came back.

Payments sends these inside the transaction of its change (see payments/signals.py)."""

from pale import invoices


def on_paid(sender, disbursement, **kwargs):
    if disbursement.object_type == invoices.OBJECT_TYPE:
        invoices.invoice_mark_paid(disbursement=disbursement)


def on_reversed(sender, disbursement, **kwargs):
    if disbursement.object_type == invoices.OBJECT_TYPE:
        invoices.invoice_payment_reversed(disbursement=disbursement)
