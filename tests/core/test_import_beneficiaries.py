"""A file of people: consent to be messaged recorded and audited as the form records it, the
case reference of the year the case was opened, and the columns the page documents being
the ones the importer reads."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from core.audit import audit_verify
from core.consent import CONSENT_GIVE
from core.models import AuditEvent, Beneficiary
from core.models_imports import ImportJob
from core.resources import IMPORT_FIELDS, SERVICE_FIELDS
from core.views_imports import BENEFICIARY_COLUMNS
from tests.documents_helpers import URLS
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]
COLUMNS = ["consulate", "given_names", "family_names", "date_of_birth", "a_number",
           "message_consent", "message_channel", "mobile_number", "consent_comment",
           "opened_on"]


@pytest.fixture(autouse=True)
def _inline_and_english(settings):
    settings.FIANZA_IMPORTS_INLINE = True
    with translation.override("en"):
        yield


def _person(n, **changes):
    values = {"consulate": "CHI", "given_names": f"Persona{n}", "family_names": f"Q{n}z",
              "date_of_birth": "1988-02-0" + str(n), "a_number": f"03456780{n}",
              "message_consent": "", "message_channel": "", "mobile_number": "",
              "consent_comment": "", "opened_on": ""}
    values.update(changes)
    return [values[c] for c in COLUMNS]


def _import(client, world, people):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerows(people)
    sign_in(client, world.admin)
    client.post(reverse("core:beneficiary_import"),
                {"file": SimpleUploadedFile("people.csv", out.getvalue().encode())})
    job = ImportJob.objects.latest("id")
    if job.status == ImportJob.Status.READY:
        client.post(reverse("core:import_job_confirm", args=[job.pk]))
        job.refresh_from_db()
    return job


def test_consent_is_recorded_and_audited_with_the_importer_as_actor(client, world,
                                                                    frozen_clock):
    job = _import(client, world, [_person(1, message_consent="yes", message_channel="sms",
                                          mobile_number="+13125550101",
                                          consent_comment="Agreed at the visit"),
                                  _person(2)])
    assert job.status == ImportJob.Status.DONE, job.errors
    agreed = Beneficiary.objects.get(given_names="Persona1")
    assert agreed.message_consent and agreed.message_channel == "sms"
    event = AuditEvent.objects.get(action=CONSENT_GIVE)
    assert event.object_id == str(agreed.pk) and event.actor == world.admin
    assert event.comment == "Agreed at the visit"
    assert event.changes["message_consent"] == [False, True]
    assert not Beneficiary.objects.get(given_names="Persona2").message_consent
    assert audit_verify() == []


def test_a_consent_without_how_it_was_given_is_refused_with_its_line(client, world,
                                                                     frozen_clock):
    job = _import(client, world, [_person(1), _person(2, message_consent="yes",
                                                      message_channel="sms",
                                                      mobile_number="+13125550101")])
    assert job.status == ImportJob.Status.INVALID
    assert [e["line"] for e in job.errors] == [3]
    assert "how the person gave" in job.errors[0]["message"]
    assert not Beneficiary.objects.filter(given_names__startswith="Persona").exists()


def test_a_case_opened_in_an_earlier_year_gets_that_years_reference(client, world,
                                                                    frozen_clock):
    job = _import(client, world, [_person(1, opened_on="2025-03-10"),
                                  _person(2, opened_on="2025-11-30"), _person(3)])
    assert job.status == ImportJob.Status.DONE, job.errors
    references = dict(Beneficiary.objects.filter(given_names__startswith="Persona")
                      .values_list("given_names", "reference"))
    assert references["Persona1"] == "CHI-2025-000001"
    assert references["Persona2"] == "CHI-2025-000002"
    assert references["Persona3"].startswith("CHI-2026-")


def test_an_opening_day_in_the_future_is_refused(client, world, frozen_clock):
    job = _import(client, world, [_person(1, opened_on="2027-01-05")])
    assert job.status == ImportJob.Status.INVALID
    assert "in the future" in job.errors[0]["message"]


def test_the_documented_columns_are_the_ones_the_importer_reads():
    documented = {column.name for column in BENEFICIARY_COLUMNS}
    assert documented == {"consulate", "confirm_distinct", *SERVICE_FIELDS, *IMPORT_FIELDS}
    assert {c.name for c in BENEFICIARY_COLUMNS if c.required} == {
        "consulate", "given_names", "family_names", "date_of_birth"}


def test_the_beneficiary_list_links_to_the_import_for_administrators(client, world):
    sign_in(client, world.admin)
    assert reverse("core:beneficiary_import") in client.get(
        reverse("core:beneficiary_list")).content.decode()
    sign_in(client, world.officer_a)
    assert reverse("core:beneficiary_import") not in client.get(
        reverse("core:beneficiary_list")).content.decode()
