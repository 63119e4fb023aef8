"""Pages with years of data: queries, median and p95 per page and persona; prints figures.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fianza_pages \
        .venv/bin/python benchmarks/pages.py [--quick] [--repeat N]

It creates the database named in DATABASE_URL (and marks it with a COMMENT); it refuses to run
against an existing database it did not create. It loads the programs, personas and a few dozen
bonds and grants through the real services (so the ledger and audit chain are real), then bulk
loads the years: beneficiaries, detention cases, bond requests in every state, grant
applications, disbursements, audit events (hash-chained, so audit_verify stays clean) and ledger
transfers (generate_series, counters moved in the same transaction, so ledger_verify stays
clean). Then, signed in as each persona, it requests every list and detail page through
django.test.Client (real middleware and templates) and prints per page the number of queries,
the median and p95 time over N requests, and whether the EXPLAIN of the page's main list query
shows a Seq Scan on a large table.
"""

import argparse
import datetime
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MARK = "created by benchmarks/pages.py"
SIZES = {
    "full": {"beneficiaries": 50_000, "bonds": 20_000, "grants": 20_000, "audit": 200_000,
             "transfers": 500_000, "real": 20},
    "quick": {"beneficiaries": 10_000, "bonds": 4_000, "grants": 4_000, "audit": 40_000,
              "transfers": 100_000, "real": 8},
}
LARGE_TABLES = ("core_beneficiary", "bondfund_bondrequest", "bondfund_detentioncase",
                "grants_grantapplication", "core_auditevent", "ledger_transfer",
                "payments_disbursement")


# Database ------------------------------------------------------------------------------------

