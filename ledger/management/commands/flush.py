"""`flush` as Django's, plus leave to truncate the ledger on PostgreSQL.

The ledger's trigger refuses TRUNCATE of transfers unless the session sets
`fianza.ledger_maintenance`; flush (an explicit "erase everything", used by test teardown) is
the one place that does.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return super().handle(**options)
        with connection.cursor() as cursor:
            cursor.execute("SET fianza.ledger_maintenance = 'on'")
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("RESET fianza.ledger_maintenance")
