import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0012_passwordresetrequest'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='DocumentBatch',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('monthly_statements', 'Monthly reconciliation statements')], max_length=32, verbose_name='kind')),
                ('period', models.CharField(max_length=7, verbose_name='period')),
                ('status', models.CharField(choices=[('queued', 'Waiting to start'), ('running', 'Producing the documents'), ('done', 'Ready'), ('failed', 'Stopped')], default='queued', max_length=8, verbose_name='status')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='documents')),
                ('done_count', models.PositiveIntegerField(default=0, verbose_name='documents made')),
                ('message', models.TextField(blank=True)),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('heartbeat_at', models.DateTimeField(blank=True, null=True)),
                ('finished_at', models.DateTimeField(blank=True, null=True)),
                ('requested_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'document batch',
                'verbose_name_plural': 'document batches',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.UniqueConstraint(fields=('kind', 'period'), name='document_batch_once')],
            },
        ),
        migrations.CreateModel(
            name='DocumentBatchFile',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('holder', models.CharField(max_length=40)),
                ('storage_name', models.CharField(editable=False, max_length=255)),
                ('size', models.PositiveIntegerField(default=0)),
                ('batch', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='files', to='core.documentbatch')),
                ('document', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.issueddocument')),
            ],
            options={
                'ordering': ['batch', 'id'],
                'constraints': [models.UniqueConstraint(fields=('batch', 'holder'), name='document_batch_file_once')],
            },
        ),
    ]
