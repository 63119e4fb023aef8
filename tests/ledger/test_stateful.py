"""Random allocations, reservations, posts (full and partial), voids, reversals, cap changes and
repeated keys; after every step the books balance, the counters equal the sums of the transfers,
no limited account is past its limit, and the budget matches a plain model of it.

Deterministic (derandomize, no example database) so CI is not flaky: 40 runs of up
to 50 steps (about 2,000 steps).
"""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ledger import funds, selectors
from ledger.exceptions import (
    AlreadyResolved,
    CapExceeded,
    IdempotencyConflict,
    LimitExceeded,
)
from ledger.models import Account
from ledger.verify import verify

P, C = "grant:1", "USD"
CONSULATES = (1, 2)
PARTNERS = (7, 8)
amounts = st.integers(min_value=1, max_value=12_000)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.n = 0
        self.unallocated = 0
        self.budget = {("c", c): [0, 0, 0] for c in CONSULATES}  # available, reserved, committed
        self.budget.update({("p", p): [0, 0, 0] for p in PARTNERS})
        self.reservations = {}
        self.done = []  # (function, kwargs) that succeeded, for retries

    def teardown(self):
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    def key(self):
        self.n += 1
        return f"k{self.n}"

    def call(self, fn, **kwargs):
        result = fn(**kwargs)
        self.done.append((fn, kwargs))
        return result

    @initialize(amount=st.integers(min_value=10_000, max_value=60_000))
    def open_program(self, amount):
        funds.program_open(program=P, currency=C)
        self.call(funds.program_fund, key=self.key(), program=P, currency=C, amount=amount)
        self.unallocated = amount

    @rule(consulate=st.sampled_from(CONSULATES), amount=amounts)
    def allocate(self, consulate, amount):
        kwargs = {"key": self.key(), "program": P, "currency": C, "consulate_id": consulate,
                  "amount": amount}
        if amount > self.unallocated:
            with pytest.raises(LimitExceeded) as exc:
                funds.consulate_allocate(**kwargs)
            assert exc.value.shortfall == amount - self.unallocated
            return
        self.call(funds.consulate_allocate, **kwargs)
        self.unallocated -= amount
        self.budget[("c", consulate)][0] += amount

    @rule(amount=amounts)
    def reallocate(self, amount):
        kwargs = {"key": self.key(), "program": P, "currency": C, "from_consulate_id": 1,
                  "to_consulate_id": 2, "amount": amount}
        available = self.budget[("c", 1)][0]
        if amount > available:
            with pytest.raises(CapExceeded) as exc:
                funds.consulate_reallocate(**kwargs)
            assert (exc.value.cap, exc.value.shortfall) == ("consulate", amount - available)
            return
        self.call(funds.consulate_reallocate, **kwargs)
        self.budget[("c", 1)][0] -= amount
        self.budget[("c", 2)][0] += amount

    @rule(partner=st.sampled_from(PARTNERS), cap=st.integers(min_value=0, max_value=30_000))
    def set_cap(self, partner, cap):
        available, reserved, committed = self.budget[("p", partner)]
        kwargs = {"key": self.key(), "program": P, "currency": C, "partner_id": partner,
                  "amount": cap}
        if cap < reserved + committed:
            with pytest.raises(CapExceeded) as exc:
                funds.partner_cap_set(**kwargs)
            assert exc.value.shortfall == reserved + committed - cap
            return
        self.call(funds.partner_cap_set, **kwargs)
        self.budget[("p", partner)][0] = cap - reserved - committed

    @rule(consulate=st.sampled_from(CONSULATES), partner=st.sampled_from((None, *PARTNERS)),
          amount=amounts)
    def reserve(self, consulate, partner, amount):
        key = self.key()
        kwargs = {"key": key, "program": P, "currency": C, "consulate_id": consulate,
                  "partner_id": partner, "amount": amount}
        sides = [("c", consulate)] + ([("p", partner)] if partner else [])
        short = [(s, amount - self.budget[s][0]) for s in sides if self.budget[s][0] < amount]
        if short:
            with pytest.raises(CapExceeded) as exc:
                funds.reserve(**kwargs)
            side, shortfall = short[0]
            assert exc.value.cap == ("consulate" if side[0] == "c" else "partner")
            assert exc.value.shortfall == shortfall
            return
        self.call(funds.reserve, **kwargs)
        for s in sides:
            self.budget[s][0] -= amount
            self.budget[s][1] += amount
        self.reservations[key] = {"sides": sides, "amount": amount, "state": "pending"}

    def _pick(self, data, state):
        keys = sorted(k for k, r in self.reservations.items() if r["state"] == state)
        return data.draw(st.sampled_from(keys)) if keys else None

    @precondition(lambda self: any(r["state"] == "pending" for r in self.reservations.values()))
    @rule(data=st.data(), share=st.sampled_from((1, 2, 3, 4)),
          purpose=st.sampled_from(("bond", "grant")))
    def disburse(self, data, share, purpose):
        key = self._pick(data, "pending")
        r = self.reservations[key]
        paid = max(1, r["amount"] * share // 4)  # 1/4, 1/2, 3/4 or all of it
        self.call(funds.disburse, key=self.key(), reservation_key=key, amount=paid,
                  purpose=purpose)
        for s in r["sides"]:
            self.budget[s][0] += r["amount"] - paid
            self.budget[s][1] -= r["amount"]
            self.budget[s][2] += paid
        r.update(state="posted", paid=paid)

    @precondition(lambda self: any(r["state"] == "pending" for r in self.reservations.values()))
    @rule(data=st.data())
    def release(self, data):
        key = self._pick(data, "pending")
        r = self.reservations[key]
        self.call(funds.release, key=self.key(), reservation_key=key)
        for s in r["sides"]:
            self.budget[s][0] += r["amount"]
            self.budget[s][1] -= r["amount"]
        r["state"] = "voided"

    @precondition(lambda self: any(r["state"] == "posted" for r in self.reservations.values()))
    @rule(data=st.data())
    def reverse(self, data):
        key = self._pick(data, "posted")
        r = self.reservations[key]
        self.call(funds.disbursement_reverse, key=self.key(), reservation_key=key)
        for s in r["sides"]:
            self.budget[s][0] += r["paid"]
            self.budget[s][2] -= r["paid"]
        r["state"] = "reversed"

    @precondition(lambda self: any(r["state"] in ("posted", "voided", "reversed")
                                   for r in self.reservations.values()))
    @rule(data=st.data())
    def resolve_again(self, data):
        keys = sorted(k for k, r in self.reservations.items() if r["state"] != "pending")
        key = data.draw(st.sampled_from(keys))
        with pytest.raises(AlreadyResolved):
            if data.draw(st.booleans()):
                funds.release(key=self.key(), reservation_key=key)
            else:
                funds.disburse(key=self.key(), reservation_key=key, amount=1, purpose="grant")

    @precondition(lambda self: self.done)
    @rule(data=st.data())
    def retry(self, data):
        fn, kwargs = data.draw(st.sampled_from(self.done))
        before = _all_counters()
        fn(**kwargs)
        assert _all_counters() == before

    @precondition(lambda self: any(fn is not funds.release and fn is not
                                   funds.disbursement_reverse for fn, _ in self.done))
    @rule(data=st.data())
    def retry_with_other_content(self, data):
        candidates = [(fn, kw) for fn, kw in self.done
                      if fn not in (funds.release, funds.disbursement_reverse)]
        fn, kwargs = data.draw(st.sampled_from(candidates))
        with pytest.raises(IdempotencyConflict):
            fn(**{**kwargs, "amount": kwargs["amount"] + 1})

    @invariant()
    def books_are_sound(self):
        assert verify() == []

    @invariant()
    def budget_matches_model(self):
        if not self.done:
            return
        assert selectors.budget_position(program=P, currency=C).unallocated == self.unallocated
        rows = {("c", r.consulate_id) if r.kind == "consulate" else ("p", r.partner_id): r
                for r in selectors.reconciliation(program=P)}
        for side, (available, reserved, committed) in self.budget.items():
            row = rows.get(side)
            got = (row.available, row.reserved, row.allocated - row.available - row.reserved) \
                if row else (0, 0, 0)
            assert got == (available, reserved, committed), side


def _all_counters():
    return list(Account.objects.order_by("pk").values_list(
        "debits_pending", "debits_posted", "credits_pending", "credits_posted"))


@pytest.mark.django_db
def test_ledger_state_machine():
    run_state_machine_as_test(LedgerMachine, settings=settings(
        max_examples=40, stateful_step_count=50, derandomize=True, database=None,
        deadline=None, suppress_health_check=list(HealthCheck)))