def create_database(url):
    """Create the database of DATABASE_URL, refusing one that exists and is not ours."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name or ""):
        sys.exit(f"refusing: database name {name!r} is not a plain identifier")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        row = conn.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
            [name]).fetchone()
        if row is not None:
            if row[0] != MARK:
                sys.exit(f"refusing: database {name!r} exists and was not created by this "
                         "script")
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")


def django_setup():
    os.environ.setdefault("DJANGO_DEBUG", "1")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()


# Loading -------------------------------------------------------------------------------------

def load_world():
    """Consulates, partners, personas and programs, through the real services."""
    from core.models import Consulate, Membership, PartnerOrganization, Role, User
    from tests.bondfund.factories import make_program as bond_program
    from tests.grants.factories import make_program as grant_program

    consulates = [Consulate.objects.create(code=code, name=f"Consulado de México en {city}",
                                           city=city, state=st, phone="+1 312 555 0100")
                  for code, city, st in (("CHI", "Chicago", "IL"), ("LAX", "Los Angeles", "CA"),
                                         ("HOU", "Houston", "TX"), ("NYC", "New York", "NY"),
                                         ("PHX", "Phoenix", "AZ"), ("ATL", "Atlanta", "GA"),
                                         ("DEN", "Denver", "CO"), ("SEA", "Seattle", "WA"))]
    partners = []
    for i, consulate in enumerate(consulates):
        p = PartnerOrganization.objects.create(name=f"Partner Legal Aid {i}",
                                               ein=f"36-{1000000 + i:07d}")
        p.consulates.add(consulate)
        partners.append(p)

    def persona(username, role, consulate=None, partner=None):
        user = User.objects.create_user(username=username, password="x" * 20, language="es")
        Membership.objects.create(user=user, role=role, consulate=consulate, partner=partner)
        return user

    w = SimpleNamespace(consulates=consulates, partners=partners)
    w.consulate_a, w.consulate_b = consulates[0], consulates[1]
    w.partner_x, w.partner_y = partners[0], partners[1]
    w.officer_a = persona("officer", Role.CONSULATE_OFFICER, consulate=w.consulate_a)
    w.approver_a = persona("approver", Role.FINANCE_APPROVER, consulate=w.consulate_a)
    w.approver_2 = persona("approver2", Role.FINANCE_APPROVER, consulate=w.consulate_a)
    w.partner_x_staff = persona("partner", Role.PARTNER_STAFF, partner=w.partner_x)
    w.admin = persona("admin", Role.PROGRAM_ADMIN)
    w.auditor = persona("auditor", Role.AUDITOR)
    w.personas = {"officer": w.officer_a, "approver": w.approver_a,
                  "partner staff": w.partner_x_staff, "program admin": w.admin,
                  "auditor": w.auditor}
    w.bond_program = bond_program(w, budget=10_000_000, consulate_a=2_000_000,
                                  consulate_b=1_000_000, partner_x=2_000_000,
                                  partner_y=1_000_000, per_case=25_000)
    w.grant_program = grant_program(w, total=1_000_000, per_grant_max=10_000,
                                    allocations={w.consulate_a: 200_000}, waiting_period_days=90)
    return w


def load_real(w, n):
    """A few bonds and grants through every service (approve, pay): real transfers and audit."""
    from bondfund import services as bond_services
    from core.models import Beneficiary
    from tests.bondfund.factories import make_request
    from tests.bondfund.factories import pay as pay_bond
    from tests.grants.factories import approved as grant_approved
    from tests.grants.factories import pay as pay_grant

    for i in range(n):
        ben = Beneficiary.objects.create(
            reference=f"CHI-2025-9{i:05d}", given_names=f"Real{i}", family_names="Servicios",
            date_of_birth=datetime.date(1990, 1, 1), consulate=w.consulate_a,
            consents_to_family_lookup=True)
        w.ben_a = ben
        req = make_request(w, w.bond_program, amount=6_000, beneficiary=ben)
        if i % 4 != 3:
            bond_services.bond_request_approve(actor=w.approver_a, request_id=req.pk)
            if i % 2 == 0:
                pay_bond(w, req)
        application = grant_approved(w, w.grant_program, beneficiary=ben)
        if i % 2 == 0:
            pay_grant(w, application)


def _pick(rnd, weighted):
    return rnd.choices([v for v, _ in weighted], weights=[k for _, k in weighted])[0]


def load_bulk(w, size, log):
    from django.db import transaction
    from django.utils import timezone
    from djmoney.money import Money

    from bondfund.models import BondRequest, DetentionCase
    from bondfund.models import State as BondState
    from core.models import Beneficiary
    from grants.models import GrantApplication, PayeeKind
    from grants.models import State as GrantState
    from payments.models import Disbursement, Method, Status

    rnd = random.Random(7)
    now = timezone.now()
    years = 4 * 365 * 24 * 3600

    def moment():
        return now - datetime.timedelta(seconds=rnd.randrange(years))

    t0 = time.perf_counter()
    with transaction.atomic():
        bens = Beneficiary.objects.bulk_create([
            Beneficiary(reference=f"{w.consulates[i % len(w.consulates)].code}-20{22 + i % 4}-"
                        f"{i:06d}",
                        given_names=rnd.choice(["Juan", "María", "José", "Guadalupe", "Luis",
                                                "Ana", "Jesús", "Rosa"]) + f" {i}",
                        family_names=rnd.choice(["Pérez", "García", "Hernández", "López",
                                                 "Martínez", "Sánchez"]) + " "
                        + rnd.choice(["Ramírez", "Cruz", "Flores", "Gómez", "Díaz"]),
                        date_of_birth=datetime.date(1960, 1, 1)
                        + datetime.timedelta(days=rnd.randrange(40 * 365)),
                        a_number=f"{200000000 + i:09d}", consulate=w.consulates[i % 8],
                        consents_to_family_lookup=i % 3 == 0, created_at=moment())
            for i in range(size["beneficiaries"])], batch_size=5000)
        log(f"beneficiaries: {len(bens)}")

        bond_states = [(s, 1) for s in BondState.values]
        partner_of = {c.pk: p for c, p in zip(w.consulates, w.partners, strict=True)}
        detentions = DetentionCase.objects.bulk_create([
            DetentionCase(beneficiary=bens[i * 7 % len(bens)],
                          consulate_id=bens[i * 7 % len(bens)].consulate_id,
                          facility="Broadview Processing Center",
                          detained_on=datetime.date(2022, 1, 1)
                          + datetime.timedelta(days=i % 1400),
                          created_by=w.officer_a, created_at=moment())
            for i in range(size["bonds"])], batch_size=5000)
        bonds = []
        for i, case in enumerate(detentions):
            state = _pick(rnd, bond_states)
            created = moment()
            paid = state in ("disbursed", "posted", "released", "refund_due", "closed_refunded",
                             "breached", "closed_forfeited")
            amount = Money(1500 + 500 * (i % 40), "USD")
            bonds.append(BondRequest(
                program=w.bond_program, detention_case=case, beneficiary_id=case.beneficiary_id,
                consulate_id=case.consulate_id,
                obligor=partner_of[case.consulate_id],
                state=state, authority="ij", decided_on=case.detained_on,
                judge_or_court="IJ", amount=amount, bond_type="delivery",
                disbursed_amount=amount if paid else None,
                disbursed_on=created.date() if paid else None,
                cancelled_on=(created + datetime.timedelta(days=200)).date()
                if state in ("refund_due", "closed_refunded") else None,
                created_by=w.officer_a, created_at=created))
        bonds = BondRequest.objects.bulk_create(bonds, batch_size=5000)
        log(f"bond requests: {len(bonds)}")

        grants = []
        for i in range(size["grants"]):
            ben = bens[(i * 13) % len(bens)]
            state = rnd.choice(GrantState.values)
            created = moment()
            partner = i % 5 == 0
            paid = state in ("disbursed", "confirmed", "closed")
            grants.append(GrantApplication(
                program=w.grant_program, beneficiary=ben, consulate_id=ben.consulate_id,
                amount=Money(500 + i % 5000, "USD"), purpose="Apoyo",
                payee_kind=PayeeKind.PARTNER if partner else PayeeKind.FAMILY_MEMBER,
                payee_partner=partner_of[ben.consulate_id] if partner else None,
                payee_name="Familia", state=state,
                disbursed_amount=Money(500 + i % 5000, "USD") if paid else None,
                disbursed_on=created.date() if paid else None,
                submitted_at=None if state == "draft" else created,
                created_by=w.officer_a, created_at=created))
        grants = GrantApplication.objects.bulk_create(grants, batch_size=5000)
        log(f"grant applications: {len(grants)}")

        disbursements = [
            Disbursement(object_type="bondfund.bondrequest", object_id=str(b.pk),
                         reservation_key=f"reserve:bulk:bond:{b.pk}", method=Method.WIRE,
                         status=Status.PAID, amount=int(b.disbursed_amount.amount * 100),
                         currency="USD", payee_partner=b.obligor, consulate_id=b.consulate_id,
                         manual_reference=f"FW-{b.pk}", requested_by=w.approver_a,
                         created_at=b.created_at, paid_at=b.created_at)
            for b in bonds if b.disbursed_amount is not None]
        disbursements += [
            Disbursement(object_type="grants.grantapplication", object_id=str(g.pk),
                         reservation_key=f"reserve:bulk:grant:{g.pk}", method=Method.WIRE,
                         status=Status.PAID, amount=int(g.disbursed_amount.amount * 100),
                         currency="USD", payee_partner=g.payee_partner,
                         payee_name=g.payee_name, consulate_id=g.consulate_id,
                         requested_by=w.approver_a, created_at=g.created_at,
                         paid_at=g.created_at)
            for g in grants if g.disbursed_amount is not None]
        Disbursement.objects.bulk_create(disbursements, batch_size=5000)
        log(f"disbursements: {len(disbursements)}")
    log(f"  ({time.perf_counter() - t0:.1f} s)")
    load_audit(w, size["audit"], bonds, grants, rnd, log)
    load_transfers(w, size["transfers"], log)


def load_audit(w, n, bonds, grants, rnd, log):
    """Hash-chained audit events continuing the chain the services started."""
    from django.db import transaction
    from django.utils import timezone

    from core.models import AuditChainHead, AuditEvent

    t0 = time.perf_counter()
    actions = ["bond_request.submit", "bond_request.approve", "grant_application.submit",
               "beneficiary.update", "bond_request.confirm_posting", "grant.approve"]
    base = timezone.now() - datetime.timedelta(days=4 * 365)
    step = datetime.timedelta(days=4 * 365) / max(n, 1)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
        prev = head.last_hash
        batch = []
        for i in range(n):
            if i % 2:
                obj = bonds[rnd.randrange(len(bonds))]
                otype = "bondfund.bondrequest"
            else:
                obj = grants[rnd.randrange(len(grants))]
                otype = "grants.grantapplication"
            event = AuditEvent(created_at=base + step * i, actor=w.officer_a,
                               action=actions[i % len(actions)], object_type=otype,
                               object_id=str(obj.pk), changes={"state": ["draft", "submitted"]},
                               consulate_id=obj.consulate_id, prev_hash=prev)
            event.hash = event.compute_hash()
            prev = event.hash
            batch.append(event)
            if len(batch) == 5000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
        AuditChainHead.objects.filter(pk=1).update(last_hash=prev)
    log(f"audit events: {n} ({time.perf_counter() - t0:.1f} s)")


TRANSFER_SQL = """
INSERT INTO ledger_transfer (id, debit_account_id, credit_account_id, amount, currency, code,
    pending, post_pending, void_pending, linked, reference, memo, created_at,
    debit_pending_after, debit_posted_after, credit_pending_after, credit_posted_after)
