"""The bulk beneficiary import: the same rules as beneficiary_create, in a few queries per
chunk, references as a block, audit events chained in bulk."""

import datetime

import pytest
from django.core.exceptions import ValidationError
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


def test_saving_reports_progress_per_chunk(world, monkeypatch, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.FIANZA_IMPORTS_INLINE = True
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    lines = ["consulate,given_names,family_names,date_of_birth"] + [
        f"CHI,{p['given_names']},{p['family_names']},{p['date_of_birth']}"
        for p in map(person, range(5))]
    upload = SimpleUploadedFile("p.csv", "\n".join(lines).encode())
    job = imports.import_job_create(actor=world.admin, kind=ImportJob.Kind.BENEFICIARIES,
                                    upload=upload)
    assert job.status == ImportJob.Status.READY and Beneficiary.objects.count() == 2
    progress = []
    real = imports.cache.set
    monkeypatch.setattr(imports.cache, "set",
                        lambda key, value, *a: (progress.append(value), real(key, value, *a)))
    imports.import_job_confirm(actor=world.admin, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 5
    assert progress == [2, 4, 5]
    assert imports.saving_progress(job) is None
