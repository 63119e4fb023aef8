"""Every write to the books. Call inside the caller's transaction.atomic(); a refused call
changes nothing.

Order of work in `transfers_create`: resolve the specs (fill a post/void/reversal from the
transfer it refers to), answer a retry from what is stored, lock the accounts in id order, check
phase and limits against the locked counters, insert the transfers, move the counters with F().

On PostgreSQL a single plain transfer (one that resolves or reverses nothing) takes ONE
statement (see `_create_plain_postgresql`): it locks both accounts in id order, checks the
limits against the locked counters, inserts the transfer (ON CONFLICT DO NOTHING) and moves the
counters, all or nothing; a refusal is then named by the same Python checks, from the locked
rows it returns. Any other call takes two statements (see `_create_postgresql`): one locks the
accounts in id order and says whether any key is already stored; one inserts the transfers
(ON CONFLICT DO NOTHING) and moves the counters only if every row went in. Nothing is written
before the last statement, so a call inside the caller's transaction needs no savepoint: a
refusal is raised before any write (a linked group that went in only in part marks the
caller's block for rollback).
"""

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import timedelta
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger.exceptions import (
    AlreadyResolved,
    AlreadyReversed,
    IdempotencyConflict,
    InvalidTransfer,
    LedgerError,
    LimitExceeded,
    UnknownTransfer,
)
from ledger.models import Account, Book, Currency, Transfer, TransferCode
from ledger.money import format_amount

logger = logging.getLogger(__name__)

COUNTERS = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
# The fields a retry must repeat exactly; actor and memo are annotations, not content.
CONTENT_FIELDS = ("debit_account_id", "credit_account_id", "amount", "currency", "code",
                  "pending", "post_pending", "void_pending", "pending_id", "reversal_of_id",
                  "user_data", "reference")

# The instant the transfers being created took effect in the world, when that is not the
# instant they are recorded (a historical case replayed): set by `effective`.
_EFFECTIVE_AT: ContextVar = ContextVar("ledger_effective_at", default=None)


@contextmanager
def effective(instant):
    """Every transfer created inside takes effect at `instant` (an aware datetime), recorded
    now: its created_at is the recording clock, its effective_at this instant. Outside,
    effective_at equals created_at."""
    if instant is None or timezone.is_naive(instant):
        raise ValueError("effective() needs an aware datetime")
    token = _EFFECTIVE_AT.set(instant)
    try:
        yield instant
    finally:
        _EFFECTIVE_AT.reset(token)


def effective_or(recorded_at):
    """The effective instant of a transfer recorded at `recorded_at`."""
    return _EFFECTIVE_AT.get() or recorded_at


@dataclass(frozen=True)
class TransferSpec:
    """What a caller asks for. For a post, void or reversal the accounts (and the amount, when
    None) are taken from the transfer it refers to."""

    id: str
    debit_account_id: int | None = None
    credit_account_id: int | None = None
    amount: int | None = None
    code: str = ""
    currency: str = ""
    pending: bool = False
    post_pending: bool = False
    void_pending: bool = False
    pending_id: str | None = None
    reversal_of_id: str | None = None
    user_data: int | None = None
    reference: str = ""
    actor_id: int | None = None
    memo: str = ""


def account_open(*, key, book, code, currency, name, program_ref, consulate_ref=None,
                 partner_ref=None, debits_must_not_exceed_credits=False,
                 credits_must_not_exceed_debits=False) -> Account:
    """Create the account or return the one with this key (its counters start at zero)."""
    if book not in Book.values or currency not in Currency.values:
        raise InvalidTransfer(_("Unknown book or currency."))
    account, _created = Account.objects.get_or_create(
        key=key,
        defaults={
            "book": book, "code": code, "currency": currency, "name": name,
            "program_ref": program_ref, "consulate_ref": consulate_ref,
            "partner_ref": partner_ref,
            "debits_must_not_exceed_credits": debits_must_not_exceed_credits,
            "credits_must_not_exceed_debits": credits_must_not_exceed_debits,
        },
    )
    return account


