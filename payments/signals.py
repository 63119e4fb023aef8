"""What payments tells the business apps. Every signal is sent INSIDE the transaction that
records the change, so a receiver's writes (ledger postings, its own state) commit or roll
back together with the disbursement. `sender` is always `payments.models.Disbursement`.

Receivers look at `disbursement.object_type` ("bondfund.bondrequest", "grants.grantapplication")
and ignore the others. A receiver that raises aborts the whole change: the disbursement
stays as it was and the caller (a finance approver's click, a Stripe webhook, which Stripe then
retries) sees the error.

disbursement_paid(disbursement)
    Money really left: a Stripe transfer exists, or a finance approver recorded an ACH, wire
    or check as sent. Sent at most once per disbursement. The receiver must call its own
    service (`bond_request_disburse` / `grant_application_disburse`), which posts
        ledger.funds.disburse(key=f"disburse:{disbursement.pk}",
                              reservation_key=disbursement.reservation_key,
                              amount=disbursement.amount, purpose="bond" | "grant",
                              actor_id=disbursement.released_by_id,
                              reference=str(disbursement.pk))
    and moves its object to `disbursed`. Use those keys: a replay then changes nothing.

disbursement_reversed(disbursement)
    A paid disbursement came back (Stripe transfer reversed). Sent at most once, always after
    disbursement_paid for the same disbursement (both may come in one transaction when
    Stripe's events arrive out of order). The receiver must call
        ledger.funds.disbursement_reverse(key=f"reverse:{disbursement.pk}",
                                          reservation_key=disbursement.reservation_key,
                                          reference=str(disbursement.pk))
    and put its object back where a new disbursement can be requested.

disbursement_failed(disbursement)
    Stripe refused the transfer before any money moved (`last_error` says why). Nothing was
    posted, so there is nothing to reverse: the reservation still stands and the business app
    may request a new disbursement for the same purpose.
"""

from django.dispatch import Signal

disbursement_paid = Signal()
disbursement_reversed = Signal()
disbursement_failed = Signal()
