import pytest
import time_machine
from django.db import connection
from django.utils import translation

from tests.clock import AROUND_MIDNIGHT, MIDDAY


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) on SQLite; CI's second pass runs them."""
    if connection.vendor == "postgresql":
        return
    kept, dropped = [], []
    for item in items:
        (dropped if item.get_closest_marker("postgres") else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services speak the active language, and a request served by an earlier test leaves
    its language active in the thread. Tests calling services directly read English; pages
    still choose their own language per request (Spanish first)."""
    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _no_network(monkeypatch):
    """Tests never reach the network: any outbound connection fails loudly."""
    import socket

    real_connect = socket.socket.connect

    def guarded(sock, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") \
                and not host.startswith("/"):
            raise RuntimeError(f"Network access in tests: {address!r}")
        return real_connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


@pytest.fixture
def world(db):
    """Two consulates, two partners and a persona for every role; each tenant a beneficiary."""
    from core.models import Role
    from tests.core.factories import (
        BeneficiaryFactory,
        ConsulateFactory,
        PartnerFactory,
        user_with_role,
    )

    class World:
        pass

    w = World()
    w.consulate_a = ConsulateFactory(code="CHI", name="Consulado de México en Chicago",
                                     city="Chicago", state="IL")
    w.consulate_b = ConsulateFactory(code="LAX", name="Consulado de México en Los Ángeles",
                                     city="Los Angeles", state="CA")
    w.partner_x = PartnerFactory(name="Midwest Immigrant Bond Project", ein="36-4567890")
    w.partner_x.consulates.add(w.consulate_a)
    w.partner_y = PartnerFactory(name="Southwest Detention Aid", ein="95-1234567")
    w.partner_y.consulates.add(w.consulate_b)
    w.officer_a = user_with_role(Role.CONSULATE_OFFICER, consulate=w.consulate_a,
                                 username="officer_a")
    w.officer_b = user_with_role(Role.CONSULATE_OFFICER, consulate=w.consulate_b,
                                 username="officer_b")
    w.approver_a = user_with_role(Role.FINANCE_APPROVER, consulate=w.consulate_a,
                                  username="approver_a")
    w.partner_x_staff = user_with_role(Role.PARTNER_STAFF, partner=w.partner_x,
                                       username="partner_x")
    w.partner_y_staff = user_with_role(Role.PARTNER_STAFF, partner=w.partner_y,
                                       username="partner_y")
    w.admin = user_with_role(Role.PROGRAM_ADMIN, username="admin")
    w.auditor = user_with_role(Role.AUDITOR, username="auditor")
    w.ben_a = BeneficiaryFactory(consulate=w.consulate_a, given_names="Ximena",
                                 family_names="Alvarado Quintero")
    w.ben_b = BeneficiaryFactory(consulate=w.consulate_b, given_names="Bernardo",
                                 family_names="Zavala Ochoa")
    w.personas = {
        "officer_a": w.officer_a, "officer_b": w.officer_b, "approver_a": w.approver_a,
        "partner_x": w.partner_x_staff, "partner_y": w.partner_y_staff,
        "admin": w.admin, "auditor": w.auditor, "anonymous": None,
    }
    return w


@pytest.fixture(params=AROUND_MIDNIGHT)
def around_midnight(request):
    """Time frozen just before or just after midnight in Chicago, UTC or San Juan (one test
    per instant): for rules whose answer could change with the hour."""
    with time_machine.travel(request.param, tick=False):
        yield request.param


@pytest.fixture
def frozen_clock():
    """Time frozen at one ordinary instant, for tests that compute dates or ages."""
    with time_machine.travel(MIDDAY, tick=False):
        yield MIDDAY


@pytest.fixture
def ticking_clock():
    """Time starts at one ordinary instant and runs: for modules whose objects are ordered by
    when they were made, and whose dates must not depend on the hour the suite runs."""
    with time_machine.travel(MIDDAY, tick=True):
        yield MIDDAY
