"""Loads the network's ten-year volume for benchmarks/pages.py, in minutes, on PostgreSQL.

At `--scale 1`: 1.3 million beneficiaries, 1.3 million cases (650k bond requests with their
detention cases, 650k grant applications), the paid ones' disbursements, 5 million audit events
and 10 million ledger transfers. Rows are written by `INSERT ... SELECT FROM generate_series`
(cases, disbursements, transfers) and `COPY` (audit events, whose hashes are computed here
exactly as `AuditEvent.compute_hash` does, continuing the chain the services started, so
`audit_verify` stays clean). Transfers move the counters of their two accounts in the same
transaction, so `ledger_verify` stays clean. Times are spread over ten years, in id order;
cases older than 60 days are in final states, newer ones in any state (a realistic queue).
"""

import datetime
import hashlib
import json
import time

VOLUME = {"beneficiaries": 1_300_000, "bonds": 650_000, "grants": 650_000,
          "audit": 5_000_000, "transfers": 10_000_000}
YEARS = 10
SPAN = YEARS * 365 * 24 * 3600  # seconds
RECENT = 60 / (YEARS * 365)  # the newest share of cases still in flight

GIVEN = ["Juan", "María", "José", "Guadalupe", "Luis", "Ana", "Jesús", "Rosa", "Miguel",
         "Verónica", "Ramón", "Sofía", "Héctor", "Lucía", "Raúl", "Ximena"]
SURNAMES = ["Pérez", "García", "Hernández", "López", "Martínez", "Sánchez", "Ramírez", "Cruz",
            "Flores", "Gómez", "Díaz", "Reyes", "Morales", "Núñez", "Ortiz", "Vázquez",
            "Castillo", "Jiménez", "Rojas", "Zavala"]
BOND_FINAL = ["closed_refunded", "closed_forfeited", "released", "posted", "rejected",
              "withdrawn", "ineligible", "voided", "refund_due"]
BOND_PAID = ["disbursed", "posted", "released", "refund_due", "closed_refunded", "breached",
             "closed_forfeited"]
GRANT_FINAL = ["closed", "confirmed", "rejected", "withdrawn", "voided"]
GRANT_PAID = ["disbursed", "confirmed", "closed"]

HASH_FN = """CREATE OR REPLACE FUNCTION pages_hash_(n bigint, salt int) RETURNS bigint
             LANGUAGE sql IMMUTABLE PARALLEL SAFE
             AS $$ SELECT abs(hashtext(n::text || ':' || salt))::bigint $$"""


def sizes(scale):
    return {k: max(1, round(v * scale)) for k, v in VOLUME.items()}


def _age(g, n):
    """SQL: the instant of row g of n, oldest first, over the ten years."""
    return f"now() - make_interval(secs => ({n} - {g}) * {SPAN / n:.6f} + 600)"


def insert_select(cursor, model, columns, source, params=None):
    """INSERT INTO model's table (columns) SELECT ... FROM source; every other NOT NULL column
    gets its field's default (or the type's zero), as the ORM would write it."""
    given = dict(columns)
    for f in model._meta.concrete_fields:
        if f.primary_key and f.has_default() is False or f.column in given or f.null:
            continue
        given[f.column] = _default_sql(f)
    names = ", ".join(f'"{c}"' for c in given)
    cursor.execute(f'INSERT INTO "{model._meta.db_table}" ({names}) SELECT '
                   f'{", ".join(given.values())} FROM {source}', params or {})
    return cursor.rowcount


def _default_sql(field):
    kind = field.get_internal_type()
    default = field.default if field.has_default() else None
    if callable(default):
        name = getattr(default, "__name__", "")
        return {"now": "now()", "uuid4": "gen_random_uuid()", "dict": "'{}'::jsonb",
                "list": "'[]'::jsonb"}[name]
    if default is not None:
        return "true" if default is True else "false" if default is False else (
            str(default) if isinstance(default, int) else f"'{default}'")
    if kind in ("BooleanField",):
        return "false"
    if "Integer" in kind or kind in ("DecimalField", "FloatField"):
        return "0"
    if kind == "DateTimeField":
        return "now()"
    if kind == "DateField":
        return "current_date"
    if kind == "JSONField":
        return "'{}'::jsonb"
    return "''"


