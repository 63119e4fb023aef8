"""One wire for several bonds: grouped by one approver, recorded by another, each bond paid
exactly once through the single payment's path (ledger postings, case transitions, audit)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from bondfund import services as bonds
from bondfund.models import BondRequest, State
from core.models import AuditEvent, Role
from ledger.models import Transfer
from ledger.verify import verify
from payments import services, wires
from payments.models import Disbursement, Status, WireStatus
from tests.bondfund.factories import make_program, make_request, pay
from tests.casework.stripe import english  # noqa: F401 - an autouse fixture
from tests.core.factories import BeneficiaryFactory, user_with_role
from tests.helpers import sign_in

SENT_ON = datetime.date(2025, 12, 2)


@pytest.fixture
def ledger_receivers():
    """Real bonds here: casework's own receivers post the ledger, not the module's stand-in."""
    yield


@pytest.fixture
def second_approver(world):
    return user_with_role(Role.FINANCE_APPROVER, consulate=world.consulate_a,
                          username="approver_a2")


@pytest.fixture
def program(world):
    return make_program(world)


def approved_bond(world, program, *, amount=6_000, obligor=None):
    person = BeneficiaryFactory(consulate=world.consulate_a)
    req = make_request(world, program, amount=amount, beneficiary=person, obligor=obligor)
    return bonds.bond_request_approve(actor=world.approver_a, request_id=req.pk)


def requested_payment(world, bond):
    return bonds.bond_request_request_payment(actor=world.approver_a, request_id=bond.pk)


@pytest.fixture
def three(world, program):
    """Three approved bonds owed to partner X, each with its payment requested."""
    found = [approved_bond(world, program, amount=a) for a in (6_000, 7_500, 9_000)]
    return found, [requested_payment(world, b) for b in found]


def disbursed_postings(d):
    return Transfer.objects.filter(id__startswith=f"disburse:{d.pk}").count()


def test_a_wire_pays_every_bond_once_with_one_reference(world, three, second_approver):
    found, payments = three
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    assert wire.amount == 2_250_000 and wire.payee_partner == world.partner_x

    wires.wire_record(wire_id=wire.pk, actor=second_approver, method="wire",
                      reference="FW-2025-77", sent_on=SENT_ON)

    wire.refresh_from_db()
    assert wire.status == WireStatus.PAID and wire.released_by == second_approver
    for bond, d in zip(found, payments, strict=True):
        d.refresh_from_db()
        assert d.status == Status.PAID and d.manual_reference == "FW-2025-77"
        assert BondRequest.objects.get(pk=bond.pk).state == State.DISBURSED
        assert disbursed_postings(d) > 0
    assert verify() == []
    assert AuditEvent.objects.filter(action="payments.wire.paid",
                                     object_id=str(wire.pk)).count() == 1
    assert AuditEvent.objects.filter(action="payments.disbursement.paid").count() == 3


def test_a_second_record_changes_nothing(world, three, second_approver):
    _found, payments = three
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    wires.wire_record(wire_id=wire.pk, actor=second_approver, method="wire",
                      reference="FW-1", sent_on=SENT_ON)
    before = Transfer.objects.count()
    with pytest.raises(ValidationError, match="already paid"):
        wires.wire_record(wire_id=wire.pk, actor=second_approver, method="wire",
                          reference="FW-1", sent_on=SENT_ON)
    assert Transfer.objects.count() == before


def test_the_requester_cannot_record_the_wire(world, three):
    _found, payments = three
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    with pytest.raises(ValidationError, match="another finance approver"):
        wires.wire_record(wire_id=wire.pk, actor=world.approver_a, method="wire",
                          reference="FW-1", sent_on=SENT_ON)
    assert not Disbursement.objects.filter(wire=wire, status=Status.PAID).exists()


def test_above_the_threshold_the_case_rule_still_applies(world, program, second_approver):
    program.second_person_pays_above = 5_000
    program.save()
    mine = approved_bond(world, program)
    d1 = bonds.bond_request_request_payment(actor=second_approver, request_id=mine.pk)
    d2 = requested_payment(world, approved_bond(world, program))
    wire = wires.wire_request(disbursement_ids=[d1.pk, d2.pk], actor=world.approver_a)
    with pytest.raises(ValidationError, match="second person"):
        wires.wire_record(wire_id=wire.pk, actor=second_approver, method="wire",
                          reference="FW-1", sent_on=SENT_ON)
    assert not Disbursement.objects.filter(wire=wire, status=Status.PAID).exists()


def test_a_paid_bond_cannot_join_a_wire(world, program):
    paid = pay(world, approved_bond(world, program))
    other = requested_payment(world, approved_bond(world, program))
    with pytest.raises(ValidationError, match=f"{paid.reference} cannot join a wire: its "
                                              "payment is already paid"):
        wires.wire_request(disbursement_ids=[paid.payment_id, other.pk],
                           actor=world.approver_a)
    other.refresh_from_db()
    assert other.wire_id is None


def test_one_partner_one_consulate_per_wire(world, program):
    world.partner_y.consulates.add(world.consulate_a)
    x = requested_payment(world, approved_bond(world, program))
    y = requested_payment(world, approved_bond(world, program, obligor=world.partner_y))
    with pytest.raises(ValidationError, match="one partner"):
        wires.wire_request(disbursement_ids=[x.pk, y.pk], actor=world.approver_a)


def test_only_finance_of_the_consulate_groups_payments(world, three):
    _found, payments = three
    with pytest.raises(PermissionDenied):
        wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.officer_a)


def test_a_payment_in_a_wire_is_not_paid_alone_until_the_wire_is_cancelled(
        world, three, second_approver):
    _found, payments = three
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    with pytest.raises(ValidationError, match="part of a wire"):
        services.disbursement_record_manual(disbursement_id=payments[0].pk,
                                            actor=second_approver, method="wire",
                                            reference="FW-9", sent_on=SENT_ON)
    with pytest.raises(ValidationError, match="already in another wire"):
        wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)

    wires.wire_cancel(wire_id=wire.pk, actor=world.approver_a, reason="Two wires instead")
    services.disbursement_record_manual(disbursement_id=payments[0].pk,
                                        actor=second_approver, method="wire",
                                        reference="FW-9", sent_on=SENT_ON)
    again = wires.wire_request(disbursement_ids=[d.pk for d in payments[1:]],
                               actor=world.approver_a)
    assert again.amount == 1_650_000


def test_a_bond_stayed_after_joining_stops_the_whole_wire(world, three, second_approver):
    found, payments = three
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    bonds.bond_request_stay(actor=world.approver_a, request_id=found[1].pk,
                            filed_on=datetime.date(2025, 11, 20))
    with pytest.raises(ValidationError, match=found[1].reference):
        wires.wire_record(wire_id=wire.pk, actor=second_approver, method="wire",
                          reference="FW-1", sent_on=SENT_ON)
    assert not Disbursement.objects.filter(wire=wire, status=Status.PAID).exists()
    assert Transfer.objects.filter(id__startswith="disburse:").count() == 0


# --- pages -----------------------------------------------------------------------------------

def test_the_list_shows_the_case_and_the_person_not_a_model_label(world, three):
    found, _payments = three
    client = sign_in(Client(), world.approver_a)
    page = client.get(reverse("payments:disbursement_list")).content.decode()
    assert "bondfund.bondrequest#" not in page
    for bond in found:
        assert f'href="{reverse("bondfund:request_detail", args=[bond.pk])}"' in page
        assert bond.reference in page and str(bond.beneficiary) in page


def test_a_wire_from_the_list_to_its_record(world, three, second_approver):
    found, payments = three
    client = sign_in(Client(), world.approver_a)
    listed = client.get(reverse("payments:disbursement_list"),
                        {"partner": world.partner_x.pk}).content.decode()
    assert listed.count('name="disbursement"') == 3
    response = client.post(reverse("payments:wire_create"),
                           {"disbursement": [d.pk for d in payments],
                            "partner": world.partner_x.pk, "memo": "Diciembre"})
    wire = Disbursement.objects.get(pk=payments[0].pk).wire
    assert response.status_code == 302 and response.url == reverse("payments:wire_detail",
                                                                   args=[wire.pk])
    detail = client.get(response.url).content.decode()
    assert "22,500.00" in detail and "another finance approver records it" in detail
    for bond in found:
        assert reverse("bondfund:request_detail", args=[bond.pk]) in detail

    other = sign_in(Client(), second_approver)
    response = other.post(reverse("payments:wire_record", args=[wire.pk]),
                          {"method": "wire", "reference": "FW-31", "sent_on": "2025-12-02"})
    assert response.status_code == 302
    assert set(Disbursement.objects.filter(wire=wire).values_list("status", flat=True)) == {
        Status.PAID}
    assert "Record the bank wire" not in other.get(response.url).content.decode()


def test_a_refused_wire_says_why_and_creates_nothing(world, three):
    _found, payments = three
    client = sign_in(Client(), world.approver_a)
    response = client.post(reverse("payments:wire_create"),
                           {"disbursement": [payments[0].pk], "partner": world.partner_x.pk},
                           follow=True)
    assert "Choose at least two payments" in response.content.decode()
    assert not Disbursement.objects.filter(wire__isnull=False).exists()


def test_another_tenant_gets_404_on_a_wire(world, three):
    _found, payments = three
    wire = wires.wire_request(disbursement_ids=[d.pk for d in payments], actor=world.approver_a)
    for persona in ("officer_b", "partner_y"):
        client = sign_in(Client(), world.personas[persona])
        assert client.get(reverse("payments:wire_detail", args=[wire.pk])).status_code == 404
    partner = sign_in(Client(), world.partner_x_staff)
    assert partner.get(reverse("payments:wire_detail", args=[wire.pk])).status_code == 200


def test_the_list_names_cases_without_a_query_per_row(world, program):
    from tests.helpers import assert_flat

    def add(n):
        for _ in range(n):
            requested_payment(world, approved_bond(world, program, amount=5_000))

    client = sign_in(Client(), world.approver_a)
    assert_flat(client, reverse("payments:disbursement_list") + f"?partner={world.partner_x.pk}",
                add)
