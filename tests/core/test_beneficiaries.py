import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core import services
from core.dedupe import MatchKind, find_matches, name_similarity, normalize_name
from core.models import AuditEvent, Beneficiary
from tests.core.factories import make_curp
from tests.helpers import sign_in

DOB = datetime.date(1985, 2, 3)


def new_person(**overrides):
    fields = {"given_names": "Héctor Manuel", "family_names": "Núñez Ibarra",
              "date_of_birth": DOB, "a_number": "", "curp": ""}
    fields.update(overrides)
    return fields


def test_reference_is_allocated_per_consulate_and_year(frozen_clock, world):
    first = services.beneficiary_create(actor=world.officer_a, consulate=world.consulate_a,
                                        **new_person(a_number="A-301-000-001"))
    second = services.beneficiary_create(
        actor=world.officer_a, consulate=world.consulate_a,
        **new_person(given_names="Otro", family_names="Distinto", a_number="301000002"),
    )
    assert first.reference == "CHI-2026-000001"  # frozen_clock: 1 December 2026
    assert second.reference == "CHI-2026-000002"
    assert first.a_number == "301000001"
    assert AuditEvent.objects.filter(action="beneficiary.create", object_id=str(first.pk),
                                     consulate=world.consulate_a).exists()


def test_officer_cannot_create_at_another_consulate_and_auditor_not_at_all(world):
    with pytest.raises(PermissionDenied):
        services.beneficiary_create(actor=world.officer_b, consulate=world.consulate_a,
                                    **new_person())
    with pytest.raises(PermissionDenied):
        services.beneficiary_create(actor=world.auditor, consulate=world.consulate_a,
                                    **new_person())


def test_same_a_number_anywhere_is_refused_even_when_confirmed(world):
    with pytest.raises(services.DuplicateRefused) as refused:
        services.beneficiary_create(
            actor=world.officer_b, consulate=world.consulate_b, confirm_distinct=True,
            **new_person(a_number=world.ben_a.a_number_display),
        )
    assert [m.beneficiary for m in refused.value.matches] == [world.ben_a]
    assert refused.value.matches[0].kind == MatchKind.A_NUMBER
    assert not Beneficiary.objects.filter(family_names="Núñez Ibarra").exists()


def test_same_curp_is_refused(world):
    with pytest.raises(services.DuplicateRefused) as refused:
        services.beneficiary_create(actor=world.officer_a, consulate=world.consulate_a,
                                    confirm_distinct=True,
                                    **new_person(curp=world.ben_b.curp.lower(),
                                                 date_of_birth=world.ben_b.date_of_birth))
    assert refused.value.matches[0].kind == MatchKind.CURP


def test_near_name_and_same_birth_date_is_shown_first_then_allowed_when_confirmed(world):
    existing = services.beneficiary_create(actor=world.officer_a, consulate=world.consulate_a,
                                           **new_person())
    twin = new_person(given_names="hector manuel", family_names="Nunez Ybarra")
    with pytest.raises(services.DuplicateSuspected) as suspected:
        services.beneficiary_create(actor=world.officer_b, consulate=world.consulate_b, **twin)
    assert [(m.beneficiary, m.kind) for m in suspected.value.matches] == [
        (existing, MatchKind.NAME_AND_BIRTH)]
    created = services.beneficiary_create(actor=world.officer_b, consulate=world.consulate_b,
                                          confirm_distinct=True, **twin)
    assert created.consulate == world.consulate_b
    event = AuditEvent.objects.get(action="beneficiary.create", object_id=str(created.pk))
    assert event.changes["confirmed_distinct_from"] == [existing.reference]


def test_a_different_birth_date_or_name_is_not_a_match(world):
    services.beneficiary_create(actor=world.officer_a, consulate=world.consulate_a,
                                **new_person())
    assert find_matches(given_names="Héctor Manuel", family_names="Núñez Ibarra",
                        date_of_birth=datetime.date(1987, 8, 3)) == []  # two digits off
    assert find_matches(given_names="Guillermo", family_names="Salas Pineda",
                        date_of_birth=DOB) == []


def test_names_compare_without_accents_case_or_order():
    assert normalize_name("  JOSÉ  Ñúñez-López ") == "jose nunez lopez"
    assert name_similarity("Pérez López Juan", "juan perez lopez") == 1.0


