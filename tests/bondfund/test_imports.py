"""Program administrators import bond requests: preview with row errors, confirm, drafts
created all or nothing; officers then submit them as any other draft."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from bondfund import services
from bondfund.models import BondRequest, DetentionCase, State
from core.audit import audit_verify
from core.models import AuditEvent
from core.models_imports import ImportJob
from tests.bondfund.factories import make_program, qualifying_answers
from tests.documents_helpers import URLS
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]
COLUMNS = ["case_reference", "a_number", "program", "facility", "detained_on", "authority",
           "decided_on", "judge_or_court", "amount", "bond_type", "obligor EIN", "conditions"]


@pytest.fixture(autouse=True)
def _inline_and_english(settings):
    settings.FIANZA_IMPORTS_INLINE = True
    with translation.override("en"):
        yield


@pytest.fixture
def program(world):
    return make_program(world)


def row(world, program, **changes):
    values = {"case_reference": world.ben_a.reference, "a_number": "",
              "program": program.name, "facility": "Broadview Processing Center",
              "detained_on": "2025-11-01", "authority": "IJ", "decided_on": "2025-11-10",
              "judge_or_court": "IJ Chicago", "amount": "6000", "bond_type": "delivery",
              "obligor EIN": world.partner_x.ein, "conditions": "Report monthly"}
    values.update(changes)
    return [values[c] for c in COLUMNS]


def _csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile("bonds.csv", out.getvalue().encode(), "text/csv")


def _upload(client, user, upload):
    sign_in(client, user)
    response = client.post(reverse("core:bond_request_import"), {"file": upload})
    assert response.status_code == 302, response.content[:800]
    return ImportJob.objects.latest("id")


def test_import_creates_drafts_that_officers_submit(client, world, program):
    world.ben_b.a_number = "087654321"
    world.ben_b.save()
    rows = [row(world, program),
            row(world, program, case_reference="", a_number="A-087-654-321",
                **{"obligor EIN": world.partner_y.ein, "amount": "12500.50"})]
    job = _upload(client, world.admin, _csv(rows))
    assert job.status == ImportJob.Status.READY, job.errors
    assert not BondRequest.objects.exists()  # checked, nothing written yet
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 2
    first = BondRequest.objects.get(beneficiary=world.ben_a)
    assert first.state == State.DRAFT and first.created_by == world.admin
    assert first.obligor == world.partner_x and first.authority == "ij"
    assert first.detention_case.facility == "Broadview Processing Center"
    assert str(BondRequest.objects.get(beneficiary=world.ben_b).amount.amount) == "12500.50"
    assert AuditEvent.objects.filter(action="bond_request.create").count() == 2
    assert audit_verify() == []
    services.bond_request_update(actor=world.officer_a, request_id=first.pk,
                                 eligibility_answers=qualifying_answers(program))
    submitted = services.bond_request_submit(actor=world.officer_a, request_id=first.pk)
    assert submitted.state == State.SUBMITTED


def test_xlsx_import(client, world, program):
    workbook = Workbook()
    workbook.active.append(COLUMNS)
    workbook.active.append(row(world, program))
    out = io.BytesIO()
    workbook.save(out)
    job = _upload(client, world.admin, SimpleUploadedFile("bonds.xlsx", out.getvalue()))
    assert job.status == ImportJob.Status.READY, job.errors


def test_a_bad_row_saves_nothing_and_each_error_has_its_line(client, world, program):
    rows = [row(world, program),
            row(world, program, case_reference="CHI-2020-999999"),
            row(world, program, amount="1499.99"),
            row(world, program, authority="sheriff", detained_on="yesterday")]
    job = _upload(client, world.admin, _csv(rows))
    assert job.status == ImportJob.Status.INVALID
    errors = {}
    for error in job.errors:
        errors.setdefault(error["line"], []).append(error["message"])
    assert 2 not in errors
    assert "No beneficiary on record" in errors[3][0]
    assert "below the USD 1,500 statutory minimum" in errors[4][0]
    assert len(errors[5]) == 2
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert not BondRequest.objects.exists() and not DetentionCase.objects.exists()


def test_an_obligor_not_serving_the_consulate_is_a_row_error(world, program):
    values = {"beneficiary_reference": world.ben_a.reference, "program": program.name,
              "facility": "Broadview", "detained_on": "2025-11-01",
              "obligor_ein": world.partner_y.ein, "authority": "ice"}
    created, errors = services.bond_requests_import(actor=world.admin, rows=[(7, values)])
    assert created == [] and errors[0][0] == 7 and "cannot be the obligor" in errors[0][1]


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x", "auditor"])
def test_only_program_admins_import_bond_requests(client, world, program, persona):
    sign_in(client, world.personas[persona])
    response = client.post(reverse("core:bond_request_import"),
                           {"file": _csv([row(world, program)])})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    with pytest.raises(Exception, match="PermissionDenied|^$"):
        services.bond_requests_import(actor=world.personas[persona], rows=[])
