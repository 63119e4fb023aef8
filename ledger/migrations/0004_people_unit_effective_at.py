"""Head counts as a ledger unit, and each transfer's effective instant.

Existing transfers took effect when they were recorded: `effective_at` is back-filled from
`created_at`. On PostgreSQL the append-only trigger (0002) is disabled for that one UPDATE,
inside this migration's transaction, and enabled again before it commits.
"""

import django.db.models.functions.datetime
import django.utils.timezone
from django.db import migrations, models
from django.db.models import Q

CURRENCIES = ["USD", "MXN", "PPL"]


def backfill(apps, schema_editor):
    table = "ledger_transfer"
    with schema_editor.connection.cursor() as cursor:
        postgres = schema_editor.connection.vendor == "postgresql"
        if postgres:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ledger_transfer_no_update_delete")
        cursor.execute(f"UPDATE {table} SET effective_at = created_at")
        if postgres:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ledger_transfer_no_update_delete")


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0003_document_permissions"),
    ]

    operations = [
        migrations.AddField(
            model_name="transfer",
            name="effective_at",
            field=models.DateTimeField(null=True, verbose_name="effective at"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="transfer",
            name="effective_at",
            field=models.DateTimeField(
                db_default=django.db.models.functions.datetime.Now(),
                default=django.utils.timezone.now, verbose_name="effective at"),
        ),
        migrations.AlterField(
            model_name="account",
            name="currency",
            field=models.CharField(
                choices=[("USD", "USD"), ("MXN", "MXN"), ("PPL", "people")], max_length=3,
                verbose_name="currency"),
        ),
        migrations.AlterField(
            model_name="transfer",
            name="currency",
            field=models.CharField(
                choices=[("USD", "USD"), ("MXN", "MXN"), ("PPL", "people")], max_length=3,
                verbose_name="currency"),
        ),
        migrations.RemoveConstraint(model_name="account", name="account_currency_valid"),
        migrations.AddConstraint(
            model_name="account",
            constraint=models.CheckConstraint(
                condition=Q(currency__in=CURRENCIES), name="account_currency_valid"),
        ),
        migrations.RemoveConstraint(model_name="transfer", name="transfer_currency_valid"),
        migrations.AddConstraint(
            model_name="transfer",
            constraint=models.CheckConstraint(
                condition=Q(currency__in=CURRENCIES), name="transfer_currency_valid"),
        ),
    ]
