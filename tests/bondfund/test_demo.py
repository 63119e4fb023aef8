from django.core.management import call_command

from bondfund.models import BondRequest, State
from ledger.verify import verify


def test_demo_loads_every_state_and_is_idempotent(db):
    from bondfund import demo
    from core import demo as core_demo

    core_demo.load()
    demo.load()
    states = dict(BondRequest.objects.values_list("detention_case__facility", "state"))
    assert set(states.values()) == {s for _, _, s in demo.REQUESTS}
    before = (BondRequest.objects.count(), verify())
    demo.load()
    made = len(demo.REQUESTS) + len(demo.LA_REQUESTS)
    assert (BondRequest.objects.count(), verify()) == before == (made, [])
    los_angeles = BondRequest.objects.get(consulate__code="LAX")
    assert los_angeles.state == State.RELEASED and los_angeles.program.name == demo.LA_PROGRAM
    call_command("ledger_verify")
    assert BondRequest.objects.get(state=State.CLOSED_REFUNDED).refund_interest is not None
