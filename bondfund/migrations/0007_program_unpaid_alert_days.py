from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('bondfund', '0006_remove_bondapproval_bond_approval_once_and_more'),
    ]

    operations = [
        migrations.AddField(
            model_name='bondprogram',
            name='unpaid_alert_days',
            field=models.PositiveSmallIntegerField(default=14, help_text='An approved case not paid after this many days raises an alert, and again every week until it is paid or released.', verbose_name='alert when approved and not paid after (days)'),
        ),
    ]
