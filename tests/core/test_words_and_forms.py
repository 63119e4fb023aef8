"""Pages speak in words: audit actions as sentences, charts drawn to scale, and a refused
form comes back with a summary that links to each field and keeps what was typed."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.audit import audit_record
from core.audit_words import audit_sentence
from core.charts import bar_chart, stacked_chart
from tests.helpers import sign_in


@pytest.mark.parametrize("code, english, spanish", [
    ("bond_request.approve", "Bond request: approved", "Solicitud de fianza: aprobada"),
    ("bond_request.cancel", "Bond request: bond cancelled (I-391), refund due",
     "Solicitud de fianza: fianza cancelada (I-391), reembolso pendiente"),
    ("grant_program.partner_cap", "Grant program: partner cap set",
     "Programa de apoyo: tope de la organización aliada fijado"),
])
def test_audit_actions_read_as_sentences_in_both_languages(code, english, spanish):
    with translation.override("en"):
        assert audit_sentence(code) == english
    with translation.override("es"):
        assert audit_sentence(code) == spanish


def test_an_unknown_action_still_reads_as_words():
    assert audit_sentence("pale.invoice.pay_late") == "Legal advice: invoice pay late"
    assert "_" not in audit_sentence("some_new.thing_done")


@pytest.mark.django_db
def test_the_audit_trail_shows_sentences_not_codes(client, world):
    audit_record(actor=world.officer_a, action="beneficiary.update", obj=world.ben_a,
                 consulate_id=world.consulate_a.pk)
    sign_in(client, world.auditor)
    page = client.get(reverse("core:audit_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("Person&#x27;s record: changed") == 2  # the row and the filter
    assert ">beneficiary.update<" not in page


def test_bars_are_drawn_to_scale_with_their_values_written():
    chart = bar_chart([("Aprobadas", 2, "/a"), ("Pagadas", 4, "/b"), ("Vacías", 0, "")])
    widths = [bar.segments[0].width for bar in chart["bars"]]
    assert widths[1] == 2 * widths[0] and widths[2] == 0
    assert [bar.total_text for bar in chart["bars"]] == ["2", "4", "0"]
    assert chart["height"] > 3 * chart["bar"]


def test_stacked_bars_add_their_parts_and_never_draw_a_negative():
    chart = stacked_chart([("CHI", (10, 30, -5), ""), ("LAX", (20, 20, 0), "")],
                          series=("Reserved", "Disbursed", "Available"),
                          text=lambda v: f"${v}")
    chi, lax = chart["bars"]
    assert chi.segments[2].width == 0 and chi.segments[1].x == chi.segments[0].x + \
        chi.segments[0].width
    assert chi.total_text == "$35" and lax.total_text == "$40"
    assert [pattern for _i, _name, pattern in chart["series"]] == ["solid", "hatch", "dots"]


@pytest.mark.django_db
def test_a_refused_form_keeps_the_input_and_links_each_error_to_its_field(client, world):
    sign_in(client, world.officer_a)
    response = client.post(reverse("core:beneficiary_create"), {
        "consulate": world.consulate_a.pk, "given_names": "Rosa María",
        "family_names": "", "date_of_birth": "no es fecha"}, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert response.status_code == 200
    assert "data-error-summary" in page
    assert 'href="#id_family_names"' in page and 'id="id_family_names"' in page
    assert 'value="Rosa María"' in page
    assert '<script src="/static/js/forms.js" defer></script>' in page
