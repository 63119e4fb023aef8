"""Backstops that need PostgreSQL: row locks under real concurrency, the trigger, CHECKs."""

import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, connections, transaction
from django.db.utils import DatabaseError
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from ledger import funds, services
from ledger.exceptions import (
    CapExceeded,
    IdempotencyConflict,
    InvalidTransfer,
    LimitExceeded,
)
from ledger.models import Account, Transfer
from ledger.verify import verify
from tests.ledger.factories import AccountFactory, LimitedAccountFactory, funded_program

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16


def run_threads(target, n=THREADS):
    barrier = threading.Barrier(n)
    results, errors = [None] * n, []

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 - collected and asserted on
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_racing_reservations_never_overspend():
    funded_program(program="bond:9", amount=100_000, consulates={1: 10_000}, caps={3: 7_000})

    def reserve(i):
        with transaction.atomic():
            return funds.reserve(key=f"race-{i}", program="bond:9", currency="USD",
                                 consulate_id=1, partner_id=3, amount=1_000)

    # 3 rounds of 16 racing threads: the partner cap (70.00) allows exactly 7 reservations.
    successes, refusals = 0, 0
    for round_ in range(3):
        results, errors = run_threads(lambda i, r=round_: reserve(r * THREADS + i))
        successes += sum(1 for r in results if r)
        refusals += len(errors)
        assert all(isinstance(e, CapExceeded) for e in errors), errors
    assert successes == 7 and refusals == 3 * THREADS - 7
    cap = Account.objects.get(key=funds.account_key("partner_cap", "bond:9", "USD",
                                                    partner_id=3))
    assert cap.debits_pending == 7_000
    assert verify() == []
    call_command("ledger_verify")


def test_racing_same_idempotency_key_makes_one_transfer():
    source, target = AccountFactory(), LimitedAccountFactory()

    def create(i):
        with transaction.atomic():
            return services.transfer_create(key="same-key", debit_account_id=source.pk,
                                            credit_account_id=target.pk, amount=500,
                                            code="fund").pk

    results, errors = run_threads(create)
    assert errors == []
    assert results == ["same-key"] * THREADS
    assert Transfer.objects.filter(pk="same-key").count() == 1
    target.refresh_from_db()
    assert target.credits_posted == 500
    assert verify() == []


def test_racing_posts_of_one_pending_resolve_it_once():
    source, target = AccountFactory(), AccountFactory()
    services.transfer_create(key="p", debit_account_id=source.pk, credit_account_id=target.pk,
                             amount=500, code="authorize", pending=True)

    def post(i):
        with transaction.atomic():
            return services.transfer_post(key=f"post-{i}", pending_id="p").pk

    results, errors = run_threads(post)
    assert len([r for r in results if r]) == 1
    assert len(errors) == THREADS - 1
    assert Transfer.objects.filter(pending_transfer_id="p").count() == 1
    assert verify() == []


@pytest.mark.parametrize("sql", [
    "UPDATE ledger_transfer SET amount = 1",
    "DELETE FROM ledger_transfer",
    "TRUNCATE ledger_transfer CASCADE",
])
def test_trigger_refuses_raw_update_delete_truncate(sql):
    source, target = AccountFactory(), AccountFactory()
    services.transfer_create(key="t", debit_account_id=source.pk, credit_account_id=target.pk,
                             amount=500, code="fund")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert Transfer.objects.get(pk="t").amount == 500


def test_unique_pending_id_at_database_level():
    source, target = AccountFactory(), AccountFactory()
    services.transfer_create(key="p", debit_account_id=source.pk, credit_account_id=target.pk,
                             amount=500, code="authorize", pending=True)
    services.transfer_void(key="v", pending_id="p")
    with pytest.raises(IntegrityError), transaction.atomic():
        Transfer.objects.create(id="v2", debit_account=source, credit_account=target, amount=500,
                                currency="USD", code="void", void_pending=True,
                                pending_transfer_id="p")


