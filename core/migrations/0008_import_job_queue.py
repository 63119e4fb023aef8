from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0007_partner_legal_advisor_kind'),
    ]

    operations = [
        migrations.AddField(
            model_name='importjob',
            name='sha256',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='SHA-256'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='size_bytes',
            field=models.PositiveBigIntegerField(default=0, editable=False, verbose_name='size (bytes)'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='heartbeat_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='last sign of work'),
        ),
        migrations.AddField(
            model_name='importjob',
            name='attempts',
            field=models.PositiveSmallIntegerField(default=0, verbose_name='runs started'),
        ),
        migrations.AddIndex(
            model_name='importjob',
            index=models.Index(fields=['status', 'heartbeat_at'], name='import_job_sweep_idx'),
        ),
    ]
