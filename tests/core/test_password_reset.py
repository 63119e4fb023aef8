"""Password reset: the same answer after the same work for known and unknown addresses, the
e-mail sent by the queue, and limits per address and per client."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import PasswordResetRequest, User
from core.password_reset import password_reset_deliver

KNOWN = "officer_a@example.org"
UNKNOWN = "nobody@example.org"
T0 = datetime.datetime(2026, 3, 2, 23, 30, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def ask(email, address="198.51.100.20"):
    return Client().post(reverse("core:password_reset"), {"email": email}, REMOTE_ADDR=address)


def measured(email, address):
    with CaptureQueriesContext(connection) as queries:
        response = ask(email, address)
    return response, [q["sql"].split()[0] for q in queries.captured_queries]


def test_known_and_unknown_addresses_get_the_same_answer_after_the_same_work(world):
    known, known_sql = measured(KNOWN, "198.51.100.20")
    unknown, unknown_sql = measured(UNKNOWN, "198.51.100.21")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("core:password_reset_done")
    assert known_sql == unknown_sql
    assert mail.outbox == []  # nothing is sent inside the request


def test_the_queue_sends_a_working_link_to_a_known_address_only(
        world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(KNOWN)
        ask(UNKNOWN, "198.51.100.21")
    assert [m.to for m in mail.outbox] == [[KNOWN]]
    statuses = dict(PasswordResetRequest.objects.values_list("status", "email"))
    assert set(statuses) == {"sent", "no_account"} and set(statuses.values()) == {""}
    link = next(line for line in mail.outbox[0].body.splitlines() if "/reset/" in line)
    client = Client()
    response = client.get(link.split("testserver", 1)[1], follow=True)
    assert response.context["validlink"]
    response = client.post(response.redirect_chain[-1][0], {
        "new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"})
    assert response["Location"] == reverse("core:password_reset_complete")
    assert User.objects.get(pk=world.officer_a.pk).check_password("a-new-long-passphrase-9")


def test_delivering_twice_sends_once(world, django_capture_on_commit_callbacks):
    ask(KNOWN)
    row = PasswordResetRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert password_reset_deliver(row.pk) == "sent"
        assert password_reset_deliver(row.pk) == "already handled"
    assert len(mail.outbox) == 1


def test_three_requests_per_address_an_hour(world, clock, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answers = [ask(KNOWN, f"198.51.100.{n}") for n in range(1, 6)]
    assert {a["Location"] for a in answers} == {reverse("core:password_reset_done")}
    assert len(mail.outbox) == 3
    assert PasswordResetRequest.objects.filter(status="refused").count() == 2
    clock.shift(datetime.timedelta(minutes=61))
    with django_capture_on_commit_callbacks(execute=True):
        ask(KNOWN, "198.51.100.9")
    assert len(mail.outbox) == 4


def test_ten_requests_per_client_an_hour(world, django_capture_on_commit_callbacks):
    for n in range(10):
        ask(f"someone{n}@example.org", "198.51.100.7")
    with django_capture_on_commit_callbacks(execute=True):
        ask(KNOWN, "198.51.100.7")
    assert mail.outbox == []
    assert PasswordResetRequest.objects.filter(status="refused").count() == 1