def transfer_create(*, key, debit_account_id, credit_account_id, amount, code, pending=False,
                    reference="", actor_id=None, memo="", user_data=None) -> Transfer:
    spec = TransferSpec(id=key, debit_account_id=debit_account_id,
                        credit_account_id=credit_account_id, amount=amount, code=code,
                        pending=pending, reference=reference, actor_id=actor_id, memo=memo,
                        user_data=user_data)
    return transfers_create(transfers=[spec])[0]


def transfer_post(*, key, pending_id, amount=None, reference="", actor_id=None,
                  memo="") -> Transfer:
    """Post a pending transfer for `amount` (all of it when None); the rest is released."""
    spec = TransferSpec(id=key, post_pending=True, pending_id=pending_id, amount=amount,
                        code=TransferCode.POST, reference=reference, actor_id=actor_id,
                        memo=memo)
    return transfers_create(transfers=[spec])[0]


def transfer_void(*, key, pending_id, reference="", actor_id=None, memo="") -> Transfer:
    spec = TransferSpec(id=key, void_pending=True, pending_id=pending_id,
                        code=TransferCode.VOID, reference=reference, actor_id=actor_id,
                        memo=memo)
    return transfers_create(transfers=[spec])[0]


def transfer_reverse(*, key, transfer_id, amount=None, reference="", actor_id=None,
                     memo="") -> Transfer:
    """A new transfer the other way for a posted one (all of it when amount is None)."""
    spec = TransferSpec(id=key, reversal_of_id=transfer_id, amount=amount,
                        code=TransferCode.REVERSAL, reference=reference, actor_id=actor_id,
                        memo=memo)
    return transfers_create(transfers=[spec])[0]


def transfers_create_batch(*, transfers) -> list:
    """Many independent transfers (a TransferSpec) and linked chains (a list of them) in one
    lock pass and one write; one `ledger.batch.TransferResult` per item (see ledger/batch.py)."""
    from ledger import batch  # batch builds on this module's checks

    return batch.transfers_create_batch(transfers=transfers)


def transfers_create(*, transfers, linked="") -> list[Transfer]:
    """Create linked transfers: all of them or none. A refusal names the failing transfer."""
    specs = list(transfers)
    try:
        return _transfers_create(specs, linked)
    except LedgerError as exc:
        # Every refused money operation leaves a line an operator can find by its key.
        logger.warning("Ledger refused %s, group %s: %s", type(exc).__name__,
                       linked or (specs[0].id if specs else "-"), exc,
                       extra={"refusal": type(exc).__name__})
        raise


def _transfers_create(specs, linked):
    if not specs:
        return []
    if len({s.id for s in specs}) != len(specs):
        raise InvalidTransfer(_("The same key appears twice in one group."))
    if len(specs) > 1 and not linked:
        linked = specs[0].id
    specs = _resolve(specs)
    if connection.vendor == "postgresql":
        return _create_postgresql(specs, linked)
    stored = _replay(specs)
    if stored is not None:
        return stored
    try:
        with transaction.atomic():
            return _apply(specs, linked)
    except IntegrityError:
        # A concurrent call with the same key (or resolving the same pending transfer)
        # committed first: answer as a retry would, or say what was lost.
        stored = _replay(specs)
        if stored is not None:
            return stored
        _check_unresolved(specs)
        raise


def _resolve(specs):
    refs = {s.pending_id for s in specs if s.pending_id} | {
        s.reversal_of_id for s in specs if s.reversal_of_id}
    found = Transfer.objects.in_bulk(list(refs)) if refs else {}
    return [_resolve_one(s, found) for s in specs]


def _resolve_one(spec, found):
    if spec.pending_id or spec.post_pending or spec.void_pending:
        return _resolve_resolution(spec, found)
    if spec.reversal_of_id:
        return _resolve_reversal(spec, found)
    if spec.amount is None:
        raise InvalidTransfer(_("A transfer needs an amount."), transfer_id=spec.id)
    return spec


