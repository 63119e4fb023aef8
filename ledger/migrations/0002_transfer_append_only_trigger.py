"""PostgreSQL backstop: ledger transfers refuse UPDATE, DELETE and TRUNCATE.

The escape hatch is a session setting, `SET fianza.ledger_maintenance = 'on'`, used only by
`manage.py flush` (ledger/management/commands/flush.py), which test teardown calls. The counters'
CHECK constraints are in 0001 (model constraints, on every database).
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION ledger_transfer_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'TRUNCATE'
       AND current_setting('fianza.ledger_maintenance', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'ledger_transfer is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER ledger_transfer_no_update_delete
    BEFORE UPDATE OR DELETE ON ledger_transfer
    FOR EACH ROW EXECUTE FUNCTION ledger_transfer_append_only();
CREATE TRIGGER ledger_transfer_no_truncate
    BEFORE TRUNCATE ON ledger_transfer
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_transfer_append_only();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS ledger_transfer_no_truncate ON ledger_transfer;
DROP TRIGGER IF EXISTS ledger_transfer_no_update_delete ON ledger_transfer;
DROP FUNCTION IF EXISTS ledger_transfer_append_only();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
