"""Safe exports and the beneficiary import (chunked, all or nothing, through the service)."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from bondfund.models import BondRequest
from core import imports
from core.exports import csv_stream, neutralise, xlsx_bytes
from core.models import AuditEvent, Beneficiary
from core.models_imports import ImportJob
from tests.documents_helpers import URLS, xlsx_cells
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]
DANGEROUS = ["=1+2", "+1", "-1+1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK(\"http://x\")"]
COLUMNS = ["consulate", "given_names", "family_names", "date_of_birth", "a_number", "curp"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_cells_are_prefixed_with_a_quote(value):
    assert neutralise(value) == "'" + value


def test_plain_values_are_left_alone():
    assert neutralise("Núñez") == "Núñez"
    assert neutralise(-5) == -5
    assert neutralise(datetime.date(2025, 1, 2)) == datetime.date(2025, 1, 2)
    assert neutralise(None) == ""


def test_csv_and_xlsx_read_back_neutralised():
    rows = [[v, 3] for v in DANGEROUS]
    text = "".join(csv_stream(["value", "n"], rows)).lstrip("\ufeff")
    read = list(csv.reader(io.StringIO(text, newline="")))
    # (the csv module reads a quoted CR back as LF: compare what follows the quote loosely)
    assert [r[0].replace("\n", "\r") for r in read[1:]] == ["'" + v for v in DANGEROUS]
    cells = xlsx_cells(xlsx_bytes(["value", "n"], rows))
    assert [r[0].replace("\n", "\r") for r in cells[1:]] == ["'" + v for v in DANGEROUS]
    assert all(r[1] == 3 for r in cells[1:])


@pytest.fixture(autouse=True)
def _inline_imports(settings):
    settings.FIANZA_IMPORTS_INLINE = True


def _csv_upload(rows, name="people.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), "text/csv")


def _xlsx_upload(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("people.xlsx", out.getvalue())


GOOD = [["CHI", "Juana", "Pérez Luna", "1990-04-02", "A-123-456-789", ""],
        ["lax", "Pedro", "Ramírez Soto", "1985-12-31", "", ""]]


def _upload(client, world, upload):
    sign_in(client, world.admin)
    response = client.post(reverse("core:beneficiary_import"), {"file": upload})
    assert response.status_code == 302, response.content[:800]
    return ImportJob.objects.latest("id")


def test_import_previews_then_saves_every_row_through_the_service(client, world):
    job = _upload(client, world, _csv_upload(GOOD))
    assert job.status == ImportJob.Status.READY and job.processed_rows == 2
    assert Beneficiary.objects.count() == 2  # only the world's: nothing saved yet
    page = client.get(reverse("core:import_job_detail", args=[job.pk]))
    assert b"Juana" in page.content and b"Save all 2 rows" in page.content
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 2
    juana = Beneficiary.objects.get(given_names="Juana")
    assert juana.a_number == "123456789" and juana.reference.startswith("CHI-")
    assert Beneficiary.objects.get(given_names="Pedro").consulate == world.consulate_b
    assert AuditEvent.objects.filter(action="beneficiary.create").count() == 2


def test_xlsx_import(client, world):
    rows = [["CHI", "Lucía", "Ortega", datetime.date(1992, 1, 5), "", ""]]
    job = _upload(client, world, _xlsx_upload(rows))
    assert job.status == ImportJob.Status.READY, job.errors
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert Beneficiary.objects.filter(given_names="Lucía",
                                      date_of_birth=datetime.date(1992, 1, 5)).exists()


def test_one_bad_row_saves_nothing_and_is_listed_by_line(client, world):
    bad = GOOD + [["XXX", "Ana", "Mora", "1990-01-01", "", ""],
                  ["CHI", "Eva", "Ruiz", "not a date", "", ""],
                  ["CHI", "Juana", "Pérez Luna", "1990-04-02", "123456789", ""]]
    job = _upload(client, world, _csv_upload(bad))
    assert job.status == ImportJob.Status.INVALID
    lines = {e["line"] for e in job.errors}
    assert {4, 5, 6} <= lines and 2 not in lines
    response = client.post(reverse("core:import_job_confirm", args=[job.pk]))
    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2
    page = client.get(reverse("core:import_job_detail", args=[job.pk]))
    assert b"No consulate has the code XXX" in page.content


def test_a_row_failing_while_saving_rolls_back_the_whole_file(client, world, monkeypatch):
    job = _upload(client, world, _csv_upload(GOOD))
    Beneficiary.objects.create(reference="LAX-X", consulate=world.consulate_a,
                               given_names="Otro", family_names="Nombre",
                               date_of_birth=datetime.date(1970, 1, 1), a_number="123456789")
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Beneficiary.objects.filter(given_names__in=["Juana", "Pedro"]).exists()


def test_existing_a_number_is_refused(client, world):
    world.ben_a.a_number = "123456789"
    world.ben_a.save()
    job = _upload(client, world, _csv_upload(GOOD))
    assert job.status == ImportJob.Status.INVALID
    assert world.ben_a.reference in job.errors[0]["message"]


def test_large_file_is_read_in_chunks_with_progress(client, world, monkeypatch):
    monkeypatch.setattr(imports, "CHUNK_ROWS", 2)
    seen = []
    real_save = ImportJob.save

    def spy(self, *args, **kwargs):
        seen.append(self.processed_rows)
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ImportJob, "save", spy)
    rows = [["CHI", f"Persona{i}", f"Apellido{i}", f"19{50 + i}-01-01", "", ""]
            for i in range(5)]
    job = _upload(client, world, _csv_upload(rows))
    assert job.status == ImportJob.Status.READY
    assert {2, 4, 5} <= set(seen)


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x", "auditor"])
def test_only_program_admins_import(client, world, persona):
    sign_in(client, world.personas[persona])
    assert client.get(reverse("core:beneficiary_import")).status_code == 403
    response = client.post(reverse("core:beneficiary_import"), {"file": _csv_upload(GOOD)})
    assert response.status_code == 403
    assert not ImportJob.objects.exists()


def test_someone_elses_job_is_not_found(client, world):
    job = _upload(client, world, _csv_upload(GOOD))
    sign_in(client, world.auditor)
    assert client.get(reverse("core:import_job_detail", args=[job.pk])).status_code == 404
    assert client.post(reverse("core:import_job_confirm", args=[job.pk])).status_code == 404


def _grant(user, codename, model=Beneficiary):
    from django.contrib.auth.models import Permission
    from django.contrib.contenttypes.models import ContentType

    user.user_permissions.add(Permission.objects.get(
        codename=codename, content_type=ContentType.objects.get_for_model(model)))


def test_the_import_permission_without_the_role_is_refused(client, world):
    _grant(world.auditor, "import_beneficiary")
    sign_in(client, world.auditor)
    assert client.get(reverse("core:beneficiary_import")).status_code == 403


def test_the_role_without_the_import_permission_is_refused(client, world):
    world.admin.user_permissions.clear()
    sign_in(client, world.admin)
    assert client.get(reverse("core:beneficiary_import")).status_code == 403
    assert client.get(reverse("core:bond_request_import")).status_code == 403
    response = client.post(reverse("core:beneficiary_import"), {"file": _csv_upload(GOOD)})
    assert response.status_code == 403 and not ImportJob.objects.exists()


def test_the_role_without_the_export_permission_is_refused(client, world):
    world.officer_a.user_permissions.clear()
    sign_in(client, world.officer_a)
    assert client.get(reverse("bondfund:requests_export", args=["csv"])).status_code == 403
    _grant(world.officer_a, "export_bondrequest", BondRequest)
    assert client.get(reverse("bondfund:requests_export", args=["csv"])).status_code == 200


def test_the_export_permission_without_the_role_is_refused(client, world):
    _grant(world.partner_x_staff, "export_bondrequest", BondRequest)
    sign_in(client, world.partner_x_staff)
    assert client.get(reverse("bondfund:requests_export", args=["csv"])).status_code == 403