def _resolve_resolution(spec, found):
    if spec.post_pending == spec.void_pending or not spec.pending_id:
        raise InvalidTransfer(_("A post or void needs exactly one of its flags and pending_id."),
                              transfer_id=spec.id)
    pending = found.get(spec.pending_id)
    if pending is None:
        raise UnknownTransfer(spec.pending_id, transfer_id=spec.id)
    if not pending.pending:
        raise InvalidTransfer(_("%(id)s is not a pending transfer.") % {"id": pending.id},
                              transfer_id=spec.id)
    amount = pending.amount if spec.amount is None or spec.void_pending else spec.amount
    if spec.void_pending and spec.amount not in (None, pending.amount):
        raise InvalidTransfer(_("A void releases the whole pending amount."),
                              transfer_id=spec.id)
    if amount > pending.amount:
        raise InvalidTransfer(
            _("The post exceeds the pending amount by %(excess)s.") % {
                "excess": format_amount(amount - pending.amount, pending.currency)},
            transfer_id=spec.id)
    return _same_sides(spec, pending, amount)


def _resolve_reversal(spec, found):
    original = found.get(spec.reversal_of_id)
    if original is None:
        raise UnknownTransfer(spec.reversal_of_id, transfer_id=spec.id)
    if original.pending or original.void_pending:
        raise InvalidTransfer(_("Only a posted transfer can be reversed; void a pending one."),
                              transfer_id=spec.id)
    amount = original.amount if spec.amount is None else spec.amount
    if amount > original.amount:
        raise InvalidTransfer(_("The reversal exceeds the original amount."),
                              transfer_id=spec.id)
    return replace(spec, debit_account_id=original.credit_account_id,
                   credit_account_id=original.debit_account_id, amount=amount,
                   currency=original.currency, code=spec.code or TransferCode.REVERSAL)


def _same_sides(spec, pending, amount):
    for side in ("debit_account_id", "credit_account_id"):
        given = getattr(spec, side)
        if given is not None and given != getattr(pending, side):
            raise InvalidTransfer(_("A post or void must keep the pending transfer's accounts."),
                                  transfer_id=spec.id)
    code = spec.code or (TransferCode.POST if spec.post_pending else TransferCode.VOID)
    return replace(spec, debit_account_id=pending.debit_account_id,
                   credit_account_id=pending.credit_account_id, amount=amount,
                   currency=pending.currency, code=code)


def _replay(specs):
    """The stored transfers if every key exists with the same content; None if none exist."""
    stored = Transfer.objects.in_bulk([s.id for s in specs])
    if not stored:
        return None
    for spec in specs:
        transfer = stored.get(spec.id)
        if transfer is None:
            raise IdempotencyConflict(spec.id, field="linked")
        _compare(spec, transfer)
    return [stored[s.id] for s in specs]


def _compare(spec, transfer):
    for name in CONTENT_FIELDS:
        wanted = getattr(spec, name)
        if name == "currency" and not wanted:
            continue
        have = transfer.pending_transfer_id if name == "pending_id" else getattr(transfer, name)
        if _blank(wanted) != _blank(have):
            raise IdempotencyConflict(spec.id, field=name)


def _blank(value):
    return None if value in ("", None) else value


def _apply(specs, linked):
    accounts = _lock_accounts(specs)
    _check_unresolved(specs)
    rows, deltas = _plan(specs, accounts, linked)
    Transfer.objects.bulk_create(rows)
    _write_counters(deltas)
    return rows


def _plan(specs, accounts, linked, now=None):
    """The rows to insert and the counter deltas, checked against the locked counters."""
    now = now or timezone.now()
    deltas = {pk: dict.fromkeys(COUNTERS, 0) for pk in accounts}
    rows = []
    pendings = _pending_amounts(specs)
    for i, spec in enumerate(specs):
        spec = _with_currency(spec, accounts)
        _move(spec, accounts, deltas, pendings)
        rows.append(_row(spec, accounts, linked, now + timedelta(microseconds=i)))
    return rows, deltas


def _lock_accounts(specs):
    ids = {s.debit_account_id for s in specs} | {s.credit_account_id for s in specs}
    locked = Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    accounts = {a.pk: a for a in locked}
    _check_accounts(specs, accounts)
    return accounts