def test_create_page_shows_another_consulates_match_without_its_personal_data(client, world):
    sign_in(client, world.officer_b)
    response = client.post(reverse("core:beneficiary_create"), {
        "consulate": world.consulate_b.pk, "given_names": "Ximena",
        "family_names": "Alvarado Quintero", "date_of_birth": world.ben_a.date_of_birth,
        "country_of_birth": "MX", "a_number": world.ben_a.a_number,
        "preferred_language": "es",
    })
    assert response.status_code == 200
    body = response.content.decode()
    assert world.ben_a.reference in body
    assert world.consulate_a.name in body
    assert "a program administrator can merge" in body.lower()
    assert world.ben_a.curp not in body
    assert Beneficiary.objects.filter(consulate=world.consulate_b).count() == 1


def test_create_page_lists_near_matches_and_creates_once_confirmed(client, world):
    sign_in(client, world.officer_a)
    data = {
        "consulate": world.consulate_a.pk, "given_names": "Ximena",
        "family_names": "Alvarado Quinteros", "date_of_birth": world.ben_a.date_of_birth,
        "country_of_birth": "MX", "preferred_language": "es",
    }
    response = client.post(reverse("core:beneficiary_create"), data)
    assert response.status_code == 200
    assert reverse("core:beneficiary_detail", args=[world.ben_a.pk]) in response.content.decode()
    response = client.post(reverse("core:beneficiary_create"), {**data, "confirm_distinct": "on"})
    created = Beneficiary.objects.get(family_names="Alvarado Quinteros")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:beneficiary_detail", args=[created.pk])


def test_bad_identifiers_are_shown_on_the_form(client, world):
    sign_in(client, world.officer_a)
    response = client.post(reverse("core:beneficiary_create"), {
        "consulate": world.consulate_a.pk, "given_names": "Luz", "family_names": "Peña",
        "date_of_birth": "1990-01-01", "country_of_birth": "MX", "preferred_language": "es",
        "a_number": "12", "curp": "NOTACURP",
    })
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"a_number", "curp"}
    assert not Beneficiary.objects.filter(given_names="Luz").exists()


def test_edit_saves_and_audits_changes(client, world):
    sign_in(client, world.officer_a)
    ben = world.ben_a
    response = client.post(reverse("core:beneficiary_edit", args=[ben.pk]), {
        "given_names": ben.given_names, "family_names": ben.family_names,
        "date_of_birth": ben.date_of_birth, "country_of_birth": "MX",
        "a_number": ben.a_number, "curp": ben.curp, "preferred_language": "nah",
        "phone": "+1 312 555 0199", "consents_to_family_lookup": "on",
    })
    assert response.status_code == 302
    ben.refresh_from_db()
    assert ben.preferred_language == "nah"
    event = AuditEvent.objects.get(action="beneficiary.update", object_id=str(ben.pk))
    assert event.changes["preferred_language"] == ["es", "nah"]


def test_edit_cannot_take_another_records_a_number(world):
    with pytest.raises(services.DuplicateRefused):
        services.beneficiary_update(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                                    a_number=world.ben_b.a_number)
    world.ben_a.refresh_from_db()
    assert world.ben_a.a_number != world.ben_b.a_number


def test_family_contacts_are_added_and_removed_with_post(client, world):
    sign_in(client, world.officer_a)
    url = reverse("core:family_contact_create", args=[world.ben_a.pk])
    client.post(url, {"name": "Rosa Quintero", "relationship": "mother", "phone": "555"})
    contact = world.ben_a.family_contacts.get()
    delete = reverse("core:family_contact_delete", args=[world.ben_a.pk, contact.pk])
    assert client.get(delete).status_code == 405
    assert client.post(delete).status_code == 302
    # A replayed POST changes nothing and says so.
    response = client.post(delete, follow=True)
    assert "already removed" in response.content.decode()
    assert AuditEvent.objects.filter(action="beneficiary.family_contact_remove").count() == 1


def test_lists_are_scoped_and_hide_merged_records(client, world):
    sign_in(client, world.officer_a)
    response = client.get(reverse("core:beneficiary_list"))
    names = [b.pk for b in response.context["page"].object_list]
    assert names == [world.ben_a.pk]
    sign_in(client, world.auditor)
    response = client.get(reverse("core:beneficiary_list"), {"q": world.ben_b.a_number})
    assert [row.beneficiary.pk for row in response.context["rows"]] == [world.ben_b.pk]


def test_partner_staff_are_refused_beneficiary_pages(client, world):
    sign_in(client, world.partner_x_staff)
    assert client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk])).status_code \
        == 403
    assert client.get(reverse("core:beneficiary_list")).status_code == 403


def test_factories_make_valid_curps():
    from core.validators import normalize_curp

    for n in range(20):
        assert normalize_curp(make_curp(n))
