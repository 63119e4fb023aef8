"""Program administrators import bond requests: preview with row errors, confirm, drafts
created all or nothing; officers then submit them as any other draft."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from djmoney.money import Money
from openpyxl import Workbook

from bondfund import services
from bondfund.models import Authority, BondRequest, BondType, DetentionCase, State
from bondfund.resources import BOND_REQUEST_HEADERS
from core.audit import audit_verify
from core.models import AuditEvent
from core.models_imports import ImportJob
from tests.bondfund.factories import make_program, qualifying_answers
from tests.documents_helpers import URLS
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]
COLUMNS = ["case_reference", "a_number", "program", "facility", "detained_on", "authority",
           "decided_on", "judge_or_court", "amount", "bond_type", "obligor EIN",
           "eligibility_answers", "conditions"]


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
              "obligor EIN": world.partner_x.ein, "eligibility_answers": "yes;no",
              "conditions": "Report monthly"}
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
    assert first.eligibility_answers == {str(k): v for k, v in
                                         qualifying_answers(program).items()}
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
              "obligor_ein": world.partner_y.ein, "authority": "ice",
              "eligibility_answers": [True, False]}
    result = services.bond_requests_import(actor=world.admin, rows=[(7, values)])
    assert result.created == [] and result.errors[0][0] == 7
    assert "cannot be the obligor" in result.errors[0][1]


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x", "auditor"])
def test_only_program_admins_import_bond_requests(client, world, program, persona):
    sign_in(client, world.personas[persona])
    response = client.post(reverse("core:bond_request_import"),
                           {"file": _csv([row(world, program)])})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()
    with pytest.raises(Exception, match="PermissionDenied|^$"):
        services.bond_requests_import(actor=world.personas[persona], rows=[])


# Same rules as submission ------------------------------------------------------------------

def _errors_by_line(job):
    found = {}
    for error in job.errors:
        found.setdefault(error["line"], []).append(error["message"])
    return found


def test_a_bond_ice_set_needs_no_judge_one_a_judge_set_does(client, world, program):
    job = _upload(client, world.admin, _csv([
        row(world, program, authority="ICE", judge_or_court=""),
        row(world, program, authority="IJ", judge_or_court="", detained_on="2025-10-01")]))
    errors = _errors_by_line(job)
    assert 2 not in errors
    assert "judge or court" in errors[3][0]
    assert not BondRequest.objects.exists()


def test_rows_submission_would_refuse_are_refused_with_their_line(client, world, program):
    job = _upload(client, world.admin, _csv([
        row(world, program, **{"obligor EIN": ""}),
        row(world, program, eligibility_answers="yes;yes", detained_on="2025-10-01"),
        row(world, program, eligibility_answers="", detained_on="2025-09-01"),
        row(world, program, amount="30000", detained_on="2025-08-01")]))
    errors = _errors_by_line(job)
    assert job.status == ImportJob.Status.INVALID
    assert "obligor" in errors[2][0]
    assert "criminal record" in " ".join(errors[3])
    assert "checklist questions" in errors[4][0]
    assert "per-case maximum" in errors[5][0]


def test_every_row_the_import_accepts_is_submitted_by_the_bulk_submit(client, world, program):
    world.ben_b.a_number = "087654321"
    world.ben_b.save()
    rows = [row(world, program), row(world, program, authority="ice", judge_or_court="",
                                     detained_on="2025-12-01", bond_type="order_of_supervision"),
            row(world, program, case_reference="", a_number="087654321",
                **{"obligor EIN": world.partner_y.ein})]
    job = _upload(client, world.admin, _csv(rows))
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert BondRequest.objects.filter(state=State.DRAFT).count() == 3
    for officer, count in ((world.officer_a, 2), (world.officer_b, 1)):
        sign_in(client, officer)
        listed = client.get(reverse("bondfund:request_list") + f"?import_job={job.pk}")
        assert len(listed.context["page"].object_list) == count
        response = client.post(reverse("bondfund:request_submit_many"),
                               {"import_job": str(job.pk)})
        assert response.status_code == 200
        outcomes = response.context["outcomes"]
        assert len(outcomes) == count and all(o.submitted for o in outcomes)
    assert BondRequest.objects.filter(state=State.SUBMITTED).count() == 3


def test_bulk_submit_gives_each_draft_its_outcome_and_reaches_only_own_drafts(client, world,
                                                                              program):
    ready = services.bond_request_create(
        actor=world.officer_a, beneficiary=world.ben_a, program=program, facility="Broadview",
        detained_on=datetime.date(2025, 11, 1), obligor=world.partner_x,
        eligibility_answers=qualifying_answers(program), authority="ice",
        decided_on=datetime.date(2025, 11, 2), amount=Money(6000, "USD"), bond_type="delivery")
    incomplete = services.bond_request_create(
        actor=world.officer_a, beneficiary=world.ben_a, program=program, facility="Broadview",
        detained_on=datetime.date(2025, 10, 1))
    other = services.bond_request_create(
        actor=world.officer_b, beneficiary=world.ben_b, program=program, facility="Adelanto",
        detained_on=datetime.date(2025, 10, 1))
    sign_in(client, world.officer_a)
    response = client.post(reverse("bondfund:request_submit_many"),
                           {"request": [ready.pk, incomplete.pk, other.pk]})
    outcomes = {o.bond.pk: o for o in response.context["outcomes"]}
    assert set(outcomes) == {ready.pk, incomplete.pk}
    assert outcomes[ready.pk].submitted
    assert not outcomes[incomplete.pk].submitted
    assert "incomplete" in outcomes[incomplete.pk].reason
    states = dict(BondRequest.objects.values_list("pk", "state"))
    assert states == {ready.pk: State.SUBMITTED, incomplete.pk: State.DRAFT,
                      other.pk: State.DRAFT}
    sign_in(client, world.admin)
    assert client.post(reverse("bondfund:request_submit_many"),
                       {"request": [other.pk]}).status_code == 403


# Re-importing ----------------------------------------------------------------------------------

def test_reimporting_skips_cases_on_record_and_says_how_many_are_new(client, world, program):
    first = _upload(client, world.admin, _csv([row(world, program)]))
    client.post(reverse("core:import_job_confirm", args=[first.pk]))
    again = _upload(client, world.admin, _csv([row(world, program)]))
    assert again.status == ImportJob.Status.DONE and again.saved_count == 0
    assert again.unmatched == [{"line": 2, "identifier": world.ben_a.reference}]
    page = client.get(reverse("core:import_job_detail", args=[again.pk]))
    assert f"already imported ({world.ben_a.reference})" in page.content.decode()

    mixed = _upload(client, world.admin, _csv([row(world, program),
                                               row(world, program, detained_on="2025-12-01")]))
    assert mixed.status == ImportJob.Status.READY
    page = client.get(reverse("core:import_job_detail", args=[mixed.pk])).content.decode()
    assert "1 new rows will be saved; 1 rows are left out" in page
    client.post(reverse("core:import_job_confirm", args=[mixed.pk]))
    mixed.refresh_from_db()
    assert mixed.saved_count == 1 and BondRequest.objects.count() == 2


def test_a_case_twice_in_one_file_is_a_row_error(client, world, program):
    job = _upload(client, world.admin, _csv([row(world, program), row(world, program)]))
    assert _errors_by_line(job) == {3: ["This case repeats line 2 of the file."]}


# The pages that explain the file ------------------------------------------------------------

def test_the_upload_page_explains_columns_and_codes_from_the_real_choices(client, world,
                                                                          program):
    sign_in(client, world.admin)
    page = client.get(reverse("core:bond_request_import")).content.decode()
    for column in BOND_REQUEST_HEADERS:
        assert f"<code>{column}</code>" in page
    for code, label in Authority.choices + BondType.choices:
        assert f"<code>{code}</code> — {label}" in page
    assert program.name in page and "Has a criminal record?" in page
    assert reverse("core:import_sample", args=["bond_requests"]) in page
    listed = client.get(reverse("bondfund:request_list")).content.decode()
    assert reverse("core:bond_request_import") in listed


def test_the_sample_file_has_the_documented_columns(client, world, program):
    sign_in(client, world.admin)
    response = client.get(reverse("core:import_sample", args=["bond_requests"]))
    lines = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert tuple(lines[0]) == BOND_REQUEST_HEADERS
    assert len(lines[1]) == len(BOND_REQUEST_HEADERS)


def test_the_progress_fragment_polls_while_running_and_sends_to_the_page_after(client, world):
    job = ImportJob.objects.create(kind=ImportJob.Kind.BOND_REQUESTS, file_name="imports/z.csv",
                                   original_name="z.csv", file_format="csv",
                                   status=ImportJob.Status.VALIDATING, processed_rows=40,
                                   created_by=world.admin)
    sign_in(client, world.admin)
    page = client.get(reverse("core:import_job_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and "htmx.min.js" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    fragment = client.get(reverse("core:import_job_progress", args=[job.pk]),
                          headers={"HX-Request": "true"})
    assert "40 rows checked so far" in fragment.content.decode()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.INVALID)
    done = client.get(reverse("core:import_job_progress", args=[job.pk]),
                      headers={"HX-Request": "true"})
    assert done.status_code == 204
    assert done["HX-Redirect"] == reverse("core:import_job_detail", args=[job.pk])