def _check_accounts(specs, accounts):
    for spec in specs:
        for pk in (spec.debit_account_id, spec.credit_account_id):
            if pk not in accounts:
                raise InvalidTransfer(_("There is no account %(id)s.") % {"id": pk},
                                      transfer_id=spec.id)


def _check_unresolved(specs):
    """With the accounts locked, a concurrent post or void of the same pending is visible."""
    ids = [s.pending_id for s in specs if s.pending_id]
    done = set(Transfer.objects.filter(pending_transfer_id__in=ids)
               .values_list("pending_transfer_id", flat=True)) if ids else ()
    for spec in specs:
        if spec.pending_id in done:
            raise AlreadyResolved(spec.pending_id, transfer_id=spec.id)
    reversed_ids = [s.reversal_of_id for s in specs if s.reversal_of_id]
    done = set(Transfer.objects.filter(reversal_of_id__in=reversed_ids)
               .values_list("reversal_of_id", flat=True)) if reversed_ids else ()
    for spec in specs:
        if spec.reversal_of_id in done:
            raise AlreadyReversed(spec.reversal_of_id, transfer_id=spec.id)


def _pending_amounts(specs):
    ids = [s.pending_id for s in specs if s.pending_id]
    return dict(Transfer.objects.filter(pk__in=ids).values_list("pk", "amount")) if ids else {}


def _with_currency(spec, accounts):
    debit, credit = accounts[spec.debit_account_id], accounts[spec.credit_account_id]
    if debit.pk == credit.pk:
        raise InvalidTransfer(_("A transfer needs two different accounts."), transfer_id=spec.id)
    if debit.currency != credit.currency or spec.currency not in ("", debit.currency):
        raise InvalidTransfer(
            _("%(debit)s and %(credit)s do not share a currency.") % {
                "debit": debit.name, "credit": credit.name},
            transfer_id=spec.id)
    if spec.amount < 0:
        raise InvalidTransfer(_("The amount must not be negative."), transfer_id=spec.id)
    return replace(spec, currency=debit.currency)


def _move(spec, accounts, deltas, pendings):
    """Apply one transfer to the in-memory counters, then refuse it if a limit is passed."""
    debit, credit = accounts[spec.debit_account_id], accounts[spec.credit_account_id]
    changes = _counter_changes(spec, pendings.get(spec.pending_id, 0))
    for account, side in ((debit, "debits"), (credit, "credits")):
        for phase, amount in changes.items():
            field = f"{side}_{phase}"
            setattr(account, field, getattr(account, field) + amount)
            deltas[account.pk][field] += amount
    for account in (debit, credit):
        shortfall = _past_limit(account)
        if shortfall:
            raise LimitExceeded(account, shortfall, transfer_id=spec.id)


def _counter_changes(spec, pending_amount):
    if spec.pending:
        return {"pending": spec.amount}
    if spec.post_pending:
        return {"pending": -pending_amount, "posted": spec.amount}
    if spec.void_pending:
        return {"pending": -pending_amount}
    return {"posted": spec.amount}


def _past_limit(account):
    if account.debits_must_not_exceed_credits:
        return max(0, account.debits_pending + account.debits_posted - account.credits_posted)
    if account.credits_must_not_exceed_debits:
        return max(0, account.credits_pending + account.credits_posted - account.debits_posted)
    return 0


def _row(spec, accounts, linked, created_at):
    debit, credit = accounts[spec.debit_account_id], accounts[spec.credit_account_id]
    return Transfer(
        id=spec.id, debit_account_id=debit.pk, credit_account_id=credit.pk, amount=spec.amount,
        currency=spec.currency, code=spec.code, pending=spec.pending,
        post_pending=spec.post_pending, void_pending=spec.void_pending,
        pending_transfer_id=spec.pending_id, reversal_of_id=spec.reversal_of_id,
        linked=linked, user_data=spec.user_data, reference=spec.reference,
        actor_id=spec.actor_id, memo=spec.memo, created_at=created_at,
        debit_pending_after=debit.credits_pending - debit.debits_pending,
        debit_posted_after=debit.credits_posted - debit.debits_posted,
        credit_pending_after=credit.credits_pending - credit.debits_pending,
        credit_posted_after=credit.credits_posted - credit.debits_posted,
        effective_at=effective_or(created_at),
    )


