"""Many transfers in one call, in TigerBeetle's spirit: one lock pass, one write.

`transfers_create_batch` takes items, each either one `TransferSpec` (independent) or a list of
them (a linked chain: all or none), and answers one `TransferResult` per item, in order. Items
are applied one after another against the locked counters, so a later item sees what an
earlier one reserved; a refused item changes nothing and the others go on. The refusals are the
single path's, checked in the same order (resolve, replay, accounts, unresolved, currency and
limits): a repeated key (within the batch or from an earlier call) answers with the stored
transfer when the content matches, `IdempotencyConflict` when it does not.

Work per batch: read the transfers it refers to, lock every account it touches in id order
(one SELECT ... FOR UPDATE), read which keys are stored and which pending transfers are already
resolved, plan in Python, then one statement inserts every transfer and moves every counter.
A concurrent call that stores one of the keys between the read and the write makes the insert
go short: the batch is rolled back to its savepoint and planned again against what is stored.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ledger import services
from ledger.exceptions import (
    AlreadyResolved,
    AlreadyReversed,
    IdempotencyConflict,
    InvalidTransfer,
    LedgerError,
)
from ledger.models import Account, Transfer
from ledger.services import COUNTERS, TransferSpec

ATTEMPTS = 3


@dataclass(frozen=True)
class TransferResult:
    """One item's answer: its transfers (created or replayed), or the refusal."""

    transfers: list = field(default_factory=list)
    error: LedgerError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class _Short(Exception):
    """The insert found a key (or a resolution) a concurrent call stored first."""


def transfers_create_batch(*, transfers: Sequence) -> list[TransferResult]:
    chains = [_as_chain(item) for item in transfers]
    if not chains:
        return []
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                batch = _Batch(chains)
                results = [batch.apply(chain) for chain in chains]
                batch.write()
                return results
        except _Short:
            if attempt == ATTEMPTS - 1:
                raise
    return []  # not reached


def _as_chain(item):
    if isinstance(item, TransferSpec):
        return [item]
    chain = list(item)
    if not chain or not all(isinstance(s, TransferSpec) for s in chain):
        raise TypeError("A batch item is a TransferSpec or a non-empty list of them.")
    return chain


class _Batch:
    def __init__(self, chains):
        specs = [s for chain in chains for s in chain]
        refs = {s.pending_id for s in specs if s.pending_id}
        refs |= {s.reversal_of_id for s in specs if s.reversal_of_id}
        self.known = Transfer.objects.in_bulk(list(refs)) if refs else {}
        self.accounts = _lock(specs, self.known.values())
        # Read after the locks: a call that held them has committed what it stored.
        self.known.update(_stored([s.id for s in specs]))
        pending_ids = [s.pending_id for s in specs if s.pending_id]
        reversal_ids = [s.reversal_of_id for s in specs if s.reversal_of_id]
        self.resolved = _taken("pending_transfer_id", pending_ids)
        self.reversed = _taken("reversal_of_id", reversal_ids)
        self.deltas = {pk: dict.fromkeys(COUNTERS, 0) for pk in self.accounts}
        self.rows = []
        self.now = timezone.now()

    def apply(self, chain):
        """Plan one item against the in-memory counters; a refusal leaves them as they were."""
        touched = _account_ids(chain, self.known) & self.accounts.keys()
        saved = {pk: tuple(getattr(self.accounts[pk], c) for c in COUNTERS) for pk in touched}
        try:
            return TransferResult(transfers=self._plan(chain))
        except LedgerError as error:
            for pk, values in saved.items():
                for name, value in zip(COUNTERS, values, strict=True):
                    setattr(self.accounts[pk], name, value)
            return TransferResult(error=error)

    def _plan(self, chain):
        if len({s.id for s in chain}) != len(chain):
            raise InvalidTransfer(_("The same key appears twice in one group."))
        linked = chain[0].id if len(chain) > 1 else ""
        specs = [services._resolve_one(s, self.known) for s in chain]
        replayed = _replay(specs, self.known)
        if replayed is not None:
            return replayed
        services._check_accounts(specs, self.accounts)
        self._check_unresolved(specs)
        return self._rows(specs, linked)

    def _check_unresolved(self, specs):
        for spec in specs:
            if spec.pending_id in self.resolved:
                raise AlreadyResolved(spec.pending_id, transfer_id=spec.id)
        for spec in specs:
            if spec.reversal_of_id in self.reversed:
                raise AlreadyReversed(spec.reversal_of_id, transfer_id=spec.id)

    def _rows(self, specs, linked):
        deltas = {pk: dict.fromkeys(COUNTERS, 0) for pk in _account_ids(specs, self.known)}
        pendings = {s.pending_id: self.known[s.pending_id].amount for s in specs if s.pending_id}
        rows = []
        for spec in specs:
            spec = services._with_currency(spec, self.accounts)
            services._move(spec, self.accounts, deltas, pendings)
            created_at = self.now + timedelta(microseconds=len(self.rows) + len(rows))
            rows.append(_row(spec, self.accounts, linked, created_at))
        for pk, moved in deltas.items():
            for name, amount in moved.items():
                self.deltas[pk][name] += amount
        for row in rows:
            self.known[row.id] = row
            if row.pending_transfer_id:
                self.resolved.add(row.pending_transfer_id)
            if row.reversal_of_id:
                self.reversed.add(row.reversal_of_id)
        self.rows += rows
        return rows

    def write(self):
        if not self.rows:
            return
        if connection.vendor == "postgresql":
            if _write_postgresql(self.rows, self.deltas) != len(self.rows):
                raise _Short
            return
        for row in self.rows:
            row._state.adding = True
        Transfer.objects.bulk_create(self.rows)
        services._write_counters(self.deltas)
        for row in self.rows:
            row._state.adding = False


