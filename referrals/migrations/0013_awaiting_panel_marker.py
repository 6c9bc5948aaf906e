"""Mark the referrals waiting in their panel's Channel inbox, and index them in the inbox's
order, so the inbox reads the waiting rows instead of checking every progressed referral
against the panel cases.

The marker is filled from the rule the inbox applied until now: progressed, no case open
before any panel, and no case (open or closed) ever held by the responsible agency's panel.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef

CLOSED_STAGES = ("exited", "not_adopted")


def mark_waiting(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    PanelCase = apps.get_model("panels", "PanelCase")
    open_case = PanelCase.objects.filter(referral=OuterRef("pk")).exclude(stage__in=CLOSED_STAGES)
    held_by_responsible = PanelCase.objects.filter(
        referral=OuterRef("pk"), panel__agency_id=OuterRef("responsible_agency_id")
    )
    Referral.objects.filter(status="progressed", responsible_agency__isnull=False).exclude(
        Exists(open_case)
    ).exclude(Exists(held_by_responsible)).update(awaiting_panel=True)


class Migration(migrations.Migration):
    dependencies = [
        ("panels", "0005_indexes_for_panel_and_delivery_lists"),
        ("prevent_cases", "0002_agency_contact"),
        ("referrals", "0012_record_corrections"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="awaiting_panel",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(mark_waiting, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="referral",
            index=models.Index(
                condition=models.Q(("awaiting_panel", True)),
                fields=["responsible_agency", "status_changed_at", "id"],
                name="referral_awaiting_panel",
            ),
        ),
    ]