def _write_counters(deltas):
    """One UPDATE for every touched account: counter = counter + delta (F expressions)."""
    changed = {pk: d for pk, d in deltas.items() if any(d.values())}
    if not changed:
        return
    updates = {}
    for field in COUNTERS:
        whens = [When(pk=pk, then=Value(d[field])) for pk, d in changed.items() if d[field]]
        if whens:
            updates[field] = F(field) + Case(*whens, default=Value(0))
    Account.objects.filter(pk__in=list(changed)).update(**updates)




# PostgreSQL: the same steps in two statements -------------------------------------------------
#
# The ORM path above costs 6 round trips (replay SELECT, SAVEPOINT, SELECT ... FOR UPDATE,
# INSERT, UPDATE, RELEASE) and most of a transfer's CPU goes to compiling those queries (the
# CASE/WHEN counter update above all). Here: one SELECT ... FOR UPDATE that also counts the
# keys already stored, then one statement that inserts the transfers with ON CONFLICT DO
# NOTHING and moves the counters only if every transfer was inserted. A concurrent call that
# stored the same key (or resolved the same pending transfer) first makes the insert a no-op,
# so nothing is written and the call is answered as the ORM path answers an IntegrityError.

class _Lost(Exception):
    """The insert found a key or a resolution a concurrent call committed first."""


_ACCOUNT_FIELDS = [f for f in Account._meta.concrete_fields]
# The outer SELECT reads clock_timestamp() as each row leaves the lock (the last row: once
# every lock is held): created_at comes from one clock, after the locks, on both paths.
_LOCK_SQL = (
    "SELECT locked.*, clock_timestamp() FROM (SELECT {columns},"
    " (SELECT count(*) FROM ledger_transfer WHERE id = ANY(%s))"
    " FROM ledger_account WHERE id = ANY(%s) ORDER BY id FOR UPDATE) AS locked"
).format(columns=", ".join(f'"{f.column}"' for f in _ACCOUNT_FIELDS))
_TRANSFER_COLUMNS = (
    "id", "debit_account_id", "credit_account_id", "amount", "currency", "code", "pending",
    "post_pending", "void_pending", "pending_id", "reversal_of_id", "linked", "user_data",
    "reference", "actor_id", "memo", "created_at", "debit_pending_after", "debit_posted_after",
    "credit_pending_after", "credit_posted_after", "effective_at")
_TRANSFER_ATTRS = tuple("pending_transfer_id" if c == "pending_id" else c
                        for c in _TRANSFER_COLUMNS)
_write_sql_cache = {}


def _create_postgresql(specs, linked):
    try:
        if len(specs) == 1 and _is_plain(specs[0]):
            return [_create_plain_postgresql(specs[0], linked)]
        if connection.in_atomic_block:
            # Nothing is written before the last statement of `_apply_postgresql`, and a
            # refusal is raised before it: the caller's transaction needs no savepoint. That
            # statement moves the counters only if every row went in; when only some did
            # (a racing call stored some of the keys), it marks the caller's block for
            # rollback, so those rows can never commit.
            return _apply_postgresql(specs, linked)
        # No transaction of the caller's: the lock must last until the write.
        with transaction.atomic():
            return _apply_postgresql(specs, linked)
    except _Lost:
        stored = _replay(specs)
        if stored is not None:
            return stored
        _check_unresolved(specs)
        raise IntegrityError(
            f"ledger transfer {specs[0].id}: a concurrent write conflicted") from None


def _apply_postgresql(specs, linked):
    accounts, stored, now = _lock_accounts_postgresql(specs)
    if stored:
        replayed = _replay(specs)
        if replayed is not None:
            return replayed
    _check_accounts(specs, accounts)
    _check_unresolved(specs)
    rows, deltas = _plan(specs, accounts, linked, now)
    inserted = _insert_and_move(rows, deltas)
    if inserted and inserted != len(rows):
        transaction.set_rollback(True)
        raise IntegrityError(f"ledger transfer {specs[0].id}: part of a linked group "
                             "conflicted with a concurrent write")
    if inserted != len(rows):
        raise _Lost
    for row in rows:
        row._state.adding, row._state.db = False, connection.alias
    return rows


