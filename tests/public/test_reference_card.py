import io

from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from core.models import AuditEvent, Beneficiary, IssuedDocument
from tests.helpers import sign_in


def card_url(beneficiary):
    return reverse("public:reference_card", args=[beneficiary.pk])


def signed_in(user):
    return sign_in(Client(), user)


def test_an_officer_prints_a_bilingual_card_that_explains_the_lookup(family):
    response = signed_in(family.officer_a).post(card_url(family.ben_a))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "CHI-2026-000456" in text
    assert "http://testserver/status/" in text
    assert "date of birth" in text
    assert "+1 312 738 2383" in text
    document = IssuedDocument.objects.get()
    assert (document.kind, document.object_id) == ("reference_card", str(family.ben_a.pk))
    assert document.consulate_id == family.consulate_a.pk
    assert AuditEvent.objects.filter(action="document.issue").count() == 1


def test_the_card_page_offers_the_print_button_to_those_who_may_issue(family):
    officer_page = signed_in(family.officer_a).get(card_url(family.ben_a)).content.decode()
    auditor_page = signed_in(family.auditor).get(card_url(family.ben_a)).content.decode()
    assert "Print the card (PDF)" in officer_page
    assert "CHI-2026-000456" in auditor_page and "Print the card (PDF)" not in auditor_page


def test_auditors_read_but_never_issue(family):
    assert signed_in(family.auditor).post(card_url(family.ben_a)).status_code == 403
    assert not IssuedDocument.objects.exists()


def test_other_tenants_and_partners_cannot_print(family):
    assert signed_in(family.officer_b).post(card_url(family.ben_a)).status_code == 404
    assert signed_in(family.partner_x_staff).post(card_url(family.ben_a)).status_code == 403
    anonymous = Client().post(card_url(family.ben_a))
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    assert not IssuedDocument.objects.exists()


def test_no_card_without_consent_because_the_lookup_would_not_find_the_case(family):
    Beneficiary.objects.filter(pk=family.ben_a.pk).update(consents_to_family_lookup=False)
    client = signed_in(family.officer_a)
    response = client.post(card_url(family.ben_a), follow=True)
    assert response.status_code == 200
    assert "has not consented" in response.content.decode()
    assert not IssuedDocument.objects.exists()


def test_the_card_is_a_staff_page_outside_the_public_prefix(family):
    assert card_url(family.ben_a) == f"/beneficiaries/{family.ben_a.pk}/reference-card/"
    assert signed_in(family.officer_a).get(f"/status/card/{family.ben_a.pk}/").status_code \
        == 404


def test_the_card_needs_the_second_factor_the_lookup_does_not(family):
    password_only = Client()
    password_only.force_login(family.officer_a)  # no device yet
    response = password_only.get(card_url(family.ben_a))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")
    assert password_only.get(reverse("public:lookup")).status_code == 200
