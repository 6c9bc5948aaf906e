"""Auditors' reviews and finished verification runs are hashed onto the chain, with the
canonical version of the hash; a new event type records a finished verification run.

Rows written before this change keep a null version: their events carry no hash
(docs/audit-chain.md says how verification treats them). The services set the version of
new reviews and of runs as they finish. A nullable column without a default is added in
place on SQLite, so the tables keep their append-only triggers (a rebuild would drop them).
"""

from django.db import migrations, models

EVENT_TYPES = [
    ("auth.sign_in", "Signed in"),
    ("auth.sign_in_failed", "Failed sign-in"),
    ("auth.sign_out", "Signed out"),
    ("referral.created", "Referral created"),
    ("referral.transitioned", "Referral status changed"),
    ("referral.screened", "Screening outcome recorded"),
    ("panel_case.stage_changed", "Panel case stage changed"),
    ("panel.decision", "Panel decision recorded"),
    ("sharing_decision.recorded", "Sharing decision recorded"),
    ("sharing_decision.reviewed", "Sharing decision reviewed by an auditor"),
    ("case.viewed", "Case viewed"),
    ("export.produced", "Export produced"),
    ("grants.rebuilt", "Access grants rebuilt"),
    ("verification_run.finished", "Chain verification finished"),
]


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_decision_source_and_scope")]

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
        migrations.AlterField(
            model_name="auditevent",
            name="type",
            field=models.CharField(choices=EVENT_TYPES, max_length=64),
        ),
    ]