SELECT 'bulk-' || g, CASE WHEN g %% 2 = 0 THEN %(a)s ELSE %(b)s END,
       CASE WHEN g %% 2 = 0 THEN %(b)s ELSE %(a)s END, 1 + (g / 2) %% 100, 'USD', 'disburse',
       false, false, false, '', '', '',
       now() - make_interval(secs => (%(n)s - g) * 240 + 60), 0, 0, 0, 0
FROM generate_series(1, %(n)s) g
"""


def load_transfers(w, n, log):
    """Years of back-and-forth between two unlimited money accounts of the bond program (opened
    through ledger.services), counters moved in the same transaction: ledger_verify stays
    clean."""
    from django.db import connection, transaction

    from ledger import services

    t0 = time.perf_counter()
    a, b = (services.account_open(key=f"pages:{name}", book="money", code="bench",
                                  currency="USD", name=f"Pages benchmark {name}",
                                  program_ref=w.bond_program.ledger_ref).pk
            for name in ("a", "b"))
    even = sum(1 + (g // 2) % 100 for g in range(2, n + 1, 2))  # a -> b
    odd = sum(1 + (g // 2) % 100 for g in range(1, n + 1, 2))  # b -> a
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(TRANSFER_SQL, {"a": a, "b": b, "n": n})
        for account, debits, credits in ((a, even, odd), (b, odd, even)):
            cursor.execute("UPDATE ledger_account SET debits_posted = debits_posted + %s, "
                           "credits_posted = credits_posted + %s WHERE id = %s",
                           [debits, credits, account])
    w.busy_account = a
    log(f"ledger transfers: {n} between accounts {a} and {b} "
        f"({time.perf_counter() - t0:.1f} s)")
    return a


# Measuring -----------------------------------------------------------------------------------

def pages(w):
    """(app, page name, url, main table or None) for every list and detail page."""
    from django.urls import reverse

    from bondfund.models import BondRequest
    from core.models import AuditEvent, Beneficiary
    from grants.models import GrantApplication
    from ledger.models import Account
    from payments.models import Disbursement

    ben = Beneficiary.objects.filter(consulate=w.consulate_a).order_by("pk").first()
    bond = (BondRequest.objects.filter(consulate=w.consulate_a, obligor=w.partner_x)
            .exclude(state="draft").order_by("-pk").first())
    grant = (GrantApplication.objects.filter(consulate=w.consulate_a,
                                             payee_partner=w.partner_x).order_by("-pk").first())
    d = (Disbursement.objects.filter(consulate=w.consulate_a, payee_partner=w.partner_x)
         .order_by("-created_at").first())
    account = getattr(w, "busy_account", None) or Account.objects.order_by("pk").first().pk
    action = AuditEvent.objects.order_by("-id").values_list("action", flat=True).first()
    return [
        ("core", "home", reverse("core:home"), "core_beneficiary"),
        ("core", "beneficiary list", reverse("core:beneficiary_list"), "core_beneficiary"),
        ("core", "beneficiary search", reverse("core:beneficiary_list") + "?q=Garc",
         "core_beneficiary"),
        ("core", "beneficiary p.50", reverse("core:beneficiary_list") + "?page=50",
         "core_beneficiary"),
        ("core", "beneficiary detail", reverse("core:beneficiary_detail", args=[ben.pk]), None),
        ("core", "audit list", reverse("core:audit_list"), "core_auditevent"),
        ("core", "audit by action", reverse("core:audit_list") + f"?action={action}",
         "core_auditevent"),
        ("bondfund", "request list", reverse("bondfund:request_list"), "bondfund_bondrequest"),
        ("bondfund", "request list state", reverse("bondfund:request_list") + "?state=posted",
         "bondfund_bondrequest"),
        ("bondfund", "request detail", reverse("bondfund:request_detail", args=[bond.pk]),
         None),
        ("bondfund", "approval queue", reverse("bondfund:approval_queue"),
         "bondfund_bondrequest"),
        ("bondfund", "refunds due", reverse("bondfund:refunds_due"), "bondfund_bondrequest"),
        ("bondfund", "program list", reverse("bondfund:program_list"), None),
        ("bondfund", "program detail",
         reverse("bondfund:program_detail", args=[w.bond_program.pk]), None),
        ("grants", "application list", reverse("grants:application_list"),
         "grants_grantapplication"),
        ("grants", "application list state",
         reverse("grants:application_list") + "?state=submitted", "grants_grantapplication"),
        ("grants", "application detail",
         reverse("grants:application_detail", args=[grant.pk]), None),
        ("grants", "approval queue", reverse("grants:approval_queue"),
         "grants_grantapplication"),
        ("grants", "program list", reverse("grants:program_list"), None),
        ("grants", "program detail",
         reverse("grants:program_detail", args=[w.grant_program.pk]), None),
        ("grants", "report", reverse("grants:report"), "grants_grantapplication"),
        ("payments", "disbursement list", reverse("payments:disbursement_list"),
         "payments_disbursement"),
        ("payments", "disbursement list paid",
         reverse("payments:disbursement_list") + "?status=paid", "payments_disbursement"),
        ("payments", "disbursement detail",
         reverse("payments:disbursement_detail", args=[d.pk]), None),
        ("payments", "reconciliation", reverse("payments:reconciliation"), None),
        ("ledger", "reconciliation", reverse("ledger:reconciliation"), None),
        ("ledger", "account statement", reverse("ledger:account_statement", args=[account]),
         "ledger_transfer"),
        ("public", "lookup", reverse("public:lookup"), None),
        ("public", "reference card", reverse("public:reference_card", args=[ben.pk]), None),
    ]


def main_query(queries, table):
    """The page's list query: the SELECT FROM its main table with a LIMIT (else the last)."""
    mine = [q["sql"] for q in queries
            if q["sql"].lstrip().upper().startswith("SELECT")
            and re.search(rf'FROM "{table}"', q["sql"])]
    limited = [s for s in mine if " LIMIT " in s and "COUNT(" not in s.upper()]
    return (limited or mine or [None])[-1]


