import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core import services
from core.models import AuditEvent, Beneficiary, FamilyContact
from tests.core.factories import BeneficiaryFactory
from tests.helpers import sign_in


@pytest.fixture
def duplicate(world):
    """Ximena again, registered at Los Angeles without papers, with a contact and an older
    record already merged into it."""
    dup = BeneficiaryFactory(consulate=world.consulate_b, given_names="Ximena",
                             family_names="Alvarado Quintero", a_number="", curp="",
                             phone="+1 213 555 0100")
    FamilyContact.objects.create(beneficiary=dup, name="Tomás Alvarado", relationship="brother")
    older = BeneficiaryFactory(consulate=world.consulate_b, merged_into=dup)
    return dup, older


def test_merge_moves_everything_pointing_at_the_duplicate(world, duplicate):
    dup, older = duplicate
    survivor = services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                                          duplicate_id=dup.pk, comment="Same person")
    dup.refresh_from_db()
    older.refresh_from_db()
    assert dup.merged_into == survivor
    assert older.merged_into == survivor
    assert list(survivor.family_contacts.values_list("name", flat=True)) == ["Tomás Alvarado"]
    assert survivor.phone == "+1 213 555 0100"  # filled: the survivor had none
    assert Beneficiary.objects.filter(pk=dup.pk).exists()  # never deleted
    assert dup not in Beneficiary.objects.active()
    events = AuditEvent.objects.filter(action__startswith="beneficiary.merge")
    assert {e.action for e in events} == {"beneficiary.merge", "beneficiary.merged_into"}
    merge = events.get(action="beneficiary.merge")
    assert merge.changes["moved"] == {"core.familycontact.beneficiary": 1,
                                      "core.beneficiary.merged_into": 1}
    assert merge.comment == "Same person"


def test_merge_finds_relations_through_model_meta(world):
    labels = {f"{r.related_model._meta.label_lower}.{r.field.name}"
              for r in services._relations()}
    assert {"core.familycontact.beneficiary", "core.beneficiary.merged_into"} <= labels
    # Apps written by others (bonds, grants) are found the same way, without core importing
    # them.
    every = {r.related_model._meta.label_lower for r in Beneficiary._meta.related_objects}
    assert every == {r.related_model._meta.label_lower for r in services._relations()}


def test_only_program_admins_merge(world, duplicate):
    dup, _ = duplicate
    for user in (world.officer_a, world.approver_a, world.auditor):
        with pytest.raises(PermissionDenied):
            services.beneficiary_merge(actor=user, survivor_id=world.ben_a.pk,
                                       duplicate_id=dup.pk)
    assert Beneficiary.objects.get(pk=dup.pk).merged_into is None


def test_a_second_merge_of_the_same_pair_is_refused(world, duplicate):
    dup, _ = duplicate
    services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                               duplicate_id=dup.pk)
    count = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                                   duplicate_id=dup.pk)
    with pytest.raises(ValidationError):
        services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                                   duplicate_id=world.ben_a.pk)
    assert AuditEvent.objects.count() == count


def test_merge_page_previews_then_merges(client, world, duplicate):
    dup, _ = duplicate
    sign_in(client, world.admin)
    url = reverse("core:beneficiary_merge")
    response = client.get(url, {"survivor": world.ben_a.reference, "duplicate": dup.reference})
    assert response.status_code == 200
    moves = {m["relation"]: m["count"] for m in response.context["preview"]["moves"]}
    assert moves == {"core.familycontact.beneficiary": 1, "core.beneficiary.merged_into": 1}
    assert Beneficiary.objects.get(pk=dup.pk).merged_into is None  # a preview changes nothing
    response = client.post(url, {"survivor": world.ben_a.reference, "duplicate": dup.reference})
    assert response.status_code == 302
    assert Beneficiary.objects.get(pk=dup.pk).merged_into == world.ben_a
    # Replayed: refused by the form, nothing moves twice.
    response = client.post(url, {"survivor": world.ben_a.reference, "duplicate": dup.reference})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert AuditEvent.objects.filter(action="beneficiary.merge").count() == 1


def test_merged_record_is_hidden_from_lists_and_points_to_the_survivor(client, world,
                                                                       duplicate):
    dup, _ = duplicate
    services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                               duplicate_id=dup.pk)
    sign_in(client, world.auditor)
    listed = client.get(reverse("core:beneficiary_list")).context["page"].object_list
    assert dup not in listed
    page = client.get(reverse("core:beneficiary_detail", args=[dup.pk]))
    assert page.status_code == 200
    assert world.ben_a.reference in page.content.decode()