def load_cases(w, size, log):
    """Beneficiaries, detention cases, bond requests, grant applications, disbursements."""
    from django.db import connection, transaction

    from bondfund.models import BondRequest, DetentionCase
    from core.models import Beneficiary
    from grants.models import GrantApplication
    from payments.models import Disbursement

    p = {"given": GIVEN, "sur": SURNAMES, "cons": [c.pk for c in w.consulates],
         "partners": [x.pk for x in w.partners], "officer": w.officer_a.pk,
         "approver": w.approver_a.pk, "bond_final": BOND_FINAL, "bond_paid": BOND_PAID,
         "grant_final": GRANT_FINAL, "grant_paid": GRANT_PAID,
         "bond_states": _states("bondfund"), "grant_states": _states("grants"),
         "bond_program": w.bond_program.pk, "grant_program": w.grant_program.pk}
    t0 = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(HASH_FN)
        n = size["beneficiaries"]
        names = ("SELECT g, (%(given)s::text[])[1 + pages_hash_(g, 1) %% 16] AS given, "
                 "(%(sur)s::text[])[1 + pages_hash_(g, 2) %% 20] || ' ' || "
                 "(%(sur)s::text[])[1 + pages_hash_(g, 3) %% 20] AS family "
                 f"FROM generate_series(1, {n}) g")
        insert_select(cur, Beneficiary, {
            "reference": "'BEN-' || lpad(g::text, 9, '0')",
            "given_names": "given", "family_names": "family",
            # What Beneficiary.save() writes, through the migration's unaccent wrapper.
            "search_text": "regexp_replace(lower(fianza_unaccent(given || ' ' || family)), "
                           "'\\s+', ' ', 'g')",
            "date_of_birth": "DATE '1950-01-01' + (pages_hash_(g, 4) %% 20000)::int",
            "a_number": "CASE WHEN g %% 2 = 0 THEN lpad((100000000 + g)::text, 9, '0') "
                        "ELSE '' END",
            "consulate_id": "(%(cons)s::bigint[])[1 + g %% cardinality(%(cons)s::bigint[])]",
            "consents_to_family_lookup": "g %% 3 = 0", "created_at": _age("g", n),
            "created_by_id": "%(officer)s"}, f"({names}) s", p)
        log(f"beneficiaries: {n:,} ({time.perf_counter() - t0:.0f} s)")
        _load_bonds(cur, size, p, n, log, DetentionCase, BondRequest)
        _load_grants(cur, size, p, n, log, GrantApplication)
        _load_disbursements(cur, p, log, Disbursement)
    log(f"  cases loaded in {time.perf_counter() - t0:.0f} s")


def _states(app):
    if app == "bondfund":
        from bondfund.models import State
    else:
        from grants.models import State
    return list(State.values)


def _ben_lo(cur):
    cur.execute("SELECT min(id) FROM core_beneficiary WHERE reference LIKE 'BEN-%%'")
    return cur.fetchone()[0]


def _load_bonds(cur, size, p, people, log, DetentionCase, BondRequest):
    t0, n, lo = time.perf_counter(), size["bonds"], _ben_lo(cur)
    insert_select(cur, DetentionCase, {
        "beneficiary_id": "b.id", "consulate_id": "b.consulate_id",
        "facility": "'Broadview Processing Center'",
        "detained_on": "(b.created_at - interval '3 days')::date",
        "created_by_id": "%(officer)s", "created_at": "b.created_at"},
        f"generate_series(1, {n}) g JOIN core_beneficiary b "
        f"ON b.id = {lo} + (g::bigint * {people} / {n}) - 1 ORDER BY g", p)
    recent = int(n * (1 - RECENT))
    state = (f"CASE WHEN d.rn > {recent} THEN (%(bond_states)s::text[])"
             f"[1 + pages_hash_(d.rn, 5) %% cardinality(%(bond_states)s::text[])] "
             f"ELSE (%(bond_final)s::text[])[1 + pages_hash_(d.rn, 5) %% 9] END")
    insert_select(cur, BondRequest, {
        "program_id": "%(bond_program)s", "detention_case_id": "d.id",
        "beneficiary_id": "d.beneficiary_id", "consulate_id": "d.consulate_id",
        "obligor_id": "(%(partners)s::bigint[])[array_position(%(cons)s::bigint[], "
                      "d.consulate_id)]",
        "state": "d.state", "authority": "'ij'", "decided_on": "d.detained_on",
        "judge_or_court": "'IJ'", "amount_currency": "'USD'",
        "amount": "1500 + 500 * (d.rn %% 40)", "bond_type": "'delivery'",
        "disbursed_amount_currency": "'USD'",
        "disbursed_amount": "CASE WHEN d.state = ANY(%(bond_paid)s) "
                            "THEN 1500 + 500 * (d.rn %% 40) END",
        "disbursed_on": "CASE WHEN d.state = ANY(%(bond_paid)s) THEN d.detained_on + 7 END",
        "submitted_at": "CASE WHEN d.state <> 'draft' THEN d.created_at END",
        "created_by_id": "%(officer)s", "created_at": "d.created_at",
        "updated_at": "d.created_at"},
        f"(SELECT x.*, {state.replace('d.rn', 'x.rn')} AS state FROM (SELECT dc.*, "
        f"row_number() OVER (ORDER BY dc.id) AS rn FROM bondfund_detentioncase dc "
        f"WHERE dc.facility = 'Broadview Processing Center') x) d ORDER BY d.id", p)
    log(f"bond requests and detention cases: {n:,} ({time.perf_counter() - t0:.0f} s)")