def _lock_accounts_postgresql(specs):
    """Lock the accounts in id order; how many of the keys are stored (None: unknown); the
    database's clock once the locks are held."""
    ids = sorted({pk for s in specs for pk in (s.debit_account_id, s.credit_account_id)
                  if pk is not None})
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_SQL, [[s.id for s in specs], ids])
        found = cursor.fetchall()
    names = [f.attname for f in _ACCOUNT_FIELDS]
    accounts = {}
    for values in found:
        account = Account.from_db(connection.alias, names, values[:-2])
        accounts[account.pk] = account
    if not found:
        return accounts, None, None
    return accounts, found[0][-2], max(values[-1] for values in found)


def _insert_and_move(rows, deltas):
    """Insert the rows and move the counters only if every row went in; how many went in."""
    changed = [(pk, *(d[c] for c in COUNTERS)) for pk, d in sorted(deltas.items())
               if any(d.values())]
    sql = _write_sql(len(rows), len(changed))
    params = [getattr(row, attr) for row in rows for attr in _TRANSFER_ATTRS]
    params += [value for values in changed for value in values]
    params.append(len(rows))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        inserted, _moved = cursor.fetchone()
    return inserted


def _write_sql(n_rows, n_accounts):
    sql = _write_sql_cache.get((n_rows, n_accounts))
    if sql is not None:
        return sql
    one = "(" + ", ".join(["%s"] * len(_TRANSFER_COLUMNS)) + ")"
    insert = (f"INSERT INTO ledger_transfer ({', '.join(_TRANSFER_COLUMNS)})"
              f" VALUES {', '.join([one] * n_rows)} ON CONFLICT DO NOTHING RETURNING 1")
    if n_accounts:
        typed = "(" + ", ".join(["%s::bigint"] * 5) + ")"
        values = ", ".join([typed] + ["(%s, %s, %s, %s, %s)"] * (n_accounts - 1))
        sets = ", ".join(f"{c} = a.{c} + d.{c}" for c in COUNTERS)
        update = (f"UPDATE ledger_account AS a SET {sets}"
                  f" FROM (VALUES {values}) AS d (id, {', '.join(COUNTERS)})"
                  " WHERE a.id = d.id AND (SELECT count(*) FROM ins) = %s RETURNING 1")
    else:  # nothing moves (zero amounts): keep the parameter count the same
        update = "SELECT 1 WHERE %s IS NULL"
    sql = (f"WITH ins AS ({insert}), upd AS ({update})"
           " SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd)")
    _write_sql_cache[(n_rows, n_accounts)] = sql
    return sql


# PostgreSQL, one plain transfer: one statement ----------------------------------------------
#
# A single transfer that resolves or reverses nothing (posted or pending, the hot path) is
# locked, checked, inserted and counted in ONE statement (`_PLAIN_SQL`), so a hot account's
# row lock is held for that one round trip plus the caller's COMMIT:
#
#   lk   SELECT ... ORDER BY id FOR UPDATE: locks the two accounts in id order (a locking
#        SELECT sorts first, then locks row by row) and reads their latest counters.
#   nw   the counters after the transfer, from the locked rows.
#   ok   both accounts exist, share the currency, and every limit holds after the change
#        (the same test as `_past_limit`; the CHECK constraints stay the backstop).
#   ins  INSERT ... SELECT ... WHERE ok ON CONFLICT (id) DO NOTHING: the transfer, with the
#        running balances, only if ok; a key already stored (or committed meanwhile by a
#        racing call) inserts nothing. created_at is the database's clock_timestamp(), read
#        once the locks are held, so an account's transfers are stamped in lock order (the
#        order of their running balances), as the two-statement path does.
#   upd  moves the counters of the locked rows only if the transfer went in.
#
# The statement returns whether the row went in, whether the key was already stored, and the
# locked account rows. Nothing else is asked of the database when it went in; otherwise the
# same Python checks as the ORM path run on the locked rows, in the same order, to raise the
# same refusal (a replay reads the stored transfer). Every CTE of one statement shares one
# snapshot, but the locking SELECT and the UPDATE both act on the newest row version (READ
# COMMITTED re-checks a row that changed while it waited), and ON CONFLICT sees keys
# committed after the snapshot: racing calls neither overspend nor store a key twice.