def explain(sql):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(r[0] for r in cursor.fetchall())
    seq = sorted({t for t in LARGE_TABLES if re.search(rf"Seq Scan on {t}\b", plan)})
    return plan, seq


def measure(w, repeat, show_plans):
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from tests.helpers import sign_in

    rows = []
    plans = {}
    for persona, user in w.personas.items():
        client = sign_in(Client(), user)
        for app, name, url, table in pages(w):
            reset_queries()  # a request start resets the log: capture from an empty one
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(url)
            captured = list(ctx.captured_queries)  # read now: the next request resets the log
            status = response.status_code
            if status != 200:
                rows.append((persona, app, name, status, None, None, None, "-"))
                continue
            samples = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                client.get(url)
                samples.append((time.perf_counter() - t0) * 1000)
            samples.sort()
            p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
            seq = "-"
            if table:
                sql = main_query(captured, table)
                if sql:
                    plan, tables = explain(sql)
                    seq = ", ".join(tables) if tables else "no"
                    plans[(persona, name)] = (sql, plan)
            rows.append((persona, app, name, status, len(captured),
                         statistics.median(samples), p95, seq))
    print_table(rows)
    if show_plans:
        for (persona, name), (sql, plan) in plans.items():
            print(f"\n--- {persona} / {name}\n{sql}\n{plan}")
    return rows


