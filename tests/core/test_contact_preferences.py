"""A person's and a family contact's channel, number, language and consent to be messaged:
set by an officer on their forms, audited when consent changes, honoured by the outbox."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.audit import audit_verify
from core.models import AuditEvent, FamilyContact, MessageChannel
from core.services_messaging import person_messages_resume
from notifications.models import Problem, Status
from notifications.services import message_to_person, person_opt_out
from tests.helpers import sign_in
from tests.notifications.factories import case_context

T0 = dt.datetime(2026, 3, 3, 5, 30, tzinfo=dt.UTC)  # 23:30 on 2 March in Chicago


def edit_data(beneficiary, **overrides):
    data = {
        "given_names": beneficiary.given_names, "family_names": beneficiary.family_names,
        "date_of_birth": beneficiary.date_of_birth.isoformat(), "sex": beneficiary.sex,
        "country_of_birth": beneficiary.country_of_birth, "a_number": beneficiary.a_number,
        "curp": beneficiary.curp, "preferred_language": beneficiary.preferred_language,
        "phone": beneficiary.phone, "email": beneficiary.email, "address": "",
        "message_channel": "", "mobile_number": "", "consent_comment": "",
    }
    if beneficiary.consents_to_family_lookup:
        data["consents_to_family_lookup"] = "on"
    if beneficiary.message_consent:
        data["message_consent"] = "on"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def consent_events(beneficiary):
    return events_on(beneficiary).filter(action__startswith="beneficiary.messages_")


def events_on(beneficiary):
    return AuditEvent.objects.filter(object_type="core.beneficiary",
                                     object_id=str(beneficiary.pk))


def test_the_beneficiary_form_saves_channel_number_and_consent(client, world):
    sign_in(client, world.officer_a)
    with time_machine.travel(T0, tick=False):
        response = client.post(
            reverse("core:beneficiary_edit", args=[world.ben_a.pk]),
            edit_data(world.ben_a, message_channel=MessageChannel.SMS,
                      mobile_number="+1 (312) 555-0123", message_consent="on",
                      consent_comment="Signed the consent form at the window."))
    assert response.status_code == 302
    world.ben_a.refresh_from_db()
    assert world.ben_a.message_channel == MessageChannel.SMS
    assert world.ben_a.mobile_number == "+13125550123"  # kept in E.164
    assert world.ben_a.message_consent is True
    event = consent_events(world.ben_a).get()
    assert event.action == "beneficiary.messages_consent"
    assert event.actor == world.officer_a and event.created_at == T0
    assert event.comment == "Signed the consent form at the window."
    assert event.changes["message_consent"] == [False, True]
    assert audit_verify() == []

    page = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk]))
    assert "Agrees to receive messages by SMS at +13125550123." in page.content.decode()


def test_a_bad_number_is_refused_in_the_users_language_and_changes_nothing(client, world):
    world.officer_a.language = "es"
    world.officer_a.save(update_fields=["language"])
    sign_in(client, world.officer_a)
    response = client.post(
        reverse("core:beneficiary_edit", args=[world.ben_a.pk]),
        edit_data(world.ben_a, message_channel=MessageChannel.WHATSAPP,
                  mobile_number="312 555 01", message_consent="on", consent_comment="Firmó"))
    assert response.status_code == 200
    assert "Este no es un número de celular válido" in response.content.decode()
    world.ben_a.refresh_from_db()
    assert (world.ben_a.message_channel, world.ben_a.mobile_number) == ("", "")
    assert world.ben_a.message_consent is False
    assert not events_on(world.ben_a).exists()


def test_a_channel_needs_its_address_and_a_change_of_consent_its_reason(client, world):
    sign_in(client, world.officer_a)
    url = reverse("core:beneficiary_edit", args=[world.ben_a.pk])
    response = client.post(url, edit_data(world.ben_a, message_channel=MessageChannel.SMS,
                                          message_consent="on"))
    text = response.content.decode()
    assert "Write a mobile number to send messages by SMS or WhatsApp." in text
    assert "Say how the person gave or withdrew consent, for the record." in text
    world.ben_a.refresh_from_db()
    assert world.ben_a.message_consent is False and not consent_events(world.ben_a).exists()


def test_withdrawing_consent_is_audited_and_the_outbox_then_skips_with_the_reason(
        client, world):
    world.ben_a.message_channel, world.ben_a.message_consent = MessageChannel.EMAIL, True
    world.ben_a.email = "ximena@example.org"
    world.ben_a.save()
    sign_in(client, world.officer_a)
    with time_machine.travel(T0, tick=False):
        client.post(reverse("core:beneficiary_edit", args=[world.ben_a.pk]),
                    edit_data(world.ben_a, message_channel=MessageChannel.EMAIL,
                              message_consent=None, consent_comment="Asked by phone."))
    world.ben_a.refresh_from_db()
    assert world.ben_a.message_consent is False
    event = consent_events(world.ben_a).get()
    assert event.action == "beneficiary.messages_withdraw" and event.actor == world.officer_a
    assert event.comment == "Asked by phone."

    row = message_to_person(beneficiary_or_contact=world.ben_a, template="case_update",
                            context=case_context(world.ben_a), about=world.ben_a)
    assert row.status == Status.SKIPPED and row.problem == Problem.NO_CONSENT
    page = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk])).content
    assert "Has not agreed to receive messages." in page.decode()
    assert "not sent: The person has not agreed to receive messages." in page.decode()


def test_a_family_contact_gets_channel_language_and_consent(client, world):
    sign_in(client, world.officer_a)
    with time_machine.travel(T0, tick=False):
        response = client.post(
            reverse("core:family_contact_create", args=[world.ben_a.pk]),
            {"name": "Rosa Quintero", "relationship": "madre", "language": "en",
             "message_channel": MessageChannel.WHATSAPP, "mobile_number": "+52 55 1234 5678",
             "message_consent": "on", "consent_comment": "Agreed at the consulate."})
    assert response.status_code == 302
    contact = FamilyContact.objects.get(beneficiary=world.ben_a)
    assert (contact.language, contact.message_channel, contact.mobile_number,
            contact.message_consent) == ("en", "whatsapp", "+525512345678", True)
    event = consent_events(world.ben_a).get()
    assert event.changes["family_contact"] == "Rosa Quintero"
    assert event.actor == world.officer_a and event.comment == "Agreed at the consulate."

    row = message_to_person(beneficiary_or_contact=contact, template="case_update",
                            context=case_context(world.ben_a))
    assert (row.status, row.channel, row.address, row.language) == (
        Status.PENDING, "whatsapp", "+525512345678", "en")
    page = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk])).content
    assert "Agrees to receive messages by WhatsApp at +525512345678." in page.decode()

    response = client.post(
        reverse("core:family_contact_edit", args=[world.ben_a.pk, contact.pk]),
        {"name": "Rosa Quintero", "relationship": "madre", "language": "es",
         "message_channel": MessageChannel.WHATSAPP, "mobile_number": "+525512345678",
         "consent_comment": "She asked us to stop by phone."})
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.message_consent is False and contact.language == "es"
    assert consent_events(world.ben_a).filter(
        action="beneficiary.messages_withdraw").count() == 1
    assert audit_verify() == []


def test_an_opted_out_person_is_shown_so_and_only_an_explicit_confirmation_clears_it(
        client, world):
    world.ben_a.message_channel, world.ben_a.message_consent = MessageChannel.SMS, True
    world.ben_a.mobile_number = "+13125550123"
    world.ben_a.save()
    with time_machine.travel(T0, tick=False):
        assert person_opt_out(channel="sms", address="+13125550123") == 1
    sign_in(client, world.officer_a)
    detail = reverse("core:beneficiary_detail", args=[world.ben_a.pk])
    # 05:30 UTC on 3 March is still 2 March in Chicago.
    assert ("This person asked not to receive messages (03/02/2026)."
            in client.get(detail).content.decode())

    url = reverse("core:messages_resume", args=[world.ben_a.pk])
    response = client.post(url, {"comment": "Came to the window and asked again."})
    assert "Confirm that the person asked again to receive messages." in \
        response.content.decode()
    world.ben_a.refresh_from_db()
    assert world.ben_a.messages_opted_out_at is not None

    with time_machine.travel(T0 + dt.timedelta(days=1), tick=False):
        response = client.post(url, {"confirm": "on",
                                     "comment": "Came to the window and asked again."})
    assert response.status_code == 302
    world.ben_a.refresh_from_db()
    assert world.ben_a.messages_opted_out_at is None and world.ben_a.message_consent
    event = consent_events(world.ben_a).get(action="beneficiary.messages_resume")
    assert event.actor == world.officer_a and event.created_at == T0 + dt.timedelta(days=1)
    assert event.comment == "Came to the window and asked again."
    assert audit_verify() == []


def test_the_edit_form_cannot_give_consent_back_over_an_opt_out(client, world):
    world.ben_a.message_channel, world.ben_a.mobile_number = MessageChannel.SMS, "+13125550123"
    world.ben_a.save()
    with time_machine.travel(T0, tick=False):
        person_opt_out(channel="sms", address="+13125550123")
    sign_in(client, world.officer_a)
    client.post(reverse("core:beneficiary_edit", args=[world.ben_a.pk]),
                edit_data(world.ben_a, message_channel=MessageChannel.SMS,
                          mobile_number="+13125550123", message_consent="on",
                          consent_comment="Try"))
    world.ben_a.refresh_from_db()
    assert world.ben_a.message_consent is False and world.ben_a.messages_opted_out_at
    assert not consent_events(world.ben_a).exists()


def test_a_resume_needs_a_reason_even_through_the_service(world):
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError):
        person_messages_resume(actor=world.officer_a, beneficiary_id=world.ben_a.pk,
                               comment=" ")


@pytest.mark.parametrize("name", ["core:beneficiary_edit", "core:messages_resume"])
def test_another_consulates_officer_gets_404_and_an_auditor_403(client, world, name):
    world.ben_a.messages_opted_out_at = T0
    world.ben_a.save()
    url = reverse(name, args=[world.ben_a.pk])
    sign_in(client, world.officer_b)
    assert client.get(url).status_code == 404
    assert client.post(url, {"confirm": "on", "comment": "x"}).status_code == 404
    sign_in(client, world.auditor)
    assert client.get(url).status_code == 403
    world.ben_a.refresh_from_db()
    assert world.ben_a.messages_opted_out_at == T0


def test_another_consulates_officer_cannot_edit_a_family_contact(client, world):
    contact = FamilyContact.objects.create(beneficiary=world.ben_a, name="Rosa",
                                           relationship="madre")
    sign_in(client, world.officer_b)
    for url in (reverse("core:family_contact_edit", args=[world.ben_a.pk, contact.pk]),
                reverse("core:contact_messages_resume", args=[world.ben_a.pk, contact.pk])):
        assert client.get(url).status_code == 404
    response = client.post(
        reverse("core:family_contact_edit", args=[world.ben_a.pk, contact.pk]),
        {"name": "Changed", "relationship": "madre", "language": "es"})
    assert response.status_code == 404
    contact.refresh_from_db()
    assert contact.name == "Rosa"