_LOCKED_COLUMNS = ", ".join(f'"{f.column}"' for f in _ACCOUNT_FIELDS)
_PARAM_TYPES = {"key": "varchar", "d": "bigint", "c": "bigint", "amount": "bigint",
                "currency": "varchar", "code": "varchar", "pending": "boolean",
                "linked": "varchar", "user_data": "bigint", "reference": "varchar",
                "actor_id": "integer", "memo": "varchar", "effective_at": "timestamptz"}


def _p(name):
    return f"%({name})s::{_PARAM_TYPES[name]}"


def _delta(side, phase):
    account = _p("d") if side == "debits" else _p("c")
    when = _p("pending") if phase == "pending" else f"NOT {_p('pending')}"
    return f"CASE WHEN id = {account} AND {when} THEN {_p('amount')} ELSE 0 END"


_PLAIN_SQL = f"""
WITH lk AS MATERIALIZED (
    SELECT {_LOCKED_COLUMNS} FROM ledger_account
    WHERE id IN ({_p("d")}, {_p("c")}) ORDER BY id FOR UPDATE
), nw AS MATERIALIZED (
    SELECT id, currency, debits_must_not_exceed_credits AS dl, clock_timestamp() AS at,
        credits_must_not_exceed_debits AS cl,
        {", ".join(f"{_delta(*c.split('_'))} AS d_{c}" for c in COUNTERS)},
        {", ".join(f"{c} + {_delta(*c.split('_'))} AS {c}" for c in COUNTERS)}
    FROM lk
), ok AS (
    SELECT count(*) = 2 AND min(currency) = max(currency)
        AND {_p("currency")} IN ('', min(currency))
        AND bool_and(NOT dl OR debits_pending + debits_posted <= credits_posted)
        AND bool_and(NOT cl OR credits_pending + credits_posted <= debits_posted) AS ok
    FROM nw
), ins AS (
    INSERT INTO ledger_transfer ({", ".join(_TRANSFER_COLUMNS)})
    SELECT {_p("key")}, d.id, c.id, {_p("amount")}, d.currency, {_p("code")},
        {_p("pending")}, false, false, NULL, NULL, {_p("linked")}, {_p("user_data")},
        {_p("reference")}, {_p("actor_id")}, {_p("memo")}, greatest(d.at, c.at),
        d.credits_pending - d.debits_pending, d.credits_posted - d.debits_posted,
        c.credits_pending - c.debits_pending, c.credits_posted - c.debits_posted,
        coalesce({_p("effective_at")}, greatest(d.at, c.at))
    FROM ok, nw AS d, nw AS c
    WHERE ok.ok AND d.id = {_p("d")} AND c.id = {_p("c")}
    ON CONFLICT (id) DO NOTHING
    RETURNING created_at
), upd AS (
    UPDATE ledger_account AS a
    SET {", ".join(f"{c} = a.{c} + nw.d_{c}" for c in COUNTERS)}
    FROM nw WHERE a.id = nw.id AND EXISTS (SELECT FROM ins)
    RETURNING 1
)
SELECT (SELECT created_at FROM ins), (SELECT count(*) FROM upd),
    EXISTS (SELECT FROM ledger_transfer WHERE id = {_p("key")}), lk.*
FROM (VALUES (1)) AS one (x) LEFT JOIN lk ON true
ORDER BY lk.id
"""
# `_plain_row` builds a Transfer positionally, in the order of its concrete fields.
assert [f.attname for f in Transfer._meta.concrete_fields] == list(_TRANSFER_ATTRS)