def print_table(rows):
    print(f"\n{'persona':<14}| {'page':<34}| {'status':>6} | {'queries':>7} | "
          f"{'median ms':>9} | {'p95 ms':>7} | seq scan on a large table")
    print("-" * 116)
    for persona, app, name, status, queries, median, p95, seq in rows:
        page = f"{app}: {name}"
        if queries is None:
            print(f"{persona:<14}| {page:<34}| {status:>6} |")
            continue
        print(f"{persona:<14}| {page:<34}| {status:>6} | {queries:>7} | {median:>9.1f} | "
              f"{p95:>7.1f} | {seq}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a fifth of the data")
    parser.add_argument("--repeat", type=int, default=None, help="requests per page")
    parser.add_argument("--plans", action="store_true", help="print each EXPLAIN")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database this script may create")
    size = SIZES["quick" if args.quick else "full"]
    repeat = args.repeat or (10 if args.quick else 20)

    def log(message):
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    create_database(url)
    django_setup()
    import logging

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.DEBUG = False  # no query log while timing (CaptureQueriesContext forces its own)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the expected 403/404
    call_command("migrate", verbosity=0)
    log(f"migrated; loading {size}")
    t0 = time.perf_counter()
    w = load_world()
    load_real(w, size["real"])
    log(f"world and {size['real']} bonds/grants through the services "
        f"({time.perf_counter() - t0:.1f} s)")
    load_bulk(w, size, log)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    from io import StringIO

    out = StringIO()
    try:
        call_command("ledger_verify", stdout=out, stderr=out)
        log(f"ledger_verify: {out.getvalue().strip() or 'ok'}")
    except SystemExit as exc:
        log(f"ledger_verify FAILED ({exc}): {out.getvalue().strip()}")
    from core.audit import audit_verify

    problems = audit_verify()
    log(f"audit_verify: {'ok' if not problems else problems[:3]}")
    log(f"measuring, {repeat} requests per page")
    measure(w, repeat, args.plans)


if __name__ == "__main__":
    main()