def _load_grants(cur, size, p, people, log, GrantApplication):
    t0, n, lo = time.perf_counter(), size["grants"], _ben_lo(cur)
    recent = int(n * (1 - RECENT))
    state = (f"CASE WHEN g > {recent} THEN (%(grant_states)s::text[])"
             f"[1 + pages_hash_(g, 6) %% cardinality(%(grant_states)s::text[])] "
             f"ELSE (%(grant_final)s::text[])[1 + pages_hash_(g, 6) %% 5] END")
    partner = "(%(partners)s::bigint[])[array_position(%(cons)s::bigint[], b.consulate_id)]"
    insert_select(cur, GrantApplication, {
        "program_id": "%(grant_program)s", "beneficiary_id": "b.id",
        "consulate_id": "b.consulate_id", "amount_currency": "'USD'",
        "amount": "500 + g %% 5000", "purpose": "'Apoyo'",
        "payee_kind": "CASE WHEN g %% 5 = 0 THEN 'partner' ELSE 'family_member' END",
        "payee_partner_id": f"CASE WHEN g %% 5 = 0 THEN {partner} END",
        "payee_name": "'Familia'", "state": "s.state",
        "disbursed_amount_currency": "CASE WHEN s.state = ANY(%(grant_paid)s) THEN 'USD' END",
        "disbursed_amount": "CASE WHEN s.state = ANY(%(grant_paid)s) THEN 500 + g %% 5000 END",
        "disbursed_on": "CASE WHEN s.state = ANY(%(grant_paid)s) "
                        f"THEN ({_age('g', n)} + interval '9 days')::date END",
        "submitted_at": f"CASE WHEN s.state <> 'draft' THEN {_age('g', n)} END",
        "created_by_id": "%(officer)s", "created_at": _age("g", n)},
        f"generate_series(1, {n}) g CROSS JOIN LATERAL (SELECT {state} AS state) s "
        f"JOIN core_beneficiary b ON b.id = {lo} + (g::bigint * 13 %% {people}) ORDER BY g", p)
    log(f"grant applications: {n:,} ({time.perf_counter() - t0:.0f} s)")


def _load_disbursements(cur, p, log, Disbursement):
    t0 = time.perf_counter()
    common = {"method": "'wire'", "status": "'paid'", "currency": "'USD'",
              "requested_by_id": "%(approver)s"}
    rows = insert_select(cur, Disbursement, {
        **common, "object_type": "'bondfund.bondrequest'", "object_id": "r.id::text",
        "reservation_key": "'reserve:bulk:bond:' || r.id", "amount": "r.disbursed_amount * 100",
        "payee_partner_id": "r.obligor_id", "consulate_id": "r.consulate_id",
        "manual_reference": "'FW-' || r.id", "created_at": "r.created_at",
        "paid_at": "r.created_at", "updated_at": "r.created_at"},
        "bondfund_bondrequest r WHERE r.disbursed_amount IS NOT NULL ORDER BY r.id", p)
    rows += insert_select(cur, Disbursement, {
        **common, "object_type": "'grants.grantapplication'", "object_id": "a.id::text",
        "reservation_key": "'reserve:bulk:grant:' || a.id",
        "amount": "a.disbursed_amount * 100", "payee_partner_id": "a.payee_partner_id",
        "payee_name": "a.payee_name", "consulate_id": "a.consulate_id",
        "created_at": "a.created_at", "paid_at": "a.created_at", "updated_at": "a.created_at"},
        "grants_grantapplication a WHERE a.disbursed_amount IS NOT NULL ORDER BY a.id", p)
    log(f"disbursements: {rows:,} ({time.perf_counter() - t0:.0f} s)")


