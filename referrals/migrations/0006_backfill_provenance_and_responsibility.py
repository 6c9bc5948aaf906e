"""Fill in what the previous migration added, for referrals recorded before it.

- Every existing grant came from the disclosing agency's own decision, so its source is
  that agency and its scope the whole case.
- Each subject is its own person (the added column gave every row the same default).
- A referral already progressed to Channel is the responsibility of its area's panel
  agency, from the moment it was progressed.
"""

from django.db import migrations


def backfill(apps, schema_editor):
    ReferralGrant = apps.get_model("referrals", "ReferralGrant")
    Subject = apps.get_model("referrals", "Subject")
    Referral = apps.get_model("referrals", "Referral")
    ReferralResponsibility = apps.get_model("referrals", "ReferralResponsibility")
    for grant in ReferralGrant.objects.select_related("decision").iterator():
        grant.source_agency_id = grant.decision.disclosing_agency_id
        grant.save(update_fields=["source_agency"])
    for subject in Subject.objects.only("id").iterator():
        subject.person = subject.id
        subject.save(update_fields=["person"])
    progressed = Referral.objects.filter(
        status="progressed", area__panel_agency__isnull=False
    ).select_related("area")
    for referral in progressed.iterator():
        referral.responsible_agency_id = referral.area.panel_agency_id
        referral.save(update_fields=["responsible_agency"])
        ReferralResponsibility.objects.create(
            referral=referral,
            agency_id=referral.area.panel_agency_id,
            reason="progressed",
            changed_by_id=referral.screened_by_id or referral.created_by_id,
            created_at=referral.status_changed_at or referral.created_at,
        )


class Migration(migrations.Migration):
    dependencies = [("referrals", "0005_provenance_scope_and_responsibility")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
