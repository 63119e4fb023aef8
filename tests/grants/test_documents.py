"""The grant award letter (PDF, both languages) and the grants export."""

import csv
import io

import pytest
from django.urls import reverse

from core.models import IssuedDocument
from grants.models import PayeeKind
from tests.documents_helpers import URLS, pdf_text, streamed
from tests.grants.factories import approved, make_application, make_program
from tests.helpers import sign_in

pytestmark = [pytest.mark.urls(URLS)]


@pytest.fixture
def program(world):
    return make_program(world)


def test_award_letter_prints_program_amount_and_payee_in_both_languages(client, world,
                                                                        program):
    application = approved(world, program)
    sign_in(client, world.officer_a)
    response = client.get(reverse("grants:award_pdf", args=[application.pk]))
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert text.count("USD 1,000.00") == 2
    assert text.count(program.name) == 2
    assert "María Alvarado" in text
    assert IssuedDocument.objects.get().kind == "grant_award"


def test_award_letter_of_a_partner_payee_for_that_partner_only(client, world, program):
    from decimal import Decimal

    from grants import services

    services.grant_partner_cap_set(actor=world.admin, program_id=program.pk,
                                   partner=world.partner_x, amount=Decimal("5000"))
    application = approved(world, program, payee_kind=PayeeKind.PARTNER,
                           payee_partner=world.partner_x)
    sign_in(client, world.partner_x_staff)
    assert client.get(reverse("grants:award_pdf", args=[application.pk])).status_code == 200
    for user in (world.partner_y_staff, world.officer_b):
        sign_in(client, user)
        assert client.get(reverse("grants:award_pdf", args=[application.pk])).status_code \
            == 404


def test_no_award_letter_for_a_draft(client, world, program):
    application = make_application(world, program)
    sign_in(client, world.officer_a)
    assert client.get(reverse("grants:award_pdf", args=[application.pk])).status_code == 302
    assert not IssuedDocument.objects.exists()


def test_grants_export_is_scoped_and_neutralised(client, world, program):
    application = make_application(world, program)
    application.payee_name = "@cmd|' /C calc'!A0"
    application.save()
    sign_in(client, world.officer_b)
    body = streamed(client.get(reverse("grants:applications_export", args=["csv"])))
    assert len(list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))) == 1
    sign_in(client, world.officer_a)
    body = streamed(client.get(reverse("grants:applications_export", args=["csv"])))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][8] == "'@cmd|' /C calc'!A0"
    sign_in(client, world.partner_x_staff)
    assert client.get(reverse("grants:applications_export", args=["csv"])).status_code == 403