AUDIT_ACTIONS = ["bond_request.submit", "bond_request.approve", "grant_application.submit",
                 "beneficiary.update", "bond_request.confirm_posting", "grant.approve",
                 "grant_application.approve", "bond_request.disburse"]
AUDIT_COLUMNS = ("created_at", "actor_id", "action", "object_type", "object_id", "changes",
                 "comment", "ip", "consulate_id", "partner_id", "prev_hash", "hash")


def load_audit(w, n, log):
    """n events by COPY, hash-chained on from the chain head exactly as compute_hash does
    (audit_verify stays clean); times over ten years, ending before the services' events."""
    from django.db import connection, transaction

    from core.models import AuditChainHead

    t0 = time.perf_counter()
    actors = [w.officer_a.pk, w.approver_a.pk, w.approver_2.pk, w.admin.pk]
    consulates = [c.pk for c in w.consulates]
    now = datetime.datetime.now(datetime.UTC)
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute("SELECT min(id), max(id) FROM bondfund_bondrequest")
        lo, hi = cur.fetchone()
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        sql = f"COPY core_auditevent ({', '.join(AUDIT_COLUMNS)}) FROM STDIN"
        with cur.cursor.copy(sql) as copy:
            for g in range(n):
                at = now - datetime.timedelta(seconds=(n - g) * SPAN / n + 3600)
                at = at.replace(microsecond=0)
                event = {"prev": prev, "at": at.isoformat(), "actor": actors[g % 4],
                         "action": AUDIT_ACTIONS[g % 8],
                         "object": ["bondfund.bondrequest", str(lo + g * 7919 % (hi - lo + 1))],
                         "changes": {"state": ["draft", "submitted"]}, "comment": "",
                         "ip": None, "consulate": consulates[g % len(consulates)],
                         "partner": None}
                digest = hashlib.sha256(json.dumps(event, sort_keys=True, separators=(",", ":"),
                                                   default=str).encode()).hexdigest()
                copy.write_row((at, event["actor"], event["action"], event["object"][0],
                                event["object"][1], json.dumps(event["changes"]), "", None,
                                event["consulate"], None, prev, digest))
                prev = digest
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    log(f"audit events: {n:,} ({time.perf_counter() - t0:.0f} s)")


TRANSFER_SQL = """
INSERT INTO ledger_transfer (id, debit_account_id, credit_account_id, amount, currency, code,
    pending, post_pending, void_pending, linked, reference, memo, created_at,
    debit_pending_after, debit_posted_after, credit_pending_after, credit_posted_after)
SELECT 'bulk-' || g, CASE WHEN g %% 2 = 0 THEN %(a)s ELSE %(b)s END,
       CASE WHEN g %% 2 = 0 THEN %(b)s ELSE %(a)s END, 1 + (g / 2) %% 100, 'USD', 'disburse',
       false, false, false, '', '', '',
       now() - make_interval(secs => (%(n)s - g) * %(step)s + 7200), 0, 0, 0, 0
FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) g
"""


def load_transfers(w, n, log):
    """Ten years of back-and-forth between two unlimited money accounts of the bond program
    (opened through ledger.services), a million per transaction, the counters moved in the
    same transaction: ledger_verify stays clean."""
    from django.db import connection, transaction

    from ledger import services

    t0 = time.perf_counter()
    a, b = (services.account_open(key=f"pages:{name}", book="money", code="bench",
                                  currency="USD", name=f"Pages benchmark {name}",
                                  program_ref=w.bond_program.ledger_ref).pk
            for name in ("a", "b"))
    step = 1_000_000
    for lo in range(1, n + 1, step):
        hi = min(lo + step - 1, n)
        even = sum(1 + (g // 2) % 100 for g in range(lo + lo % 2, hi + 1, 2))  # a -> b
        odd = sum(1 + (g // 2) % 100 for g in range(lo + 1 - lo % 2, hi + 1, 2))  # b -> a
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(TRANSFER_SQL, {"a": a, "b": b, "n": n, "lo": lo, "hi": hi,
                                          "step": SPAN / n})
            for account, debits, credits in ((a, even, odd), (b, odd, even)):
                cursor.execute("UPDATE ledger_account SET debits_posted = debits_posted + %s, "
                               "credits_posted = credits_posted + %s WHERE id = %s",
                               [debits, credits, account])
        log(f"  ledger transfers: {hi:,} ({time.perf_counter() - t0:.0f} s)")
    w.busy_account = a
    return a


def load_all(w, size, log):
    load_cases(w, size, log)
    load_audit(w, size["audit"], log)
    load_transfers(w, size["transfers"], log)