def test_check_constraint_holds_limited_counters():
    source, wallet = AccountFactory(), LimitedAccountFactory()
    services.transfer_create(key="t", debit_account_id=source.pk, credit_account_id=wallet.pk,
                             amount=500, code="fund")
    with pytest.raises(IntegrityError, match="account_debits_within_credits"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_account SET debits_pending = debits_pending + 501"
                           " WHERE id = %s", [wallet.pk])
    with transaction.atomic(), connection.cursor() as cursor:  # up to the limit is fine
        cursor.execute("UPDATE ledger_account SET debits_pending = 500 WHERE id = %s",
                       [wallet.pk])
    mirror = AccountFactory(credits_must_not_exceed_debits=True)
    with pytest.raises(IntegrityError, match="account_credits_within_debits"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE ledger_account SET credits_posted = 1 WHERE id = %s",
                           [mirror.pk])


def test_flush_still_empties_the_ledger():
    source, target = AccountFactory(), AccountFactory()
    services.transfer_create(key="t", debit_account_id=source.pk, credit_account_id=target.pk,
                             amount=500, code="fund")
    call_command("flush", interactive=False, verbosity=0)
    assert not Transfer.objects.exists()
    with pytest.raises((InternalError, DatabaseError)), transaction.atomic(), \
            connection.cursor() as cursor:
        cursor.execute("TRUNCATE ledger_transfer CASCADE")


