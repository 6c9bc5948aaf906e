from django.urls import path

from referrals import import_views, views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    # Bulk import
    path("import/", import_views.import_new, name="import"),
    path("import/<uuid:job_id>/", import_views.import_job, name="import-job"),
    path("<uuid:referral_id>/", views.referral_detail, name="detail"),
    path("<uuid:referral_id>/sharing/new/", views.sharing_decision_new, name="share"),
    path("<uuid:referral_id>/screening/start/", views.screening_start, name="screening-start"),
    path("<uuid:referral_id>/screening/outcome/", views.screening_outcome, name="screen"),
    path(
        "<uuid:referral_id>/sharing/<uuid:decision_id>/revoke/",
        views.sharing_decision_revoke,
        name="revoke",
    ),
]
