"""The bulk beneficiary import: the same rules as beneficiary_create, in a few queries per
chunk, references as a block, audit events chained in bulk."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from core import imports, services
from core.audit import audit_record, audit_record_many, audit_verify
from core.models import AuditEvent, Beneficiary
from core.models_imports import ImportJob

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def rows(world, people, consulate=None, confirm=False):
    consulate = consulate or world.consulate_a
    return [(line, consulate, fields, confirm) for line, fields in enumerate(people, start=2)]


def person(i, **extra):
    return {"given_names": f"Persona{i:03d}x", "family_names": f"Q{i * 7919 % 1000:03d}z",
            "date_of_birth": datetime.date(1960, 1, 1) + datetime.timedelta(days=i),
            "a_number": f"{20_000_000 + i}", **extra}


def test_import_creates_everyone_with_consecutive_references_and_audit(world):
    created, errors = services.beneficiaries_import(
        actor=world.admin, rows=rows(world, [person(i) for i in range(3)]))
    assert errors == []
    numbers = [int(b.reference.rsplit("-", 1)[1]) for b in created]
    assert numbers == list(range(numbers[0], numbers[0] + 3))
    assert all(b.reference.startswith("CHI-") and b.pk for b in created)
    assert created[0].a_number == "020000000"
    events = AuditEvent.objects.filter(action="beneficiary.create")
    assert {e.object_id for e in events} == {str(b.pk) for b in created}
    after = services.beneficiary_create(actor=world.admin, consulate=world.consulate_a,
                                        **person(9))
    assert int(after.reference.rsplit("-", 1)[1]) == numbers[-1] + 1


def test_queries_do_not_grow_with_the_rows(world):
    def count(people):
        with CaptureQueriesContext(connection) as queries:
            created, errors = services.beneficiaries_import(actor=world.admin,
                                                            rows=rows(world, people))
        assert not errors and len(created) == len(people)
        sql = [q["sql"] for q in queries.captured_queries]
        # INSERTs come in batches (SQLite takes at most 999 parameters a statement)
        return len([q for q in sql if not q.startswith("INSERT")]), len(sql)

    count([person(i) for i in range(50, 52)])  # the first run creates the sequence rows
    few, many = count([person(i) for i in range(100, 105)]), count(
        [person(i) for i in range(200, 400)])
    assert few[0] == many[0] and many[1] < 20


def test_audit_chain_stays_intact_with_bulk_events(world):
    with transaction.atomic():
        audit_record(actor=world.admin, action="test.one", obj=world.ben_a)
    services.beneficiaries_import(actor=world.admin,
                                  rows=rows(world, [person(i) for i in range(40)]))
    with transaction.atomic():
        audit_record_many([dict(actor=world.admin, action="test.many", obj=world.ben_b)] * 3)
        audit_record(actor=world.admin, action="test.last", obj=world.ben_a)
    assert audit_verify() == []
    assert AuditEvent.objects.count() >= 45


def test_row_errors_save_nothing(world):
    people = [person(1), person(2, curp="NOT-A-CURP"), person(3, date_of_birth="2999-01-01")]
    created, errors = services.beneficiaries_import(actor=world.admin,
                                                    rows=rows(world, people))
    assert created == [] and [line for line, _m in errors] == [3, 4]
    assert "curp:" in errors[0][1] and "future" in errors[1][1]
    assert Beneficiary.objects.count() == 2


def test_the_row_rules_are_beneficiary_creates(world):
    """One function checks a row for both paths: the same message for the same mistake."""
    with pytest.raises(ValidationError) as single:
        services.beneficiary_create(actor=world.admin, consulate=world.consulate_a,
                                    **person(1, a_number="12"))
    _ready, errors = services.beneficiaries_check(
        actor=world.admin, rows=rows(world, [person(1, a_number="12")]))
    assert errors == [(2, f"a_number: {single.value.message_dict['a_number'][0]}")]


def test_existing_identifier_is_refused_with_its_reference(world):
    world.ben_a.a_number = "020000001"
    world.ben_a.save()
    _ready, errors = services.beneficiaries_check(actor=world.admin,
                                                  rows=rows(world, [person(1)]))
    assert world.ben_a.reference in errors[0][1]


def test_a_near_name_match_is_a_row_error_unless_confirmed(world):
    near = {"given_names": "Ximena", "family_names": "Alvarado Quinterro",
            "date_of_birth": world.ben_a.date_of_birth}
    _ready, errors = services.beneficiaries_check(actor=world.admin,
                                                  rows=rows(world, [near]))
    assert errors == [(2, f"Possible duplicate of {world.ben_a.reference} — resolve it "
                          "first.")]
    created, errors = services.beneficiaries_import(actor=world.admin,
                                                    rows=rows(world, [near], confirm=True))
    assert not errors
    event = AuditEvent.objects.get(action="beneficiary.create", object_id=str(created[0].pk))
    assert event.changes["confirmed_distinct_from"] == [world.ben_a.reference]


def test_duplicates_within_the_file_are_row_errors(world):
    twin = person(1, given_names="Persona001X")  # the same name but for the case
    people = [person(1), person(2, a_number="A-020-000-001"), twin]
    created, errors = services.beneficiaries_import(actor=world.admin,
                                                    rows=rows(world, people))
    assert created == []
    messages = dict(errors)
    assert "repeats line 2" in messages[3]
    assert "line 2 of the file" in messages[4]


def test_duplicates_across_chunks_are_found(world):
    seen = services.ImportedRows()
    services.beneficiaries_check(actor=world.admin, rows=rows(world, [person(1)]), seen=seen)
    _ready, errors = services.beneficiaries_check(
        actor=world.admin, rows=[(900, world.consulate_a, person(1), False)], seen=seen)
    assert "repeats line 2" in errors[0][1]


def test_an_officer_imports_only_into_their_consulate(world):
    _ready, errors = services.beneficiaries_check(
        actor=world.officer_a, rows=rows(world, [person(1)], consulate=world.consulate_b))
    assert errors == [(2, "You may not add beneficiaries to the consulate LAX.")]


def _five_people_csv():
    from django.core.files.uploadedfile import SimpleUploadedFile

    lines = ["consulate,given_names,family_names,date_of_birth"] + [
        f"CHI,{p['given_names']},{p['family_names']},{p['date_of_birth']}"
        for p in map(person, range(5))]
    return SimpleUploadedFile("p.csv", "\n".join(lines).encode())


def test_saving_reports_progress_per_chunk(world, monkeypatch, settings):
    settings.FIANZA_IMPORTS_INLINE = True
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    job = imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                    upload=_five_people_csv())
    assert job.status == ImportJob.Status.READY and Beneficiary.objects.count() == 2
    progress = []
    real = imports._Progress.write
    monkeypatch.setattr(imports._Progress, "write",
                        lambda self, saved: (progress.append(saved), real(self, saved)))
    imports.import_job_confirm(actor=world.admin, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 5
    assert progress == [2, 4, 5]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_saving_progress_is_committed_while_the_save_is_open(world, monkeypatch, settings):
    """Another web process sees the rows saved so far, though the save commits at the end."""
    from django.db import DEFAULT_DB_ALIAS, connections

    settings.FIANZA_IMPORTS_INLINE = True
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    job = imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                    upload=_five_people_csv())
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING)
    seen = []
    real = imports._Progress.write

    def observed(self, saved):
        real(self, saved)
        other = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            with other.cursor() as cursor:
                cursor.execute("SELECT saved_count FROM core_importjob WHERE id = %s",
                               [job.pk])
                seen.append(cursor.fetchone()[0])
                cursor.execute("SELECT count(*) FROM core_beneficiary")
                seen.append(cursor.fetchone()[0])
        finally:
            other.close()

    monkeypatch.setattr(imports._Progress, "write", observed)
    imports.job_run(job.pk, imports.SAVE)  # the worker's call: outside any transaction
    assert seen == [2, 2, 4, 2, 5, 2]  # progress visible; the people only at the commit
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Beneficiary.objects.count() == 7


# Uploads are checked like documents, kept only while the job needs them --------------------

def _stored_imports():
    import os

    from django.core.files.storage import default_storage

    root = default_storage.path("imports")
    return sorted(os.listdir(root)) if os.path.isdir(root) else []


def _xlsx(rows):
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _refusal(world, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = _stored_imports()
    with pytest.raises(ValidationError) as refused:
        imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                  upload=SimpleUploadedFile(name, content))
    assert _stored_imports() == before and not ImportJob.objects.exists()
    return refused.value.messages[0]


def test_a_file_over_the_limit_is_refused_before_anything_is_kept(world, settings):
    settings.FIANZA_IMPORT_MAX_BYTES = 1024 * 1024
    message = _refusal(world, "big.csv", b"consulate\n" + b"CHI\n" * 300_000)
    assert message == "The file is too large: the limit is 1 MB."


@pytest.mark.parametrize(("name", "content", "message"), [
    ("p.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "not a CSV text file"),
    ("p.csv", "consulate,given_names\nCHI,Mar\u00eda\n".encode("latin-1"), "not in UTF-8"),
    ("p.csv", b'consulate,given_names\nCHI,"Mar\x00', "not a CSV text file"),
    ("p.xlsx", b"consulate,given_names\nCHI,Maria\n", "not a valid Excel workbook"),
    ("p.xlsx", b"PK\x05\x06" + b"\x00" * 18, "not a valid Excel workbook"),
    ("p.txt", b"consulate\nCHI\n", "Upload a .csv or .xlsx file."),
    ("p.csv", b"", "The file is empty."),
])
def test_files_that_are_not_what_they_claim_are_refused(world, name, content, message):
    assert message in _refusal(world, name, content)


def test_an_xlsx_with_an_entity_bomb_is_refused_by_defusedxml(world):
    import zipfile

    import openpyxl.xml

    assert openpyxl.xml.DEFUSEDXML  # openpyxl parses every part with defusedxml
    good = _xlsx([["consulate"], ["CHI"]])
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '&lol2;</workbook>')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = bomb.encode() if item.filename == "xl/workbook.xml" else source.read(item)
            target.writestr(item, data)
    assert "not a valid Excel workbook" in _refusal(world, "p.xlsx", out.getvalue())


def test_the_file_is_deleted_when_the_job_ends_and_its_hash_kept(
        world, django_capture_on_commit_callbacks):
    """Through the queue (Celery runs eagerly without a broker) after each commit."""
    import hashlib

    upload = _five_people_csv()
    digest = hashlib.sha256(upload.read()).hexdigest()
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                        upload=upload)
    job.refresh_from_db()
    name = job.file_name
    assert job.status == ImportJob.Status.READY and job.sha256 == digest
    assert default_storage.exists(name)  # kept until confirmed
    with django_capture_on_commit_callbacks(execute=True):
        imports.import_job_confirm(actor=world.admin, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 5
    assert job.file_name == "" and not default_storage.exists(name) and job.sha256 == digest
    assert AuditEvent.objects.filter(action__in=["import.upload", "import.confirm"],
                                     object_id=str(job.pk)).count() == 2


def test_a_file_with_row_errors_is_deleted_at_once(world, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", b"consulate,given_names,family_names,date_of_birth\n"
                                         b"ZZZ,Ana,Ruiz,1990-01-01\n")
    before = set(_stored_imports())
    with django_capture_on_commit_callbacks(execute=True):
        job = imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                        upload=upload)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID and job.errors[0]["line"] == 2
    assert job.file_name == "" and set(_stored_imports()) == before


def test_the_admin_has_no_import(world):
    from django.contrib import admin
    from django.urls import NoReverseMatch, reverse

    from core.admin import BeneficiaryAdmin

    assert not hasattr(admin.site._registry[Beneficiary], "import_action")
    assert issubclass(BeneficiaryAdmin, __import__("import_export.admin").admin.ExportMixin)
    with pytest.raises(NoReverseMatch):
        reverse("admin:core_beneficiary_import")


# The queue: a job whose worker died is resumed, or ended with a clear message --------------

def _ready_job(world, settings):
    settings.FIANZA_IMPORTS_INLINE = True
    job = imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                    upload=_five_people_csv())
    settings.FIANZA_IMPORTS_INLINE = False
    return job


def test_a_save_whose_worker_died_is_resumed_once_by_the_sweep(
        world, settings, django_capture_on_commit_callbacks):
    import time_machine

    job = _ready_job(world, settings)
    t0 = datetime.datetime(2026, 12, 1, 5, 59, tzinfo=datetime.UTC)
    with time_machine.travel(t0, tick=False):
        # the worker took the task and died: the job is "saving", nothing was saved
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING,
                                                   heartbeat_at=t0, attempts=1)
    with time_machine.travel(t0 + datetime.timedelta(minutes=5), tick=False):
        assert imports.import_jobs_sweep() == {"resumed": 0, "failed": 0, "expired": 0}
    with time_machine.travel(t0 + datetime.timedelta(minutes=11), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = imports.import_jobs_sweep()
        second = imports.import_jobs_sweep()
    assert first["resumed"] == 1 and second == {"resumed": 0, "failed": 0, "expired": 0}
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 5
    assert Beneficiary.objects.count() == 7 and job.attempts == 2


def test_a_job_that_keeps_dying_is_ended_with_a_message(world, settings):
    import time_machine

    job = _ready_job(world, settings)
    t0 = datetime.datetime(2026, 12, 1, 6, 0, tzinfo=datetime.UTC)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING,
                                               heartbeat_at=t0, attempts=imports.MAX_ATTEMPTS)
    with time_machine.travel(t0 + datetime.timedelta(hours=1), tick=False):
        assert imports.import_jobs_sweep()["failed"] == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and Beneficiary.objects.count() == 2
    assert job.message == ("The import stopped 3 times before it finished, so it was ended; "
                           "nothing was saved. Upload the file again.")


def test_an_unconfirmed_file_is_deleted_after_a_week(world, settings,
                                                      django_capture_on_commit_callbacks):
    import time_machine

    job = _ready_job(world, settings)
    name = job.file_name
    later = job.finished_at + datetime.timedelta(days=imports.READY_KEEP_DAYS, minutes=1)
    with time_machine.travel(later, tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert imports.import_jobs_sweep()["expired"] == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and not default_storage.exists(name)


def test_a_task_delivered_twice_saves_once(world, settings):
    job = _ready_job(world, settings)
    settings.FIANZA_IMPORTS_INLINE = True
    imports.import_job_confirm(actor=world.admin, job_id=job.pk)
    imports.job_run(job.pk, imports.SAVE)  # the broker delivers the task again
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Beneficiary.objects.count() == 7


def test_an_unexpected_error_never_shows_its_text(world, settings, monkeypatch):
    job = _ready_job(world, settings)
    settings.FIANZA_IMPORTS_INLINE = True

    def broken(self, headers, rows):
        raise RuntimeError("/srv/fianza/secret/path KeyError")

    monkeypatch.setattr("core.resources.BeneficiaryImporter.save_chunk", broken)
    imports.import_job_confirm(actor=world.admin, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "/srv" not in job.message
    assert job.message.startswith("The import stopped because of an unexpected error")
    assert Beneficiary.objects.count() == 2


# Two imports confirmed at once that clash ---------------------------------------------------

@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_clashing_imports_name_the_row_in_the_users_language(world, settings):
    """The loser of two saves racing on one A-number gets the row error a sequential clash
    gets (in Spanish for a Spanish-speaking user), never the database's message."""
    import threading

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection as conn

    world.admin.language = "es"
    world.admin.save()
    header = "consulate,given_names,family_names,date_of_birth,a_number\n"
    jobs = []
    for i, name in enumerate(["Ana,Ruiz Paz,1990-01-01", "Berta,Solis Luna,1991-02-02"]):
        upload = SimpleUploadedFile(f"f{i}.csv", (header + f"CHI,{name},A-099-888-777\n"
                                                  ).encode())
        settings.FIANZA_IMPORTS_INLINE = True
        jobs.append(imports.import_job_create(actor=world.admin,
                                              kind=ImportJob.Kind.BENEFICIARIES, upload=upload))
    assert [j.status for j in jobs] == [ImportJob.Status.READY] * 2
    ImportJob.objects.filter(pk__in=[j.pk for j in jobs]).update(
        status=ImportJob.Status.SAVING)
    barrier = threading.Barrier(2)

    def worker(job_id):
        try:
            barrier.wait()
            imports.job_run(job_id, imports.SAVE)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(j.pk,)) for j in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    ends = {j.pk: ImportJob.objects.get(pk=j.pk) for j in jobs}
    done = [j for j in ends.values() if j.status == ImportJob.Status.DONE]
    failed = [j for j in ends.values() if j.status == ImportJob.Status.FAILED]
    assert len(done) == 1 and len(failed) == 1
    winner = Beneficiary.objects.get(a_number="099888777")
    with translation.override("es"):
        _ready, sequential = services.beneficiaries_check(
            actor=world.admin, rows=[(2, world.consulate_a, {
                "given_names": "X", "family_names": "Y",
                "date_of_birth": datetime.date(1992, 3, 3), "a_number": "A-099-888-777"},
                False)])
    assert failed[0].errors == [{"line": 2, "message": sequential[0][1]}]
    assert winner.reference in failed[0].errors[0]["message"]
    assert "duplicate key" not in str(failed[0].errors) and failed[0].message == (
        "Una fila falló al guardarse; no se guardó nada.")