def _is_plain(spec):
    """A single transfer the one statement can do: it resolves or reverses nothing, and the
    refusals that need no account (same account, negative amount) are left to the general
    path, so that they keep their order after the replay check."""
    return (not (spec.pending_id or spec.reversal_of_id or spec.post_pending
                 or spec.void_pending)
            and type(spec.debit_account_id) is int and type(spec.credit_account_id) is int
            and spec.debit_account_id != spec.credit_account_id
            and type(spec.amount) is int and spec.amount >= 0
            and type(spec.pending) is bool)


def _create_plain_postgresql(spec, linked):
    params = {"key": spec.id, "d": spec.debit_account_id, "c": spec.credit_account_id,
              "amount": spec.amount, "currency": spec.currency, "code": spec.code,
              "pending": spec.pending, "linked": linked, "user_data": spec.user_data,
              "reference": spec.reference, "actor_id": spec.actor_id, "memo": spec.memo,
              "effective_at": _EFFECTIVE_AT.get()}
    with _prepared_cursor() as cursor:
        cursor.execute(_PLAIN_SQL, params)
        found = cursor.fetchall()
    created_at, _moved, stored = found[0][:3]
    locked = [values[3:] for values in found if values[3] is not None]
    if created_at is not None:  # the transfer went in
        return _plain_row(spec, linked, created_at, locked)
    if stored:
        replayed = _replay([spec])
        if replayed is not None:
            return replayed[0]
    # Nothing was written: raise the refusal the ORM path would, from the locked rows.
    names = [f.attname for f in _ACCOUNT_FIELDS]
    accounts = {}
    for values in locked:
        account = Account.from_db(connection.alias, names, values)
        accounts[account.pk] = account
    _check_accounts([spec], accounts)
    spec = _with_currency(spec, accounts)
    _move(spec, accounts, {pk: dict.fromkeys(COUNTERS, 0) for pk in accounts}, {})
    raise _Lost  # every check passes: a racing call stored this key first


def _prepared_cursor():
    """A Django cursor (queries logged as usual) whose statements are bound and prepared on
    the server: PostgreSQL parses and plans the hot statement once per connection instead of
    on every call (planning it costs more than running it). Django's own cursors bind
    client-side and never prepare, so this prepares nothing else. Off when
    DISABLE_SERVER_SIDE_CURSORS is set, Django's setting for transaction-pooling
    (pgbouncer), where a prepared statement may not be on the next transaction's server
    connection: then a plain cursor."""
    if connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS"):
        return connection.cursor()
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:  # Django's default: nothing prepared automatically;
        raw.prepare_threshold = 2**31 - 1  # still none, only what asks with prepare=True
    cursor = _preparing_cursor_class()(raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


@cache
def _preparing_cursor_class():
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparingCursor(ServerBindingCursor):
        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)

        def _convert_query(self, query, params=None):
            # psycopg sets `_query`, which Django's query log reads, only for a statement it
            # does not prepare.
            self._query = super()._convert_query(query, params)
            return self._query

    return PreparingCursor


_ID, _DEBITS_PENDING = 0, [f.attname for f in _ACCOUNT_FIELDS].index("debits_pending")


def _plain_row(spec, linked, created_at, locked):
    """The inserted transfer, built from the locked counters as the statement computed it."""
    after = {}
    for values in locked:
        dp, dpo, cp, cpo = values[_DEBITS_PENDING:_DEBITS_PENDING + 4]
        pk = values[_ID]
        amount = spec.amount
        if pk == spec.debit_account_id:
            dp, dpo = (dp + amount, dpo) if spec.pending else (dp, dpo + amount)
        else:
            cp, cpo = (cp + amount, cpo) if spec.pending else (cp, cpo + amount)
        after[pk] = (cp - dp, cpo - dpo, values)
    debit, credit = after[spec.debit_account_id], after[spec.credit_account_id]
    currency = debit[2][_CURRENCY]
    return Transfer.from_db(connection.alias, None, [
        spec.id, spec.debit_account_id, spec.credit_account_id, spec.amount, currency,
        spec.code, spec.pending, False, False, None, None, linked, spec.user_data,
        spec.reference, spec.actor_id, spec.memo, created_at, debit[0], debit[1], credit[0],
        credit[1], effective_or(created_at)])


_CURRENCY = [f.attname for f in _ACCOUNT_FIELDS].index("currency")
