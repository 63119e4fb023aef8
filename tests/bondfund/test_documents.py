"""Bond documents: authorization letter and voucher PDFs, the case export, partners'
release-confirmation imports."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from bondfund import services
from bondfund.models import BondDocument, BondRequest, State
from core.models import IssuedDocument
from core.models_imports import ImportJob
from tests.bondfund.factories import checked_pdf, make_program, make_request, pay
from tests.documents_helpers import URLS, pdf_text, streamed, xlsx_cells
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]


def posted_bond(world, program, *, amount=6_000):
    """A bond of consulate A, partner X its obligor, paid and posted with ICE."""
    req = make_request(world, program, amount=amount)
    services.bond_request_approve(actor=world.approver_a, request_id=req.pk)
    pay(world, req, method="wire", reference="=WIRE-77", sent_on=datetime.date(2025, 11, 20))
    services.bond_request_confirm_posting(actor=world.partner_x_staff, request_id=req.pk,
                                          posted_on=datetime.date(2025, 11, 21),
                                          receipt=checked_pdf())
    return BondRequest.objects.get(pk=req.pk)


@pytest.fixture
def program(world):
    return make_program(world)


@pytest.fixture
def bond_a(world, program):
    world.ben_a.a_number = "012345678"
    world.ben_a.save()
    return posted_bond(world, program, amount=7_250)


def test_authorization_letter_prints_the_figures_in_spanish_and_english(client, world,
                                                                        bond_a):
    sign_in(client, world.officer_a)
    response = client.get(reverse("bondfund:authorization_pdf", args=[bond_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    text = pdf_text(response.content)
    assert text.count("USD 7,250.00") == 2  # once per language
    assert text.count("A-012-345-678") == 2
    assert "Midwest Immigrant Bond Project" in text
    assert "Bond authorization letter" in text
    assert "approver_a" in text
    document = IssuedDocument.objects.get(kind="bond_authorization")
    assert document.number in text and document.verification_code in text


def test_voucher_is_in_the_readers_language_with_amount_method_and_reference(
        client, world, bond_a):
    sign_in(client, world.partner_x_staff)
    for lang, paid_on in (("es", "20 de noviembre de 2025"), ("en", "Nov. 20, 2025")):
        response = client.get(reverse("bondfund:voucher_pdf", args=[bond_a.pk]),
                              {"lang": lang})
        assert response.status_code == 200
        text = pdf_text(response.content)
        assert "USD 7,250.00" in text and "=WIRE-77" in text and paid_on in text
        assert IssuedDocument.objects.filter(language=lang, kind="disbursement_voucher").exists()


def test_pdfs_of_another_tenant_are_not_found(client, world, bond_a):
    for user in (world.officer_b, world.partner_y_staff):
        sign_in(client, user)
        assert client.get(reverse("bondfund:authorization_pdf", args=[bond_a.pk])) \
            .status_code == 404
    assert not IssuedDocument.objects.exists()


def test_no_letter_before_approval(client, world, program):
    req = make_request(world, program)
    sign_in(client, world.officer_a)
    response = client.get(reverse("bondfund:authorization_pdf", args=[req.pk]))
    assert response.status_code == 302
    assert not IssuedDocument.objects.exists()


def test_case_export_neutralises_formulas_in_csv_and_xlsx(client, world, program):
    world.ben_a.given_names = "=HYPERLINK(\"http://evil\")"
    world.ben_a.save()
    make_request(world, program)
    sign_in(client, world.officer_a)
    body = streamed(client.get(reverse("bondfund:requests_export", args=["csv"])))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][3].startswith("'=HYPERLINK")
    cells = xlsx_cells(client.get(reverse("bondfund:requests_export", args=["xlsx"])).content)
    assert cells[1][3].startswith("'=HYPERLINK")
    assert "Bernardo" not in body.decode()  # officer A sees only consulate A's cases


def test_partners_may_not_export_cases(client, world):
    sign_in(client, world.partner_x_staff)
    assert client.get(reverse("bondfund:requests_export", args=["csv"])).status_code == 403


def _release_csv(rows):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["a_number", "case_reference", "release_date"])
    writer.writerows(rows)
    return SimpleUploadedFile("releases.csv", out.getvalue().encode(), "text/csv")


def _upload_releases(client, user, partner, rows):
    sign_in(client, user)
    response = client.post(reverse("bondfund:release_import"),
                           {"partner": partner.pk, "file": _release_csv(rows)})
    assert response.status_code == 302, response.content[:500]
    return ImportJob.objects.latest("id")


@pytest.fixture(autouse=True)
def _inline_imports(settings):
    settings.FIANZA_IMPORTS_INLINE = True


def test_partner_release_import_confirms_its_posted_bonds(client, world, bond_a):
    job = _upload_releases(client, world.partner_x_staff, world.partner_x,
                           [["A-012-345-678", "", "2025-12-01"], ["999999999", "", "2025-12-01"]])
    assert job.status == ImportJob.Status.READY
    assert [u["identifier"] for u in job.unmatched] == ["999999999"]
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    client.post(reverse("core:import_job_confirm", args=[job.pk]))  # double click
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.saved_count == 1
    bond_a.refresh_from_db()
    assert bond_a.state == State.RELEASED
    assert bond_a.released_on == datetime.date(2025, 12, 1)
    assert BondDocument.objects.filter(request=bond_a, kind="release").count() == 1


def test_partner_import_cannot_touch_another_partners_bonds(client, world, program, bond_a):
    job = _upload_releases(client, world.partner_y_staff, world.partner_y,
                           [["", bond_a.reference, "2025-12-01"],
                            ["", bond_a.beneficiary.reference, "2025-12-01"]])
    assert len(job.unmatched) == 2
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    bond_a.refresh_from_db()
    assert bond_a.state == State.POSTED
    sign_in(client, world.partner_y_staff)
    response = client.post(reverse("bondfund:release_import"),
                           {"partner": world.partner_x.pk, "file": _release_csv([])})
    assert response.status_code == 200  # partner X is not a choice for partner Y's staff
    assert ImportJob.objects.count() == 1


def test_a_bad_release_row_saves_nothing(client, world, bond_a):
    job = _upload_releases(client, world.partner_x_staff, world.partner_x,
                           [["A-012-345-678", "", "2025-12-01"], ["", "", "not a date"]])
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["line"] == 3
    client.post(reverse("core:import_job_confirm", args=[job.pk]))
    bond_a.refresh_from_db()
    assert bond_a.state == State.POSTED


def test_officers_cannot_import_releases(client, world):
    sign_in(client, world.officer_a)
    assert client.get(reverse("bondfund:release_import")).status_code == 403