def _taken(column, ids):
    """Which of these transfers are already resolved (or reversed) by a stored one."""
    if not ids:
        return set()
    return set(Transfer.objects.filter(**{f"{column}__in": ids})
               .values_list(column, flat=True))


def _account_ids(specs, known):
    ids = set()
    for spec in specs:
        ref = known.get(spec.pending_id or spec.reversal_of_id or "")
        ids |= {spec.debit_account_id, spec.credit_account_id}
        if ref is not None:
            ids |= {ref.debit_account_id, ref.credit_account_id}
    ids.discard(None)
    return ids


def _row(spec, accounts, linked, created_at):
    """The transfer as stored, built positionally (Model.__init__ with keywords costs three
    times as much, and a batch builds thousands)."""
    debit, credit = accounts[spec.debit_account_id], accounts[spec.credit_account_id]
    return Transfer.from_db(connection.alias, None, [
        spec.id, debit.pk, credit.pk, spec.amount, spec.currency, spec.code, spec.pending,
        spec.post_pending, spec.void_pending, spec.pending_id, spec.reversal_of_id, linked,
        spec.user_data, spec.reference, spec.actor_id, spec.memo, created_at,
        debit.credits_pending - debit.debits_pending, debit.credits_posted - debit.debits_posted,
        credit.credits_pending - credit.debits_pending,
        credit.credits_posted - credit.debits_posted, services.effective_or(created_at)])


def _lock(specs, refs):
    ids = {pk for s in specs for pk in (s.debit_account_id, s.credit_account_id)}
    ids |= {pk for t in refs for pk in (t.debit_account_id, t.credit_account_id)}
    ids = sorted(pk for pk in ids if isinstance(pk, int))
    return {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids)
            .order_by("pk")}


_STORED_SQL = "SELECT {} FROM ledger_transfer WHERE id = ANY(%s::varchar[])".format(
    ", ".join(services._TRANSFER_COLUMNS))


def _stored(keys):
    """{key: Transfer} for the keys already stored; on PostgreSQL one array parameter,
    whatever the number of keys."""
    if connection.vendor != "postgresql":
        return Transfer.objects.in_bulk(keys)
    with services._prepared_cursor() as cursor:
        cursor.execute(_STORED_SQL, [keys])
        rows = cursor.fetchall()
    return {values[0]: Transfer.from_db(connection.alias, None, values) for values in rows}


def _replay(specs, known):
    """The stored (or earlier in the batch) transfers if every key is there with the same
    content; None when none is."""
    found = [known.get(s.id) for s in specs]
    if all(t is None for t in found):
        return None
    for spec, transfer in zip(specs, found, strict=True):
        if transfer is None:
            raise IdempotencyConflict(spec.id, field="linked")
        services._compare(spec, transfer)
    return found


# PostgreSQL: every row and every counter in one statement ------------------------------------

_COLUMNS = services._TRANSFER_COLUMNS
_ATTRS = services._TRANSFER_ATTRS
_TYPES = {"amount": "bigint", "pending": "boolean", "post_pending": "boolean",
          "void_pending": "boolean", "user_data": "bigint", "actor_id": "integer",
          "created_at": "timestamptz", "effective_at": "timestamptz", "debit_account_id": "bigint",
          "credit_account_id": "bigint", "debit_pending_after": "bigint",
          "debit_posted_after": "bigint", "credit_pending_after": "bigint",
          "credit_posted_after": "bigint"}
_WRITE_SQL = f"""
WITH ins AS (
    INSERT INTO ledger_transfer ({", ".join(_COLUMNS)})
    SELECT * FROM unnest({", ".join(f"%s::{_TYPES.get(c, 'varchar')}[]" for c in _COLUMNS)})
    ON CONFLICT DO NOTHING RETURNING 1
), upd AS (
    UPDATE ledger_account AS a SET {", ".join(f"{c} = a.{c} + d.{c}" for c in COUNTERS)}
    FROM unnest(%s::bigint[], {", ".join(["%s::bigint[]"] * len(COUNTERS))})
        AS d (id, {", ".join(COUNTERS)})
    WHERE a.id = d.id AND (SELECT count(*) FROM ins) = %s
    RETURNING 1
)
SELECT (SELECT count(*) FROM ins), (SELECT count(*) FROM upd)
"""


def _write_postgresql(rows, deltas):
    """Insert the rows and move the counters, all or nothing; how many rows went in."""
    params = [[getattr(row, attr) for row in rows] for attr in _ATTRS]
    changed = sorted(pk for pk, d in deltas.items() if any(d.values()))
    params.append(changed)
    params += [[deltas[pk][name] for pk in changed] for name in COUNTERS]
    params.append(len(rows))
    # Bound on the server and prepared once per connection: the arrays travel as parameters,
    # not as SQL text to parse, and the statement is the same whatever the batch's size.
    with services._prepared_cursor() as cursor:
        cursor.execute(_WRITE_SQL, params)
        inserted, _moved = cursor.fetchone()
    return inserted
