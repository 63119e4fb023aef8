"""Many messages in one statement: no savepoint per row, a dedupe key still written once."""

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.notify import notify
from notifications.models import Notification, Problem, Status
from notifications.services import message_enqueue, write_rendered_many
from tests.notifications.factories import case_context


def _statements(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, [q["sql"].upper() for q in ctx.captured_queries]


def test_notify_writes_every_user_in_one_insert_without_savepoints(
        world, django_capture_on_commit_callbacks):
    users = [world.officer_a, world.approver_a, world.officer_b, world.admin]
    world.admin.email = ""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rows, sql = _statements(lambda: notify(
            users=users, subject="Aviso", template_name="casework/email/case_changed.txt",
            context=case_context(world.ben_a), about=world.ben_a))
    for callback in callbacks:
        callback()
    inserts = [s for s in sql if s.startswith("INSERT") and "NOTIFICATIONS_NOTIFICATION" in s]
    assert len(inserts) == 1 and not [s for s in sql if "SAVEPOINT" in s]
    assert [r.recipient_user_id for r in rows] == [u.pk for u in users]
    assert all(r.pk for r in rows)
    assert rows[-1].status == Status.SKIPPED and rows[-1].problem == Problem.NO_ADDRESS
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in users[:3])


def test_rows_in_the_users_language(world):
    world.officer_a.language, world.approver_a.language = "en", "es"
    rows = write_rendered_many(messages=[(world.officer_a, "Hello", "Body"),
                                         (world.approver_a, "Hola", "Cuerpo")],
                               template="x", context={})
    stored = Notification.objects.in_bulk([r.pk for r in rows])
    assert [(stored[r.pk].language, stored[r.pk].subject) for r in rows] == [
        ("en", "Hello"), ("es", "Hola")]


def test_a_dedupe_key_inserted_meanwhile_is_answered_without_error(world, deliver_on_commit):
    def enqueue():
        return message_enqueue(channel="email", address="a@example.org",
                               template="case_update", context=case_context(world.ben_a),
                               language="en", dedupe_key="reminder:1")

    first = deliver_on_commit(enqueue)
    again, sql = _statements(lambda: deliver_on_commit(enqueue))
    assert again.pk == first.pk and len(mail.outbox) == 1
    assert not [s for s in sql if "SAVEPOINT" in s or s.startswith("INSERT")]
    assert Notification.objects.filter(dedupe_key="reminder:1").count() == 1


def test_the_problem_list_pages_without_counting(client, world):
    from django.urls import reverse

    from tests.helpers import sign_in

    def failed(n):
        Notification.objects.bulk_create([
            Notification(channel="email", address=f"x{i}@example.org", template="t",
                         status=Status.SKIPPED, problem=Problem.NO_ADDRESS,
                         consulate=world.consulate_a) for i in range(n)])

    failed(120)
    sign_in(client, world.officer_a)
    url = reverse("notifications:problem_list")
    client.get(url)
    with CaptureQueriesContext(connection) as first:
        page = client.get(url).context["page"]
    failed(200)
    with CaptureQueriesContext(connection) as deeper:
        client.get(f"{url}?{page.next_query}")
    sql = [q["sql"].upper() for q in deeper]
    # The navigation's badge counts the problems waiting (one COUNT); the list itself none.
    assert len([s for s in sql if "COUNT(" in s]) <= 1
    assert not [s for s in sql if " OFFSET " in s] and len(first) == len(deeper)
