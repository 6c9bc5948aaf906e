from django.urls import path

from referrals.api import views

app_name = "referrals-api"

urlpatterns = [
    path("", views.ReferralListApi.as_view(), name="list"),
    path("<uuid:referral_id>/", views.ReferralDetailApi.as_view(), name="detail"),
    path(
        "<uuid:referral_id>/screening/start/",
        views.ReferralScreeningStartApi.as_view(),
        name="screening-start",
    ),
    path(
        "<uuid:referral_id>/screening/outcome/",
        views.ReferralScreeningOutcomeApi.as_view(),
        name="screen",
    ),
    path(
        "<uuid:referral_id>/transfer-confirmation/",
        views.ReferralTransferConfirmApi.as_view(),
        name="transfer-confirm",
    ),
    path(
        "<uuid:referral_id>/sharing-decisions/",
        views.ReferralSharingDecisionsApi.as_view(),
        name="sharing-decisions",
    ),
    path(
        "<uuid:referral_id>/sharing-decisions/<uuid:decision_id>/revoke/",
        views.ReferralDecisionRevokeApi.as_view(),
        name="revoke",
    ),
]
