"""A trigram index for duplicate matching on PostgreSQL (pg_trgm is a trusted extension,
so the owner role that runs migrations may create it). SQLite pre-selects with plain
filters instead."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS referrals_subject_match_trgm "
        "ON referrals_subject USING gin (match_key gin_trgm_ops)"
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS referrals_subject_match_trgm")


class Migration(migrations.Migration):
    dependencies = [("referrals", "0002_concern_types_and_age_bands")]

    operations = [migrations.RunPython(create, drop)]
