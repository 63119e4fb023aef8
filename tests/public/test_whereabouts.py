"""The family page says where the person is, in plain words, in Spanish and English."""

import datetime

import time_machine
from django.test import Client

from core.models import Beneficiary
from core.whereabouts import person_location_record, person_service_record
from tests.public.conftest import DOB, lookup


def record(world, **fields):
    return person_location_record(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                                  **fields)


@time_machine.travel(datetime.datetime(2026, 12, 10, 18, 0, tzinfo=datetime.UTC), tick=False)
def test_released_woman_reads_liberada_with_the_date(family):
    Beneficiary.objects.filter(pk=family.ben_a.pk).update(sex="F")
    record(family, status="held", since=datetime.date(2026, 11, 20),
           place="Broadview Processing Center", city="Broadview")
    record(family, status="released", since=datetime.date(2026, 12, 3))
    html = lookup("CHI-2026-000456", DOB).content.decode()
    assert "Liberada el 3 de diciembre de 2026." in html
    assert "+1 312 738 2383" in html
    english = Client()
    english.cookies["django_language"] = "en"
    html = lookup("CHI-2026-000456", DOB, client=english).content.decode()
    assert "Released on Dec. 3, 2026." in html


@time_machine.travel(datetime.datetime(2026, 12, 10, 18, 0, tzinfo=datetime.UTC), tick=False)
def test_held_and_returned_name_the_place_and_services(family):
    Beneficiary.objects.filter(pk=family.ben_a.pk).update(sex="M")
    record(family, status="held", since=datetime.date(2026, 11, 20),
           place="Broadview Processing Center", city="Broadview", region="IL")
    html = lookup("CHI-2026-000456", DOB).content.decode()
    assert "Detenido en Broadview Processing Center, Broadview, IL desde el 20 de noviembre" \
        in html
    record(family, status="returned", since=datetime.date(2026, 12, 5),
           place="Punto de repatriación El Chaparral", city="Tijuana")
    for kind, day in (("transport", 6), ("medical", 5)):
        person_service_record(actor=family.officer_a, beneficiary_id=family.ben_a.pk,
                              kind=kind, received_on=datetime.date(2026, 12, day),
                              place="Tijuana")
    html = lookup("CHI-2026-000456", DOB, address="198.51.100.21").content.decode()
    assert ("Regresó a México el 5 de diciembre de 2026 y fue recibido en Punto de "
            "repatriación El Chaparral, Tijuana.") in html
    assert html.index("Atención médica") < html.index("Transporte")


@time_machine.travel(datetime.datetime(2026, 12, 10, 18, 0, tzinfo=datetime.UTC), tick=False)
def test_without_a_recorded_sex_the_sentence_is_neutral(family):
    record(family, status="released", since=datetime.date(2026, 12, 3))
    html = lookup("CHI-2026-000456", DOB).content.decode()
    assert "Salió de detención el 3 de diciembre de 2026." in html
