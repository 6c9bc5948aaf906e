from django.urls import path

from referrals.web import correction_views, import_views, intake_views, received_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("shared-with-us/", received_views.shared_with_agency, name="shared"),
    # Intake journey
    path("new/", intake_views.intake_start, name="intake-start"),
    path("new/person/", intake_views.intake_person, name="intake-person"),
    path("new/earlier-referrals/", intake_views.intake_matches, name="intake-matches"),
    path("new/child/", intake_views.intake_child, name="intake-child"),
    path("new/referrer/", intake_views.intake_referrer, name="intake-referrer"),
    path("new/concern/", intake_views.intake_concern, name="intake-concern"),
    path("new/check/", intake_views.intake_check, name="intake-check"),
    # Bulk import
    path("import/", import_views.import_new, name="import"),
    path("import/template.csv", import_views.import_template_download, name="import-template"),
    path("import/<uuid:job_id>/", import_views.import_job, name="import-job"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/sharing/new/", views.sharing_decision_new, name="share"),
    path(
        "<uuid:referral_id>/corrections/<slug:field>/",
        correction_views.correction_new,
        name="correct",
    ),
    path("<uuid:referral_id>/screening/start/", views.screening_start, name="screening-start"),
    path("<uuid:referral_id>/screening/outcome/", views.screening_outcome, name="screen"),
    path("<uuid:referral_id>/transfer/confirm/", views.transfer_confirm, name="transfer-confirm"),
    path(
        "<uuid:referral_id>/sharing/<uuid:decision_id>/revoke/",
        views.sharing_decision_revoke,
        name="revoke",
    ),
]
