"""Failures are visible to the people responsible, scoped; Twilio's webhooks are signed."""

import pytest
from django.core import mail
from django.urls import reverse
from twilio.request_validator import RequestValidator

from core.models import AuditEvent
from notifications.models import Problem, Status
from notifications.selectors import failed_count_for
from notifications.services import message_to_person, message_to_user
from tests.helpers import sign_in
from tests.notifications.factories import case_context, reachable_person


@pytest.fixture
def problems(world):
    """One undeliverable message in each consulate."""
    a = reachable_person(world.consulate_a, message_consent=False)
    b = reachable_person(world.consulate_b, message_consent=False, number="+12135550100")
    return {name: message_to_person(beneficiary_or_contact=p, template="case_update",
                                    context=case_context(p))
            for name, p in (("a", a), ("b", b))}


@pytest.mark.parametrize("persona, sees", [
    ("admin", {"a", "b"}), ("officer_a", {"a"}), ("officer_b", {"b"}), ("approver_a", {"a"}),
])
def test_the_problem_page_lists_what_each_person_answers_for(client, world, problems, persona,
                                                             sees):
    user = world.personas[persona]
    sign_in(client, user)
    page = client.get(reverse("notifications:problem_list")).content.decode()
    shown = {name for name, row in problems.items() if row.address in page}
    assert shown == sees
    assert failed_count_for(user) == len(sees)
    assert "The person has not agreed to receive messages." in page


@pytest.mark.parametrize("persona", ["partner_x", "auditor"])
def test_other_roles_get_403(client, world, problems, persona):
    sign_in(client, world.personas[persona])
    assert client.get(reverse("notifications:problem_list")).status_code == 403
    assert failed_count_for(world.personas[persona]) == 0


def test_the_home_page_shows_the_count(client, world, problems):
    sign_in(client, world.officer_a)
    page = client.get(reverse("core:home")).content.decode()
    assert "1 message was not delivered." in page


def test_retry_is_scoped_audited_and_sends(client, world, problems, fake_twilio,
                                           django_capture_on_commit_callbacks):
    person = problems["a"].beneficiary
    person.message_consent = True
    person.save()
    sign_in(client, world.officer_a)
    other = client.post(reverse("notifications:retry", args=[problems["b"].pk]))
    assert other.status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:retry", args=[problems["a"].pk]),
                               {"comment": "consent recorded on paper"}, follow=True)
    assert "is queued to be sent again." in response.content.decode()
    row = problems["a"]
    row.refresh_from_db()
    assert row.status == Status.SENT and len(fake_twilio.messages) == 1
    event = AuditEvent.objects.get(action="notification.retry")
    assert (event.actor, event.comment) == (world.officer_a, "consent recorded on paper")
    assert event.changes["status"] == ["skipped", "pending"]


def _signed_post(client, settings, url, data):
    full = f"http://testserver{url}"
    signature = RequestValidator(settings.TWILIO_AUTH_TOKEN).compute_signature(full, data)
    return client.post(url, data, HTTP_X_TWILIO_SIGNATURE=signature)


def test_stop_by_sms_opts_the_person_out(client, world, settings, fake_twilio):
    person = reachable_person(world.consulate_a)
    url = reverse("notifications:twilio_inbound")
    forged = client.post(url, {"From": person.mobile_number, "Body": "STOP"},
                         HTTP_X_TWILIO_SIGNATURE="forged")
    assert forged.status_code == 403
    pending = message_to_person(beneficiary_or_contact=person, template="case_update",
                                context=case_context(person))
    response = _signed_post(client, settings, url,
                            {"From": f"whatsapp:{person.mobile_number}", "Body": " alto "})
    assert response.status_code == 200 and b"<Response>" in response.content
    person.refresh_from_db()
    assert person.messages_opted_out_at is not None
    assert AuditEvent.objects.filter(action="messages.opt_out",
                                     object_id=str(person.pk)).count() == 1
    from notifications.delivery import deliver
    assert deliver(pending.pk) == "skipped"  # written before the STOP, never sent
    assert fake_twilio.messages == []


def test_twilio_reports_an_undelivered_message(client, world, settings, fake_twilio,
                                               django_capture_on_commit_callbacks):
    person = reachable_person(world.consulate_a)
    with django_capture_on_commit_callbacks(execute=True):
        row = message_to_person(beneficiary_or_contact=person, template="case_update",
                                context=case_context(person))
    row.refresh_from_db()
    url = reverse("notifications:twilio_status", args=[row.pk])
    _signed_post(client, settings, url, {"MessageSid": row.provider_id,
                                         "MessageStatus": "undelivered", "ErrorCode": "30003"})
    row.refresh_from_db()
    assert (row.status, row.problem) == (Status.FAILED, Problem.REFUSED)
    assert failed_count_for(world.officer_a) == 1


def test_admin_lists_messages_read_only(client, world):
    message_to_user(user=world.officer_a, template="case_update",
                    context=case_context(world.ben_a))
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    sign_in(client, world.admin)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert world.officer_a.email in response.content.decode()
    assert mail.outbox == []


def test_a_case_history_lists_its_messages(world, fake_twilio):
    from core.history import beneficiary_history

    person = reachable_person(world.consulate_a, message_consent=False)
    message_to_person(beneficiary_or_contact=person, template="case_update",
                      context=case_context(person))
    (item,) = [i for i in beneficiary_history(beneficiary=person, user=world.officer_a)
               if i.kind_label == "Message"]
    assert item.title.startswith("SMS: Fianza: caso") and item.state_label == "not sent"
