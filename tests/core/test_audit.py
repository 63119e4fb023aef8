import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.urls import reverse

from core.audit import audit_record, audit_verify
from core.models import AuditEvent
from tests.helpers import sign_in


def record(world, n=3):
    with transaction.atomic():
        for i in range(n):
            audit_record(actor=world.officer_a, action="beneficiary.update", obj=world.ben_a,
                         changes={"phone": ["", f"555-{i}"]},
                         consulate_id=world.consulate_a.pk)
    return list(AuditEvent.objects.order_by("id"))


def test_an_intact_chain_verifies(world, capsys):
    record(world)
    assert audit_verify() == []
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_a_row_changed_with_raw_sql_is_detected_and_named(world):
    events = record(world)
    tampered = events[1]
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {AuditEvent._meta.db_table} SET comment = %s WHERE id = %s",
            ["nothing happened here", tampered.pk],
        )
    assert (tampered.pk, "content does not match its hash") in audit_verify()
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_a_deleted_row_breaks_the_chain(world):
    events = record(world)
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE id = %s",
                       [events[0].pk])
    assert any(event_id == events[1].pk for event_id, _ in audit_verify())


def test_the_command_exits_non_zero(world):
    events = record(world)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET action = 'x' WHERE id = %s",
                       [events[0].pk])
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "audit_verify", "--skip-checks"])
    assert exited.value.code == 1


def test_events_cannot_be_changed_through_the_orm(world):
    event = record(world, 1)[0]
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(comment="x")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()


def test_audit_list_filters_and_is_for_auditors_and_admins(client, world):
    record(world, 2)
    with transaction.atomic():
        audit_record(actor=world.admin, action="beneficiary.merge", obj=world.ben_b,
                     consulate_id=world.consulate_b.pk)
    sign_in(client, world.auditor)
    url = reverse("core:audit_list")
    everything = client.get(url).context["page"].object_list
    # Signing in enrolled the auditor's device: that is on the trail too.
    assert [e.action for e in everything if e.action.startswith("auth.")] == ["auth.device_enrol"]
    assert len(everything) == 4
    merges = client.get(url, {"action": "beneficiary.merge"}).context["page"].object_list
    assert [e.action for e in merges] == ["beneficiary.merge"]
    by_actor = client.get(url, {"actor": "officer_a"}).context["page"].object_list
    assert len(by_actor) == 2
    by_type = client.get(url, {"object_type": "core.beneficiary",
                               "date_from": "2000-01-01"}).context["page"].object_list
    assert len(by_type) == 3
    none = client.get(url, {"date_to": "2000-01-01"}).context["page"].object_list
    assert len(none) == 0
    for user in (world.officer_a, world.approver_a, world.partner_x_staff):
        sign_in(client, user)
        assert client.get(url).status_code == 403


def test_audit_list_is_paginated(client, world):
    record(world, 55)
    sign_in(client, world.admin)
    first = client.get(reverse("core:audit_list"))
    page = first.context["page"]
    assert len(page.object_list) == 50 and page.newer is None
    assert f"before={page.older}" in first.content.decode()
    second = client.get(reverse("core:audit_list"), {"before": page.older}).context["page"]
    # 55 recorded, plus whatever signing in recorded itself
    assert len(second.object_list) == AuditEvent.objects.count() - 50 >= 5
    assert second.older is None
    assert second.object_list[0].pk == page.object_list[-1].pk - 1
    back = client.get(reverse("core:audit_list"), {"after": second.newer}).context["page"]
    assert [e.pk for e in back.object_list] == [e.pk for e in page.object_list]
    assert back.newer is None and back.older == page.older


def test_object_page_shows_its_own_history(client, world):
    record(world, 1)
    sign_in(client, world.officer_a)
    response = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk]))
    assert [e.action for e in response.context["events"]] == ["beneficiary.update"]


def test_audit_filter_choices_are_every_distinct_value_in_order(world):
    from core.selectors import audit_filter_choices

    record(world, 3)
    with transaction.atomic():
        audit_record(actor=world.admin, action="beneficiary.merge", obj=world.ben_b,
                     consulate_id=world.consulate_b.pk)
    choices = audit_filter_choices()
    events = AuditEvent.objects.all()
    assert choices["actions"] == sorted({e.action for e in events})
    assert "beneficiary.merge" in choices["actions"]
    assert choices["object_types"] == sorted({e.object_type for e in events})
