from django.urls import path

from referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
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
