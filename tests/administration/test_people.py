"""Roles and accounts: a membership brings and takes away its role's rights, nobody
deactivates themselves, the last program administrator stays, and every change is audited."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from administration import services
from administration.roles import role_group_name, role_groups_sync
from core.models import AuditEvent, Membership, Role, User
from core.permissions_documents import ROLE_PERMISSIONS
from tests.core.factories import UserFactory, user_with_role
from tests.helpers import sign_in


def fresh(user):
    return User.objects.get(pk=user.pk)


def test_adding_and_removing_a_role_gives_and_takes_its_rights(world, admin_client):
    person = UserFactory(username="nuevo")
    url = reverse("administration:user_detail", args=[person.pk])
    response = admin_client.post(url, {"role": Role.FINANCE_APPROVER,
                                       "consulate": world.consulate_a.pk, "comment": "Budget"})
    assert response.status_code == 302
    assert all(fresh(person).has_perm(name) for name in ROLE_PERMISSIONS[Role.FINANCE_APPROVER])
    membership = person.memberships.get()
    response = admin_client.post(
        reverse("administration:membership_remove", args=[person.pk, membership.pk]),
        {"comment": "Left the office"})
    assert response.status_code == 302 and not person.memberships.exists()
    assert not any(fresh(person).has_perm(n) for n in ROLE_PERMISSIONS[Role.FINANCE_APPROVER])
    events = AuditEvent.objects.filter(object_type="core.membership").order_by("id")
    assert [(e.action, e.comment, e.actor_id) for e in events] == [
        ("administration.membership_add", "Budget", world.admin.pk),
        ("administration.membership_remove", "Left the office", world.admin.pk)]


def test_a_role_still_held_elsewhere_keeps_its_rights(world):
    services.membership_add(actor=world.admin, user_id=world.officer_b.pk,
                            role=Role.CONSULATE_OFFICER, consulate=world.consulate_a)
    first = world.officer_b.memberships.get(consulate=world.consulate_b)
    services.membership_remove(actor=world.admin, membership_id=first.pk, comment="Moved")
    assert fresh(world.officer_b).has_perm("core.export_beneficiary")


def test_removing_a_role_needs_a_reason(world, admin_client):
    membership = world.officer_a.memberships.get()
    admin_client.post(reverse("administration:membership_remove",
                              args=[world.officer_a.pk, membership.pk]), {"comment": ""})
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_after_migrate_every_role_holder_is_in_the_role_group(world):
    bare = User.objects.create_user("made-in-admin", "m@example.org", "x")
    Membership.objects.create(user=bare, role=Role.PROGRAM_ADMIN)
    role_groups_sync()
    assert fresh(bare).groups.filter(name=role_group_name(Role.PROGRAM_ADMIN)).exists()
    assert fresh(bare).has_perm("core.import_beneficiary")
    group = Group.objects.get(name=role_group_name(Role.AUDITOR))
    assert set(group.user_set.all()) == {world.auditor}


def test_nobody_deactivates_themselves(world, admin_client):
    admin_client.post(reverse("administration:user_deactivate", args=[world.admin.pk]),
                      {"comment": "Test"})
    assert fresh(world.admin).is_active


def test_the_last_program_administrator_stays(world):
    other = user_with_role(Role.PROGRAM_ADMIN, username="admin2")
    services.user_deactivate(actor=other, user_id=world.admin.pk, comment="Leaves")
    assert not fresh(world.admin).is_active
    last = other.memberships.get()
    with pytest.raises(ValidationError, match="last program administrator"):
        services.membership_remove(actor=other, membership_id=last.pk, comment="Oops")
    assert Membership.objects.filter(pk=last.pk).exists()
    # A consulate-level administrator is not the network's last one: that role may go.
    local = user_with_role(Role.PROGRAM_ADMIN, consulate=world.consulate_a)
    services.membership_remove(actor=other, membership_id=local.memberships.get().pk,
                               comment="Moved")


def test_deactivated_users_are_signed_out_and_can_be_reactivated(world, admin_client):
    officer = sign_in(Client(), world.officer_a)
    admin_client.post(reverse("administration:user_deactivate", args=[world.officer_a.pk]),
                      {"comment": "On leave"})
    assert not fresh(world.officer_a).is_active
    assert officer.get(reverse("core:home")).status_code == 302
    admin_client.post(reverse("administration:user_reactivate", args=[world.officer_a.pk]),
                      {"comment": "Back"})
    assert fresh(world.officer_a).is_active
    actions = list(AuditEvent.objects.filter(object_type="core.user",
                                             object_id=str(world.officer_a.pk),
                                             action__startswith="administration.")
                   .order_by("id").values_list("action", "comment"))
    assert actions == [("administration.user_deactivate", "On leave"),
                       ("administration.user_reactivate", "Back")]


def test_user_list_shows_roles_without_a_query_per_row(world, admin_client):
    from tests.helpers import assert_flat

    def add(n):
        for _ in range(n):
            user_with_role(Role.CONSULATE_OFFICER, consulate=world.consulate_b)

    assert_flat(admin_client, reverse("administration:user_list"), add)
    page = admin_client.get(reverse("administration:user_list"), {"q": "officer_a"})
    assert b"officer_a" in page.content and b"partner_x" not in page.content
