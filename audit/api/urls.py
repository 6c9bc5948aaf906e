from django.urls import path

from audit.api import views

app_name = "audit-api"

urlpatterns = [
    path("decisions/", views.AuditDecisionListApi.as_view(), name="decisions"),
    path("decisions/<uuid:decision_id>/", views.AuditDecisionDetailApi.as_view(), name="decision"),
    path(
        "decisions/<uuid:decision_id>/reviews/",
        views.AuditDecisionReviewsApi.as_view(),
        name="reviews",
    ),
    path("case-views/", views.AuditCaseViewListApi.as_view(), name="case-views"),
    path("chain/", views.AuditChainApi.as_view(), name="chain"),
    path("chain/verify/", views.AuditChainVerifyApi.as_view(), name="chain-verify"),
    path("chain/runs/<uuid:run_id>/", views.AuditVerificationRunApi.as_view(), name="run"),
]