def statements(queries):
    return [q["sql"] for q in queries.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")]


def all_counters():
    return list(Account.objects.order_by("pk").values_list(
        "pk", "debits_pending", "debits_posted", "credits_pending", "credits_posted"))


@pytest.mark.parametrize("pending", [False, True])
def test_one_transfer_is_one_statement_without_savepoint(pending):
    """The PostgreSQL path for a plain transfer: lock, limit check, insert and counters in one
    statement, in the caller's transaction (no savepoint: it writes all or nothing)."""
    source, target = AccountFactory(), LimitedAccountFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        made = services.transfer_create(key="t", debit_account_id=source.pk,
                                        credit_account_id=target.pk, amount=500, code="fund",
                                        pending=pending, reference="r", actor_id=7, memo="m",
                                        user_data=3)
    sql = statements(queries)
    assert not any("SAVEPOINT" in s for s in sql)
    assert len(sql) == 1
    # The returned transfer is the stored one, field for field, without reading it back.
    stored = Transfer.objects.get(pk="t")
    fields = [f.attname for f in Transfer._meta.concrete_fields]
    assert [getattr(made, f) for f in fields] == [getattr(stored, f) for f in fields]
    assert not made._state.adding
    target.refresh_from_db()
    assert (target.credits_pending, target.credits_posted) == ((500, 0) if pending else (0, 500))
    assert stored.credit_pending_after == target.credits_pending
    assert stored.credit_posted_after == target.credits_posted
    assert verify() == []


def test_replay_is_one_statement_and_a_read():
    source, target = AccountFactory(), LimitedAccountFactory()
    first = services.transfer_create(key="t", debit_account_id=source.pk,
                                     credit_account_id=target.pk, amount=500, code="fund")
    before = all_counters()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        again = services.transfer_create(key="t", debit_account_id=source.pk,
                                         credit_account_id=target.pk, amount=500, code="fund",
                                         memo="retry")
    assert len(statements(queries)) == 2
    assert again.pk == first.pk and again.memo == "" and again.created_at == first.created_at
    assert all_counters() == before and Transfer.objects.count() == 1


@pytest.fixture
def books():
    source = AccountFactory(name="Source")
    wallet = LimitedAccountFactory(name="Wallet")
    sink = AccountFactory(name="Sink")
    mirror = AccountFactory(name="Mirror", credits_must_not_exceed_debits=True)
    pesos = AccountFactory(name="Pesos", currency="MXN")
    services.transfer_create(key="seed", debit_account_id=source.pk,
                             credit_account_id=wallet.pk, amount=1_000, code="fund")
    services.transfer_create(key="seed-mirror", debit_account_id=mirror.pk,
                             credit_account_id=source.pk, amount=300, code="fund")
    return {"source": source, "wallet": wallet, "sink": sink, "mirror": mirror,
            "pesos": pesos}


REFUSALS = [
    # (debit, credit, amount, extra, exception, message, statements)
    ("wallet", "sink", 1_001, {}, LimitExceeded, "Transfer x: Wallet is short by USD 0.01.", 1),
    ("wallet", "sink", 1_000, {"pending": True, "code": "authorize"}, None, None, 1),
    ("source", "mirror", 301, {}, LimitExceeded, "Transfer x: Mirror is short by USD 0.01.", 1),
    ("wallet", "mirror", 2_000, {}, LimitExceeded,
     "Transfer x: Wallet is short by USD 10.00.", 1),  # both past: the debit side is named
    ("missing", "sink", 1, {}, InvalidTransfer, "Transfer x: There is no account 0.", 1),
    ("wallet", "missing", 1, {}, InvalidTransfer, "Transfer x: There is no account 0.", 1),
    ("wallet", "pesos", 1, {}, InvalidTransfer,
     "Transfer x: Wallet and Pesos do not share a currency.", 1),
    ("source", "sink", 1, {"key": "seed"}, IdempotencyConflict,
     "The idempotency key seed was already used with different content"
     " (credit_account_id).", 2),
]


@pytest.mark.parametrize(("debit", "credit", "amount", "extra", "error", "message", "n"),
                         REFUSALS)
def test_refusal_writes_nothing_in_one_statement(books, debit, credit, amount, extra, error,
                                                 message, n):
    books["missing"] = Account(pk=0)
    kwargs = {"key": "x", "debit_account_id": books[debit].pk,
              "credit_account_id": books[credit].pk, "amount": amount, "code": "disburse",
              **extra}
    if error is None:  # pending amounts count: reserve all, then the next cent is refused
        services.transfer_create(**kwargs)
        kwargs.update(key="y", amount=1, pending=False, code="disburse")
        error, message = LimitExceeded, "Transfer y: Wallet is short by USD 0.01."
    before, count = all_counters(), Transfer.objects.count()
    with transaction.atomic():
        with translation.override("en"), CaptureQueriesContext(connection) as queries:
            with pytest.raises(error) as exc:
                services.transfer_create(**kwargs)
            assert str(exc.value) == message
        assert len(statements(queries)) == n
        # The caller's transaction is intact and still usable.
        services.transfer_create(key="after", debit_account_id=books["source"].pk,
                                 credit_account_id=books["sink"].pk, amount=1, code="fund")
    assert not Transfer.objects.filter(pk=kwargs["key"]).exclude(pk="seed").exists()
    assert Transfer.objects.count() == count + 1
    after = dict((pk, rest) for pk, *rest in all_counters())
    for pk, *rest in before:
        if pk not in (books["source"].pk, books["sink"].pk):
            assert after[pk] == rest
    if isinstance(exc.value, LimitExceeded):
        name, cents = message.split(": ")[1].split(" is short by USD ")
        assert exc.value.account.name == name
        assert exc.value.account == Account.objects.get(name=name)
        assert exc.value.shortfall == int(cents.rstrip(".").replace(".", ""))
    assert verify() == []


def test_refusal_without_savepoint_changes_nothing_and_keeps_the_transaction():
    source, wallet, sink = AccountFactory(), LimitedAccountFactory(), AccountFactory()
    with transaction.atomic():
        services.transfer_create(key="seed", debit_account_id=source.pk,
                                 credit_account_id=wallet.pk, amount=1_000, code="fund")
        with pytest.raises(LimitExceeded):
            services.transfer_create(key="too-much", debit_account_id=wallet.pk,
                                     credit_account_id=sink.pk, amount=1_001, code="disburse")
        with pytest.raises(IdempotencyConflict):
            services.transfer_create(key="seed", debit_account_id=source.pk,
                                     credit_account_id=wallet.pk, amount=999, code="fund")
        # The transaction is still usable and holds only what succeeded.
        services.transfer_create(key="ok", debit_account_id=wallet.pk,
                                 credit_account_id=sink.pk, amount=400, code="disburse")
    assert not Transfer.objects.filter(pk="too-much").exists()
    wallet.refresh_from_db()
    assert (wallet.debits_posted, wallet.credits_posted) == (400, 1_000)
    assert verify() == []


def test_racing_transfers_through_hot_accounts_never_overspend():
    source, sink = AccountFactory(), AccountFactory()
    wallets = [LimitedAccountFactory() for _ in range(2)]
    for i, w in enumerate(wallets):
        services.transfer_create(key=f"seed-{i}", debit_account_id=source.pk,
                                 credit_account_id=w.pk, amount=1_000, code="fund")

    def spend(i):
        done = 0
        for n in range(10):
            try:
                with transaction.atomic():
                    services.transfer_create(key=f"spend-{i}-{n}",
                                             debit_account_id=wallets[n % 2].pk,
                                             credit_account_id=sink.pk, amount=30,
                                             code="disburse")
                done += 1
            except LimitExceeded:
                pass
        return done

    results, errors = run_threads(spend)
    assert errors == []
    assert sum(results) == 2 * (1_000 // 30)  # each wallet allows exactly 33
    sink.refresh_from_db()
    assert sink.credits_posted == sum(results) * 30
    assert verify() == []


def test_racing_same_key_with_different_content_stores_one():
    source, target = AccountFactory(), LimitedAccountFactory()

    def create(i):
        with transaction.atomic():
            return services.transfer_create(key="same-key", debit_account_id=source.pk,
                                            credit_account_id=target.pk, amount=500 + i % 2,
                                            code="fund").amount

    results, errors = run_threads(create)
    stored = Transfer.objects.get(pk="same-key")
    assert all(isinstance(e, IdempotencyConflict) and e.field == "amount" for e in errors)
    assert [r for r in results if r is not None] == [stored.amount] * (THREADS - len(errors))
    assert len(errors) == THREADS // 2  # every call with the other amount is refused
    target.refresh_from_db()
    assert target.credits_posted == stored.amount and verify() == []


def test_racing_transfers_both_ways_neither_deadlock_nor_overspend():
    """A -> B and B -> A at once: the single statement locks in id order (no deadlock), and
    each side's limit holds against the newest counters."""
    source = AccountFactory()
    a, b = LimitedAccountFactory(), LimitedAccountFactory()
    for i, w in enumerate((a, b)):
        services.transfer_create(key=f"seed-{i}", debit_account_id=source.pk,
                                 credit_account_id=w.pk, amount=100, code="fund")

    def spend(i):
        done = 0
        for n in range(20):
            debit, credit = (a, b) if (i + n) % 2 else (b, a)
            try:
                with transaction.atomic():
                    services.transfer_create(key=f"swap-{i}-{n}", debit_account_id=debit.pk,
                                             credit_account_id=credit.pk, amount=7 + i % 5,
                                             code="disburse")
                done += 1
            except LimitExceeded:
                pass
        return done

    results, errors = run_threads(spend)
    assert errors == []
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.available + b.available == 200 and a.available >= 0 and b.available >= 0
    assert Transfer.objects.filter(pk__startswith="swap-").count() == sum(results)
    assert verify() == []


def test_racing_credits_stop_at_a_credit_limit():
    """The limit on the credit side (credits_must_not_exceed_debits), under racing calls."""
    source = AccountFactory()
    mirror = AccountFactory(credits_must_not_exceed_debits=True)
    services.transfer_create(key="seed", debit_account_id=mirror.pk,
                             credit_account_id=source.pk, amount=1_000, code="fund")

    def give_back(i):
        done = 0
        for n in range(5):
            try:
                with transaction.atomic():
                    services.transfer_create(key=f"back-{i}-{n}", debit_account_id=source.pk,
                                             credit_account_id=mirror.pk, amount=30,
                                             code="refund")
                done += 1
            except LimitExceeded as exc:
                assert exc.account == mirror
        return done

    results, errors = run_threads(give_back)
    assert errors == [] and sum(results) == 1_000 // 30
    mirror.refresh_from_db()
    assert mirror.credits_posted == 30 * (1_000 // 30) and verify() == []
    # Stamped under the lock: in (created_at, id) order the running balances follow each other.
    running = list(Transfer.objects.filter(pk__startswith="back-").order_by("created_at", "id")
                   .values_list("credit_posted_after", flat=True))
    assert running == [-1_000 + 30 * n for n in range(1, sum(results) + 1)]
