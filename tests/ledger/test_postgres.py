"""Backstops that need PostgreSQL: row locks under real concurrency, the trigger, CHECKs."""

import threading

import pytest
from django.core.management import call_command
from django.db import IntegrityError, InternalError, connection, connections, transaction
from django.db.utils import DatabaseError

from ledger import funds, services
from ledger.exceptions import CapExceeded, IdempotencyConflict, LimitExceeded
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


def test_one_transfer_is_two_statements_without_savepoint():
    """The PostgreSQL path: lock (and replay probe), then insert + counters, in the caller's
    transaction; no savepoint since nothing is written before the last statement."""
    from django.test.utils import CaptureQueriesContext

    source, target = AccountFactory(), LimitedAccountFactory()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        services.transfer_create(key="t", debit_account_id=source.pk,
                                 credit_account_id=target.pk, amount=500, code="fund")
    sql = [q["sql"] for q in queries.captured_queries]
    assert not any("SAVEPOINT" in s for s in sql)
    assert len([s for s in sql if s not in ("BEGIN", "COMMIT")]) == 2
    target.refresh_from_db()
    assert target.credits_posted == 500 and verify() == []


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
