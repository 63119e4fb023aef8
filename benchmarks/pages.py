"""Pages with the network's ten-year volume: queries, p50 and p95 per page and persona, with the
load average beside them; prints figures, is not a test.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fianza_pages \
        .venv/bin/python benchmarks/pages.py --scale 0.1 [--repeat N] [--plans]

It creates the database named in DATABASE_URL (and marks it with a COMMENT); it refuses to run
against an existing database it did not create. It sets up the programs, personas and a few
dozen bonds and grants through the real services (benchmarks/pages_world.py), and loads the
years beside them (benchmarks/pages_load.py: at --scale 1, 1.3 million beneficiaries, 1.3
million cases, their disbursements, 5 million audit events and 10 million ledger transfers;
ledger_verify and audit_verify stay clean). Then, signed in as each persona, it requests every
staff list and detail page through django.test.Client (real middleware, templates and second
factor) and prints per page the number of queries, p50 and p95 over N requests, the load
average, and whether the EXPLAIN of the page's main list query shows a Seq Scan on a large
table. `--keep` measures again a database a previous run loaded.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder goes last (Python put it first): a script named like a standard module
# must never shadow it.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "benchmarks"))

import benchlib  # noqa: E402
import pages_load  # noqa: E402
import pages_world  # noqa: E402

LARGE_TABLES = ("core_beneficiary", "bondfund_bondrequest", "bondfund_detentioncase",
                "grants_grantapplication", "core_auditevent", "ledger_transfer",
                "payments_disbursement")


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
    next_query = w.beneficiary_next_query
    return [
        ("core", "home", reverse("core:home"), "core_beneficiary"),
        ("core", "beneficiary list", reverse("core:beneficiary_list"), "core_beneficiary"),
        ("core", "beneficiary search", reverse("core:beneficiary_list") + "?q=Garc",
         "core_beneficiary"),
        ("core", "beneficiary detail", reverse("core:beneficiary_detail", args=[ben.pk]), None),
        ("core", "beneficiary list next", reverse("core:beneficiary_list") + "?" + next_query,
         "core_beneficiary"),
        ("core", "duplicates queue", reverse("core:duplicate_queue"), None),
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
        ("notifications", "problems", reverse("notifications:problem_list"),
         "notifications_notification"),
        ("pale", "referral list", reverse("pale:referral_list"), "pale_referral"),
        ("pale", "invoice list", reverse("pale:invoice_list"), "pale_invoice"),
        ("monitoring", "overview", reverse("monitoring:overview"), "monitoring_alert"),
        ("monitoring", "statement batches", reverse("monitoring:statement_batches"), None),
        ("obligations", "appearances", reverse("obligations:list"), None),
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
                rows.append((persona, app, name, status, None, None, None, "-", None))
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
                         statistics.median(samples), p95, seq, benchlib.load()))
    print_table(rows)
    if show_plans:
        for (persona, name), (sql, plan) in plans.items():
            print(f"\n--- {persona} / {name}\n{sql}\n{plan}")
    return rows


def print_table(rows):
    print(f"\n{'persona':<14}| {'page':<36}| {'status':>6} | {'queries':>7} | "
          f"{'p50 ms':>7} | {'p95 ms':>7} | {'load':>5} | seq scan on a large table")
    print("-" * 124)
    for persona, app, name, status, queries, median, p95, seq, load in rows:
        page = f"{app}: {name}"
        if queries is None:
            print(f"{persona:<14}| {page:<36}| {status:>6} |")
            continue
        print(f"{persona:<14}| {page:<36}| {status:>6} | {queries:>7} | {median:>7.1f} | "
              f"{p95:>7.1f} | {load:>5.1f} | {seq}")
    slow = [r for r in rows if r[6] is not None and r[6] >= 150]
    print(f"\npages at p95 >= 150 ms: {len(slow)} of {sum(r[4] is not None for r in rows)}"
          f" (load average {benchlib.load():.1f} on {os.cpu_count()} CPUs)")


def load(args, log):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    size = pages_load.sizes(args.scale)
    log(f"migrated; loading {size} (load {benchlib.load():.1f})")
    t0 = time.perf_counter()
    w = pages_world.load_world()
    pages_load.load_all(w, size, log)
    pages_world.load_real(w, args.real)
    log(f"{args.real} bonds/grants through the services; all loaded in "
        f"{time.perf_counter() - t0:.0f} s (load {benchlib.load():.1f})")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return w


def verify(log):
    from io import StringIO

    from django.core.management import call_command

    from core.audit import audit_verify

    out = StringIO()
    try:
        call_command("ledger_verify", stdout=out, stderr=out)
        log(f"ledger_verify: {out.getvalue().strip() or 'ok'}")
    except SystemExit as exc:
        log(f"ledger_verify FAILED ({exc}): {out.getvalue().strip()}")
    problems = audit_verify()
    log(f"audit_verify: {'ok' if not problems else problems[:3]}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=0.1,
                        help="1 = ten years of the network (1.3 million cases)")
    parser.add_argument("--real", type=int, default=8,
                        help="bonds and grants through the services")
    parser.add_argument("--repeat", type=int, default=20, help="requests per page")
    parser.add_argument("--plans", action="store_true", help="print each EXPLAIN")
    parser.add_argument("--keep", action="store_true",
                        help="measure the database a previous run loaded")
    parser.add_argument("--verify", action="store_true",
                        help="run ledger_verify and audit_verify (minutes at full scale)")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database this script may create")

    def log(message):
        print(f"[{time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)

    log(f"pages benchmark, scale {args.scale} ({os.cpu_count()} CPUs, load "
        f"{benchlib.load():.1f})")
    if not args.keep:
        pages_world.create_database(url)
    pages_world.django_setup()
    import logging

    from django.conf import settings

    settings.DEBUG = False  # no query log while timing (CaptureQueriesContext forces its own)
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # the expected 403/404
    logging.getLogger("ops.request").setLevel(logging.WARNING)
    w = pages_world.existing_world() if args.keep else load(args, log)
    if args.verify:
        verify(log)
    w.beneficiary_next_query = first_page_next(w)
    log(f"measuring, {args.repeat} requests per page (load {benchlib.load():.1f})")
    measure(w, args.repeat, args.plans)


def first_page_next(w):
    """The cursor of the beneficiary list's second page, as the program admin sees it."""
    from django.http import QueryDict

    from core.paging import keyset_page
    from core.selectors import beneficiaries_visible_to

    page = keyset_page(beneficiaries_visible_to(w.admin).order_by(
        "family_names", "given_names", "pk"), QueryDict(), per_page=50)
    return page.next_query


if __name__ == "__main__":
    main()
