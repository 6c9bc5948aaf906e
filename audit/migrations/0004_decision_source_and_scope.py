"""Sharing decisions say whose information they share (source agency) and which part of the
case (scope), and which canonical form their hash covers.

Rows recorded before this change keep canonical version 1 and a null source (their source
is the disclosing agency), so their hashes still verify; new rows are version 2. On SQLite,
adding these columns rebuilds the table, which drops its append-only triggers: they are
created again at the end.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLE = "audit_sharingdecision"


def recreate_sqlite_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for operation in ("UPDATE", "DELETE"):
        name = f"{TABLE}_no_{operation.lower()}"
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
        schema_editor.execute(
            f"CREATE TRIGGER {name} BEFORE {operation} ON {TABLE} "
            f"BEGIN SELECT RAISE(ABORT, 'audit table {TABLE} is append-only: "
            f"{operation} refused'); END"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_verification_runs"),
        ("prevent_cases", "0001_people_and_agencies"),
    ]

    operations = [
        migrations.AddField(
            model_name="sharingdecision",
            name="source_agency",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="decisions_sourced",
                to="prevent_cases.agency",
            ),
        ),
        migrations.AddField(
            model_name="sharingdecision",
            name="scope",
            field=models.CharField(blank=True, default="", max_length=80),
        ),
        # Existing rows are version 1; the field's default for new rows is 2.
        migrations.AddField(
            model_name="sharingdecision",
            name="canonical_version",
            field=models.PositiveSmallIntegerField(default=1),
        ),
        migrations.AlterField(
            model_name="sharingdecision",
            name="canonical_version",
            field=models.PositiveSmallIntegerField(default=2),
        ),
        migrations.AddConstraint(
            model_name="sharingdecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("canonical_version", 1), ("source_agency__isnull", False), _connector="OR"
                ),
                name="decision_names_source",
            ),
        ),
        migrations.RunPython(recreate_sqlite_triggers, migrations.RunPython.noop),
    ]
