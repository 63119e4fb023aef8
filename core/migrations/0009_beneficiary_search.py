"""Search over people: the sex compared with the CURP, a normalised name column and the
phone's digits, filled for existing rows; on PostgreSQL the unaccent and pg_trgm
extensions, an IMMUTABLE unaccent wrapper and a GIN trigram index on the name column."""

from django.db import migrations, models

from core.validators import normalize_name, phone_digits

POSTGRES_UP = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    # unaccent() is only STABLE (its dictionary could change); naming the dictionary makes a
    # wrapper that may be used in indexes and generated columns.
    """CREATE OR REPLACE FUNCTION fianza_unaccent(text) RETURNS text
       LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
       AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$""",
    """CREATE INDEX IF NOT EXISTS beneficiary_search_trgm
       ON core_beneficiary USING gin (search_text gin_trgm_ops)""",
]
POSTGRES_DOWN = [
    "DROP INDEX IF EXISTS beneficiary_search_trgm",
    "DROP FUNCTION IF EXISTS fianza_unaccent(text)",
]


def fill(apps, schema_editor):
    Beneficiary = apps.get_model("core", "Beneficiary")
    batch = []
    for b in Beneficiary.objects.only("given_names", "family_names", "phone").iterator(
            chunk_size=2000):
        b.search_text = normalize_name(f"{b.given_names} {b.family_names}")[:250]
        b.phone_digits = phone_digits(b.phone)
        batch.append(b)
        if len(batch) == 2000:
            Beneficiary.objects.bulk_update(batch, ["search_text", "phone_digits"])
            batch = []
    Beneficiary.objects.bulk_update(batch, ["search_text", "phone_digits"])


def postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0008_import_job_queue"),
    ]

    operations = [
        migrations.AddField(
            model_name="beneficiary",
            name="sex",
            field=models.CharField(blank=True, choices=[("F", "Female"), ("M", "Male"),
                                                        ("X", "Non-binary")],
                                   max_length=1, verbose_name="sex"),
        ),
        migrations.AddField(
            model_name="beneficiary",
            name="search_text",
            field=models.CharField(blank=True, editable=False, max_length=250),
        ),
        migrations.AddField(
            model_name="beneficiary",
            name="phone_digits",
            field=models.CharField(blank=True, editable=False, max_length=10),
        ),
        migrations.AddIndex(
            model_name="beneficiary",
            index=models.Index(fields=["phone_digits"], name="beneficiary_phone_idx"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(postgres(POSTGRES_UP), postgres(POSTGRES_DOWN)),
    ]
