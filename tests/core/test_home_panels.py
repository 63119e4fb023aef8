"""The home page says what waits on each person, counted from the data, each count opening
its list; the page costs the same number of queries whatever the rows."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from bondfund import services as bond_services
from core.dashboard import panels_for
from monitoring.models import CheckName, CheckRun
from tests.bondfund.factories import make_program, make_request, pay
from tests.core.home_data import bond_desk
from tests.helpers import assert_flat, sign_in

pytestmark = pytest.mark.django_db
D = datetime.date
LATER = datetime.datetime(2026, 4, 15, 15, 0, tzinfo=datetime.UTC)  # 10:00 in Chicago


def counts(user, title):
    panel = next(p for p in panels_for(user) if p.title == title)
    return {item.label: (item.count, item.url) for item in panel.counts}


@pytest.fixture
def desk(world):
    return bond_desk(world)


def test_officer_sees_each_stage_that_waits_on_them_with_its_list(world, desk):
    bonds = reverse("bondfund:request_list")
    with time_machine.travel(LATER, tick=False):
        bond = counts(world.officer_a, "Bond requests")
        hearings = counts(world.officer_a, "Hearings and check-ins")
    assert bond["bond request in draft"] == (1, f"{bonds}?state=draft")
    assert bond["bond request returned for changes"] == (1, f"{bonds}?state=draft")
    assert bond["bond paid, waiting for the partner to post it"] == (1, f"{bonds}?state=disbursed")
    assert bond["bond posted, waiting for the partner to confirm the release"][0] == 1
    assert bond["refund overdue (more than 90 days)"] == (1, reverse("bondfund:refunds_due"))
    assert hearings["hearing or check-in this week"][0] == 1


def test_a_refund_is_not_overdue_before_ninety_days(world, desk):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 15, tzinfo=datetime.UTC), tick=False):
        bond = counts(world.officer_a, "Bond requests")
    assert bond["bond requests overdue (more than 90 days)".replace("bond requests",
                                                                    "refunds")][0] == 0


def test_another_consulate_sees_none_of_it(world, desk):
    with time_machine.travel(LATER, tick=False):
        bond = counts(world.officer_b, "Bond requests")
        partner = counts(world.partner_y_staff, "Your organization's bonds")
    assert {n for n, _url in bond.values()} == {0}
    assert {n for n, _url in partner.values()} == {0}


def test_partner_sees_bonds_to_post_releases_to_confirm_and_refunds_due(world, desk):
    with time_machine.travel(LATER, tick=False):
        partner = counts(world.partner_x_staff, "Your organization's bonds")
        hearings = counts(world.partner_x_staff, "Hearings and check-ins")
    assert partner["bond to post with ICE"] == (1, reverse("bondfund:request_list")
                                                + "?state=disbursed")
    assert partner["release to confirm"][0] == 1
    assert partner["refund due to the fund"][0] == 1
    assert hearings["hearing or check-in this week"][0] == 1


def test_approver_sees_the_queue_with_its_money_and_payments(client, world, desk):
    with time_machine.travel(LATER, tick=False):
        panel = next(p for p in panels_for(world.approver_a) if p.title == "Bond approvals")
        queue = panel.counts[0]
        sign_in(client, world.approver_a)
        page = client.get(reverse("core:home")).content.decode()
    assert (queue.count, queue.detail) == (1, "USD\xa07,000.00 waiting")
    assert queue.url == reverse("bondfund:approval_queue")
    assert 'href="/payments/?status=requested"' in page
    assert re.search(r'count-number">1</span> <span class="count-label">bond request waiting',
                     page)


def test_program_admin_sees_each_programs_money_per_consulate_and_partner(client, world, desk):
    with time_machine.travel(LATER, tick=False):
        sign_in(client, world.admin)
        response = client.get(reverse("core:home"))
    panel = next(p for p in response.context["panels"]
                 if p.title == "Programs: money and people")
    program = panel.context["programs"][0]
    rows = {row["name"]: row for row in program["rows"]}
    chicago = rows[str(world.consulate_a)]
    assert str(chicago["allocated"]) == "USD\xa0100,000.00"
    # 7,000 waits unsigned (nothing reserved before the first signature); three bonds of
    # 6,000 were paid, one of them now a refund due: still out of the available money.
    assert [str(chicago[f]) for f in ("reserved", "disbursed", "available")] == [
        "USD\xa00.00", "USD\xa018,000.00", "USD\xa082,000.00"]
    page = response.content.decode()
    assert page.count('role="img"') >= 3 and "Bonds by stage" in page


def test_charts_page_is_for_program_administrators(client, world, desk):
    sign_in(client, world.admin)
    page = client.get(reverse("core:charts")).content.decode()
    assert "Refunds due, by age" in page and "<svg" in page and "<table" in page
    sign_in(client, world.officer_a)
    assert client.get(reverse("core:charts")).status_code == 403


def test_auditor_sees_the_latest_result_of_each_nightly_check(client, world):
    CheckRun.objects.create(name=CheckName.LEDGER, day=D(2026, 4, 14), ok=True,
                            summary="Every counter matches its transfers.")
    CheckRun.objects.create(name=CheckName.AUDIT, day=D(2026, 4, 14), ok=False,
                            summary="The chain breaks at event 12.")
    sign_in(client, world.auditor)
    page = client.get(reverse("core:home")).content.decode()
    assert "Latest nightly checks" in page
    assert "Did not pass" in page and "The chain breaks at event 12." in page
    assert "Not run yet" in page  # Stripe reconciliation


@pytest.mark.parametrize("persona", ["officer_a", "approver_a", "partner_x", "admin",
                                     "auditor"])
def test_home_costs_the_same_whatever_the_rows(client, world, persona):
    program = make_program(world)

    def add(n):
        for _ in range(n):
            bond = make_request(world, program, submit=persona != "officer_a")
            if persona in ("partner_x", "admin"):
                bond_services.bond_request_approve(actor=world.approver_a, request_id=bond.pk)
                pay(world, bond)

    sign_in(client, world.personas[persona])
    assert_flat(client, reverse("core:home"), add)
