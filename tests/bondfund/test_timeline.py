"""Bonds on the person's timeline, and the warning a second bond request shows."""

from django.urls import reverse

from bondfund.models import BondRequest
from bondfund.timeline import bond_timeline, bonds_still_posted
from tests.bondfund.factories import make_program, make_request
from tests.core.factories import BeneficiaryFactory
from tests.helpers import sign_in


def test_a_posted_bond_anywhere_is_warned_on_a_new_request(client, world):
    program = make_program(world)
    req = make_request(world, program, beneficiary=world.ben_a)
    assert bonds_still_posted(world.ben_a.pk) == []
    BondRequest.objects.filter(pk=req.pk).update(state="posted")  # as the partner confirms
    # The same person recorded again elsewhere and merged: the bond still counts.
    older = BeneficiaryFactory(consulate=world.consulate_b, merged_into=world.ben_a)
    assert [b.pk for b in bonds_still_posted(world.ben_a.pk)] == [req.pk]
    assert bonds_still_posted(older.pk) == []
    sign_in(client, world.officer_a)
    page = client.get(reverse("bondfund:request_create") + f"?beneficiary={world.ben_a.pk}")
    assert req.reference in page.content.decode()
    assert bond_timeline([world.ben_a.pk])[0].title.startswith(req.reference)
