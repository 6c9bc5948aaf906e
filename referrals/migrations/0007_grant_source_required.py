"""Every grant names whose information it gives."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("referrals", "0006_backfill_provenance_and_responsibility")]

    operations = [
        migrations.AlterField(
            model_name="referralgrant",
            name="source_agency",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="prevent_cases.agency",
            ),
        ),
    ]
