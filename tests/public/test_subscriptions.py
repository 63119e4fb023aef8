"""A family asks to be told by SMS or WhatsApp; each stage change sends one message."""

import datetime

from django.test import Client

from core.models import AuditEvent, FamilyContact
from core.whereabouts import person_location_record
from notifications.models import Notification
from public.subscriptions import family_stage_notify, subscription_token
from tests.public.conftest import DOB, lookup


def test_the_found_page_offers_messages_and_records_the_consenting_number(family):
    client = Client()
    page = lookup("CHI-2026-000456", DOB, client=client).content.decode()
    assert 'action="/status/notify/"' in page
    token = subscription_token(family.ben_a)
    response = client.post("/status/notify/", {"token": token, "mobile_number": "+523312345678",
                                               "channel": "whatsapp"})
    assert response.status_code == 200
    contact = FamilyContact.objects.get(beneficiary=family.ben_a, mobile_number="+523312345678")
    assert contact.message_consent and contact.message_channel == "whatsapp"
    assert contact.language == "es"
    event = AuditEvent.objects.get(action="beneficiary.family_subscribe")
    assert event.changes["number_ends"] == "5678" and "+5233" not in str(event.changes)


def test_a_forged_token_is_refused(family):
    response = Client().post("/status/notify/", {"token": "forged", "channel": "sms",
                                                 "mobile_number": "+13125550123"})
    assert response.status_code == 400
    assert not FamilyContact.objects.filter(mobile_number="+13125550123").exists()


def test_one_message_per_stage_change_whatever_the_runs(family):
    Client().post("/status/notify/", {"token": subscription_token(family.ben_a),
                                      "mobile_number": "+523312345678", "channel": "sms"})
    person_location_record(actor=family.officer_a, beneficiary_id=family.ben_a.pk,
                           status="held", since=datetime.date(2026, 11, 20),
                           place="Broadview Processing Center", city="Broadview")
    family_stage_notify()
    family_stage_notify()
    assert Notification.objects.filter(template="family_stage").count() == 1
    person_location_record(actor=family.officer_a, beneficiary_id=family.ben_a.pk,
                           status="released", since=datetime.date(2026, 11, 25))
    family_stage_notify()
    family_stage_notify()
    sent = Notification.objects.filter(template="family_stage").order_by("id")
    assert sent.count() == 2
    assert sent.last().channel == "sms" and sent.last().address == "+523312345678"
