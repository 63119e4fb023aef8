import pytest
from django.db import connection

from ledger import services
from tests.ledger.factories import AccountFactory, LimitedAccountFactory


@pytest.fixture(autouse=True)
def _ledger_guard_on(request):
    """PostgreSQL transactional tests start with the append-only trigger fully armed."""
    if connection.vendor == "postgresql" and request.node.get_closest_marker("postgres"):
        with connection.cursor() as cursor:
            cursor.execute("RESET fianza.ledger_maintenance")
    yield

# A funded wallet with a limit, its source and a sink: the accounts most ledger tests move
# money between.
@pytest.fixture
def source():
    return AccountFactory(name="Source")


@pytest.fixture
def wallet(source):
    wallet = LimitedAccountFactory(name="Wallet")
    services.transfer_create(key="seed", debit_account_id=source.pk, credit_account_id=wallet.pk,
                             amount=1_000, code="fund")
    return wallet


@pytest.fixture
def sink():
    return AccountFactory(name="Sink")
