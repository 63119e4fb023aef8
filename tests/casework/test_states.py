"""Every state of both machines has its family words and a way on, from one definition."""

import pytest

from bondfund import actions as bond_actions
from casework.actions import transition_sources, transitions_from
from grants import actions as grant_actions
from tests.casework.factories import MACHINES


def _actions_of(machine):
    return bond_actions if machine.name == "bond" else grant_actions


# The machines' own states (their `State` choices), never the words table.
STATES = [(m, value) for m in MACHINES
          for value, _label in m.kind.model._meta.get_field("state").choices]


@pytest.mark.parametrize("machine, state", STATES, ids=lambda v: getattr(v, "name", v))
def test_every_state_has_family_words_and_a_staff_step_out(machine, state):
    words = machine.kind.states.get(state)
    assert words is not None, f"{machine.name} state {state} has no definition"
    if state != "draft":
        assert words.family, f"{machine.name} state {state} says nothing to families"
        assert any(f.name == words.family_date for f in machine.kind.model._meta.fields)
    module = _actions_of(machine)
    leaving = transitions_from(machine.kind.model, state) - module.SYSTEM_TRANSITIONS
    buttons = {a.transition for a in module.ACTIONS.values()
               if state in a.sources(machine.kind.model)}
    assert leaving <= buttons, f"{machine.name} {state}: no button for {leaving - buttons}"


@pytest.mark.parametrize("machine", MACHINES, ids=lambda m: m.name)
def test_every_button_leads_to_a_transition_of_its_machine(machine):
    for action in _actions_of(machine).ACTIONS.values():
        assert transition_sources(machine.kind.model, action.transition), action.slug
