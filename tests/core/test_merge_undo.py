"""A merge can be undone: exactly what it moved goes back, and both steps are audited."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core import services
from core.models import AuditEvent, Beneficiary, BeneficiaryMerge, FamilyContact
from tests.core.factories import BeneficiaryFactory
from tests.helpers import sign_in


@pytest.fixture
def merged(world):
    dup = BeneficiaryFactory(consulate=world.consulate_b, given_names="Ximena",
                             family_names="Alvarado Quintero", a_number="", curp="",
                             phone="+1 213 555 0100")
    contact = FamilyContact.objects.create(beneficiary=dup, name="Tomás", relationship="brother")
    older = BeneficiaryFactory(consulate=world.consulate_b, merged_into=dup)
    world.ben_a.phone = ""
    world.ben_a.save()
    services.beneficiary_merge(actor=world.admin, survivor_id=world.ben_a.pk,
                               duplicate_id=dup.pk, comment="Same person")
    return dup, contact, older


def test_undo_gives_back_what_moved_and_what_was_filled(world, merged):
    dup, contact, older = merged
    # Added to the survivor after the merge: stays there.
    later = FamilyContact.objects.create(beneficiary=world.ben_a, name="Rosa",
                                         relationship="mother")
    record = BeneficiaryMerge.objects.get()
    services.beneficiary_merge_undo(actor=world.admin, merge_id=record.pk, comment="Twins")
    dup.refresh_from_db()
    older.refresh_from_db()
    contact.refresh_from_db()
    later.refresh_from_db()
    world.ben_a.refresh_from_db()
    assert dup.merged_into is None and older.merged_into == dup
    assert contact.beneficiary == dup and later.beneficiary == world.ben_a
    assert world.ben_a.phone == ""  # the filled phone went back
    assert dup in Beneficiary.objects.active()
    record.refresh_from_db()
    assert record.undone_by == world.admin
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"beneficiary.merge_undo", "beneficiary.unmerged"} <= actions
    with pytest.raises(ValidationError, match="already undone"):
        services.beneficiary_merge_undo(actor=world.admin, merge_id=record.pk)


def test_only_program_admins_undo_from_the_page(client, world, merged):
    record = BeneficiaryMerge.objects.get()
    url = reverse("core:merge_undo", args=[record.pk])
    sign_in(client, world.officer_a)
    assert client.post(url).status_code == 403
    sign_in(client, world.admin)
    page = client.get(reverse("core:beneficiary_detail", args=[world.ben_a.pk]))
    assert url in page.content.decode()
    response = client.post(url, {"comment": "Different people"})
    assert response.status_code == 302
    assert BeneficiaryMerge.objects.get().undone_at is not None
