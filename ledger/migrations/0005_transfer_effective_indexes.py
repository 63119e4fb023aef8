"""A report period sums each account's transfers that took effect in it: index them by
(account, effective_at) on both sides."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("ledger", "0004_people_unit_effective_at"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["debit_account", "effective_at"],
                               name="transfer_debit_effective_idx"),
        ),
        migrations.AddIndex(
            model_name="transfer",
            index=models.Index(fields=["credit_account", "effective_at"],
                               name="transfer_credit_effective_idx"),
        ),
    ]
