"""Auditors' reviews and finished verification runs are hashed onto the chain, with the
canonical version of the hash.

Rows written before this change keep a null version: their events carry no hash
(docs/audit-chain.md says how verification treats them). The services set the version of
new reviews and of runs as they finish. A nullable column without a default is added in
place on SQLite, so the tables keep their append-only triggers (a rebuild would drop them).
"""

from django.db import migrations, models

class Migration(migrations.Migration):
    dependencies = [("audit", "0005_event_type_without_choices")]

    operations = [
        migrations.AddField(
            model_name="decisionreview",
            name="canonical_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="verificationrun",
            name="canonical_version",
            field=models.PositiveSmallIntegerField(blank=True, null=True),
        ),
    ]
