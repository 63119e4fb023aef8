import pytest
from django.db import connection


@pytest.fixture(autouse=True)
def _ledger_guard_on(request):
    """PostgreSQL transactional tests start with the append-only trigger fully armed."""
    if connection.vendor == "postgresql" and request.node.get_closest_marker("postgres"):
        with connection.cursor() as cursor:
            cursor.execute("RESET fianza.ledger_maintenance")
    yield
