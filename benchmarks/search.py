"""Search and duplicate check over ten years of the network's people, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fianza_search \
        .venv/bin/python benchmarks/search.py [--people 1300000] [--repeat 30]

It creates the database named in DATABASE_URL (marked with a COMMENT; it refuses an existing
database it did not create), migrates core, and loads 53 consulates and the people in one
INSERT ... SELECT over generate_series: names drawn from frequent Mexican given names and
surnames, accents included, the search column filled by the same IMMUTABLE unaccent wrapper
the migration creates. It then times, through the real code (core.search and core.dedupe):

- name searches as officers type them (one surname, full name without accents, a typo),
- the duplicate check a registration runs (A-number, CURP, names with dates of birth that
  differ by a day, a digit or swapped day and month),

and prints p50/p95 per kind, with the EXPLAIN of the candidate queries (index use).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
# This folder holds scripts that could be named like standard modules: import from the project.
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks"]

MARK = "created by benchmarks/search.py"
GIVEN = ["José", "Juan", "Luis", "Miguel", "Jesús", "Antonio", "Alejandro", "Francisco",
         "Carlos", "Jorge", "Pedro", "Ramón", "Raúl", "Martín", "Héctor", "Fernando",
         "María", "Guadalupe", "Rosa", "Ana", "Verónica", "Leticia", "Patricia", "Sofía",
         "Ximena", "Mónica", "Adriana", "Gabriela", "Claudia", "Teresa", "Elena", "Lucía"]
SURNAMES = ["García", "Hernández", "Martínez", "López", "González", "Rodríguez", "Pérez",
            "Sánchez", "Ramírez", "Cruz", "Flores", "Gómez", "Morales", "Vázquez", "Reyes",
            "Jiménez", "Torres", "Díaz", "Gutiérrez", "Ruiz", "Mendoza", "Aguilar", "Ortiz",
            "Moreno", "Castillo", "Romero", "Álvarez", "Méndez", "Chávez", "Rivera", "Juárez",
            "Ramos", "Domínguez", "Herrera", "Medina", "Castro", "Vargas", "Guzmán",
            "Velázquez", "Rojas", "Contreras", "Salazar", "Luna", "Ortega", "Santiago",
            "Guerrero", "Estrada", "Bautista", "Cortés", "Soto", "Núñez", "Ibarra", "Zavala",
            "Quintero", "Alvarado", "Ochoa", "Pineda", "Salas", "Ybarra", "Villalobos"]
NAME_QUERIES = ["garcia", "jose garcia", "Rodriguez", "Jose Luis Garcia Hernandez",
                "Garcai", "ximena alvarado quintero", "hernandez lopez", "Núñez Ibarra"]


def parse():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_300_000)
    parser.add_argument("--repeat", type=int, default=30)
    return parser.parse_args()


def create_database(url):
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        row = conn.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                           "WHERE datname = %s", [name]).fetchone()
        if row is not None and row[0] != MARK:
            sys.exit(f"{name} exists and was not created by this script; refusing.")
        if row is not None:
            return False
        conn.execute(f'CREATE DATABASE "{name}"')
        conn.execute(f"COMMENT ON DATABASE \"{name}\" IS '{MARK}'")
    return True


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def load(people):
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", "core", verbosity=0, skip_checks=True)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM core_beneficiary")
        if cur.fetchone()[0] >= people:
            return
        cur.execute("TRUNCATE core_beneficiary CASCADE")
        cur.execute("""INSERT INTO core_consulate (code, name, city, state, address, phone,
                       email, time_zone)
                       SELECT 'C' || lpad(n::text, 2, '0'), 'Consulado ' || n, 'Ciudad ' || n,
                              'TX', '', '', '', 'America/Chicago'
                       FROM generate_series(1, 53) n ON CONFLICT (code) DO NOTHING""")
        started = time.perf_counter()
        cur.execute("""
            WITH g AS (SELECT %(given)s::text[] AS given, %(sur)s::text[] AS sur),
            c AS (SELECT array_agg(id ORDER BY id) AS ids FROM core_consulate)
            INSERT INTO core_beneficiary (reference, given_names, family_names, date_of_birth,
                sex, country_of_birth, a_number, curp, preferred_language, accessibility_needs,
                phone, email, address, consulate_id, consents_to_family_lookup, created_at,
                search_text, phone_digits, message_channel, mobile_number, message_consent)
            SELECT 'BEN-' || lpad(n::text, 9, '0'),
                   given[1 + (hashint_(n, 1) %% cardinality(given))] ||
                       CASE WHEN n %% 3 = 0 THEN ' ' || given[1 + (hashint_(n, 2)
                           %% cardinality(given))] ELSE '' END,
                   sur[1 + (hashint_(n, 3) %% cardinality(sur))] || ' ' ||
                       sur[1 + (hashint_(n, 4) %% cardinality(sur))],
                   DATE '1950-01-01' + (hashint_(n, 5) %% 20000)::int,
                   '', 'MX', CASE WHEN n %% 2 = 0 THEN lpad((100000000 + n)::text, 9, '0')
                                  ELSE '' END,
                   '', 'es', '', '+1 312 ' || lpad((n %% 10000000)::text, 7, '0'), '', '',
                   ids[1 + n %% 53], true, now(), '', '', '', '', false
            FROM generate_series(1, %(people)s) n, g, c""",
            {"given": GIVEN, "sur": SURNAMES, "people": people})
        # The person the searches look for, among everybody else.
        cur.execute("""UPDATE core_beneficiary SET given_names = 'José Luis',
                       family_names = 'García Hernández' WHERE reference = 'BEN-000000007'""")
        cur.execute("""UPDATE core_beneficiary SET
                       search_text = regexp_replace(lower(fianza_unaccent(given_names || ' '
                                                    || family_names)), '\\s+', ' ', 'g'),
                       phone_digits = right(regexp_replace(phone, '\\D', '', 'g'), 10)""")
        cur.execute("VACUUM ANALYZE core_beneficiary")
        print(f"loaded {people:,} people in {time.perf_counter() - started:.0f} s")


HASH_FN = """CREATE OR REPLACE FUNCTION hashint_(n bigint, salt int) RETURNS bigint
             LANGUAGE sql IMMUTABLE PARALLEL SAFE
             AS $$ SELECT abs(hashtext(n::text || ':' || salt))::bigint $$"""


def timed(fn, repeat):
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def explain(sql, params):
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) " + sql, params)
        return [row[0] for row in cur.fetchall()]


def main():
    args = parse()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database this script may create.")
    create_database(url)
    setup_django()
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(HASH_FN)
    load(args.people)
    report(args)


def report(args):
    from django.db import connection

    from core.dedupe import find_matches
    from core.models import Beneficiary
    from core.search import search_beneficiaries

    active = Beneficiary.objects.active()
    print(f"people: {active.count():,}; load average {os.getloadavg()[0]:.2f}")
    all_search = []
    for query in NAME_QUERIES:
        p50, p95 = timed(lambda q=query: search_beneficiaries(active, q), args.repeat)
        hits = len(search_beneficiaries(active, query))
        all_search.append(p95)
        print(f"search {query!r:32} hits {hits:3}  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    sample = list(active.order_by("?").values(
        "given_names", "family_names", "date_of_birth", "a_number")[:args.repeat])
    checks = []
    for person in sample:
        born = person["date_of_birth"]
        typed = born.replace(day=born.month, month=born.day) if born.day <= 12 else born
        t0 = time.perf_counter()
        find_matches(given_names=person["given_names"],
                     family_names=person["family_names"].split()[0],
                     date_of_birth=typed, a_number=person["a_number"])
        checks.append((time.perf_counter() - t0) * 1000)
    checks.sort()
    p95_check = checks[max(0, int(len(checks) * 0.95) - 1)]
    print(f"duplicate check (swapped date, one surname)  p50 {statistics.median(checks):6.1f} "
          f"ms  p95 {p95_check:6.1f} ms")
    print(f"worst name-search p95 {max(all_search):.1f} ms (goal 100); duplicate check p95 "
          f"{p95_check:.1f} ms (goal 150)")
    with connection.cursor() as cur:
        cur.execute("SET pg_trgm.word_similarity_threshold = 0.45")
        cur.execute("SET enable_seqscan = off")  # as core.search does, in its transaction
    print("\nEXPLAIN name candidates, exact words ('jose garcia'):")
    for line in explain("SELECT id, search_text FROM core_beneficiary WHERE merged_into_id IS "
                        "NULL AND search_text ~ %s AND search_text ~ %s LIMIT 200",
                        ["(^| )jose( |$)", "(^| )garcia( |$)"]):
        print("  " + line)
    print("\nEXPLAIN name candidates, similar words ('garcai'):")
    for line in explain("SELECT id, search_text FROM core_beneficiary WHERE merged_into_id IS "
                        "NULL AND search_text %%> %s LIMIT 200", ["garcai"]):
        print("  " + line)
    print("\nEXPLAIN duplicate-check candidates (57 dates):")
    from core.dedupe import birth_date_variants

    dates = list(birth_date_variants(sample[0]["date_of_birth"]))
    for line in explain("SELECT id, search_text, date_of_birth FROM core_beneficiary WHERE "
                        "merged_into_id IS NULL AND date_of_birth = ANY(%s)", [dates]):
        print("  " + line)


if __name__ == "__main__":
    main()
