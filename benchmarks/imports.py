"""Beneficiary import throughput and memory: the import runner against a plain bulk_create.

Run from the project root:  .venv/bin/python benchmarks/imports.py [--rows 50000]

Builds a fresh SQLite database in a temporary folder (or uses DATABASE_URL), writes a CSV
of `rows` distinct people, then times
  - "import": core.imports' two phases as the pages run them: validate (beneficiaries_check
    per chunk of 1,000 rows: the row rules of beneficiary_create, duplicates against the
    database and within the file in three queries, no writes) and save (beneficiaries_import
    per chunk in one transaction: the same check, references allocated as a block,
    bulk_create of the people and of their hash-chained audit events);
  - "bulk_create": Beneficiary.objects.bulk_create of the same rows with references made up
    in Python (no duplicate check, no audit, no validation: the floor).
Peak memory: the process's peak RSS after each run (ru_maxrss, cumulative: it only grows),
or with --tracemalloc the peak of Python allocations during each run.
"""

import argparse
import csv
import datetime
import hashlib
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")
TMP = tempfile.mkdtemp(prefix="fianza-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{TMP}/bench.sqlite3")
os.environ.setdefault("FIANZA_PRIVATE_MEDIA_ROOT", f"{TMP}/private")
TRACE = False


CONSONANTS, VOWELS = "bcdfgjlmnprstvz", "aeiou"


def word(seed, syllables):
    """A made-up name: people sharing a birth date must not look alike (near-name check)."""
    return "".join(CONSONANTS[b % 15] + VOWELS[b // 15 % 5] for b in seed[:syllables]).title()


def person(i):
    seed = hashlib.sha256(str(i).encode()).digest()
    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i % 20000)
    return ["CHI", word(seed, 3), f"{word(seed[3:], 3)} {word(seed[6:], 4)}",
            birth.isoformat(), f"{10_000_000 + i:09d}"]


def measured(func):
    """(result, seconds, peak bytes): tracemalloc's peak with --tracemalloc (slows the ORM
    several times over, so timings are then not comparable), else the process's peak RSS."""
    if TRACE:
        tracemalloc.start()
    start = time.perf_counter()
    result = func()
    seconds = time.perf_counter() - start
    if TRACE:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    else:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return result, seconds, peak


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--tracemalloc", action="store_true")
    args = parser.parse_args()
    global TRACE
    TRACE = args.tracemalloc

    import django

    django.setup()
    from django.conf import settings
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    settings.FIANZA_IMPORTS_INLINE = True
    from core.imports import import_job_confirm, import_job_create
    from core.models import Beneficiary, Consulate, Membership, Role, User
    from core.models_imports import ImportJob

    consulate, _ = Consulate.objects.get_or_create(
        code="CHI", defaults={"name": "Consulado de México en Chicago", "city": "Chicago",
                              "state": "IL"})
    admin = User.objects.create_user(f"bench-{time.time_ns()}")
    Membership.objects.create(user=admin, role=Role.PROGRAM_ADMIN)
    path = Path(TMP) / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["consulate", "given_names", "family_names", "date_of_birth",
                         "a_number"])
        writer.writerows(person(i) for i in range(args.rows))
    print(f"{args.rows} rows, {path.stat().st_size / 1e6:.1f} MB CSV, database "
          f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")

    upload = SimpleUploadedFile("people.csv", path.read_bytes(), "text/csv")
    job, t_validate, m_validate = measured(
        lambda: import_job_create(actor=admin, kind=ImportJob.Kind.BENEFICIARIES,
                                  upload=upload))
    assert job.status == ImportJob.Status.READY, (job.status, job.errors[:3])
    _, t_save, m_save = measured(lambda: import_job_confirm(actor=admin, job_id=job.pk))
    job.refresh_from_db()
    assert job.saved_count == args.rows, job.status
    Beneficiary.objects.filter(created_by=admin).delete()

    def bulk():
        rows = (Beneficiary(reference=f"BLK-{i:09d}", consulate=consulate, given_names=p[1],
                            family_names=p[2], date_of_birth=datetime.date.fromisoformat(p[3]),
                            a_number=p[4], created_by=admin)
                for i, p in enumerate(map(person, range(args.rows))))
        from itertools import islice

        while batch := list(islice(rows, 1000)):
            Beneficiary.objects.bulk_create(batch)

    _, t_bulk, m_bulk = measured(bulk)
    total = t_validate + t_save
    print(f"{'':14}{'seconds':>10}{'rows/s':>10}{'peak MB':>10}")
    for name, seconds, peak in (("validate", t_validate, m_validate),
                                ("save", t_save, m_save),
                                ("import total", total, max(m_validate, m_save)),
                                ("bulk_create", t_bulk, m_bulk)):
        print(f"{name:14}{seconds:10.1f}{args.rows / seconds:10.0f}{peak / 1e6:10.1f}")
    print(f"import takes {total / t_bulk:.1f}x bulk_create's time: every row is checked "
          "twice (validate, then again in the saving transaction) and gets an audit event")
    print(f"load average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
