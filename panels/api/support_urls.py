"""API routes for the assessment, consent, the support plan, post-exit reviews,
transfers and the chronology of a panel case."""

from django.urls import path

from panels.api import chronology
from panels.api import support as views

CASE = "cases/<uuid:case_id>/"

urlpatterns = [
    path(f"{CASE}assessment/", views.AssessmentApi.as_view(), name="assessment"),
    path(f"{CASE}assessment/start/", views.AssessmentStartApi.as_view(), name="assessment-start"),
    path(f"{CASE}assessment/entries/", views.AssessmentEntryApi.as_view(), name="assessment-entry"),
    path(f"{CASE}assessment/agree/", views.AssessmentAgreeApi.as_view(), name="assessment-agree"),
    path(f"{CASE}consent/", views.ConsentApi.as_view(), name="consent"),
    path(f"{CASE}plan/", views.SupportPlanApi.as_view(), name="plan"),
    path(
        f"{CASE}plan/interventions/",
        views.InterventionAssignApi.as_view(),
        name="intervention-assign",
    ),
    path(f"{CASE}reviews/", views.PostExitReviewsApi.as_view(), name="post-exit-reviews"),
    path(
        f"{CASE}reviews/extend/",
        views.PostExitReviewsExtendApi.as_view(),
        name="post-exit-reviews-extend",
    ),
    path(
        f"{CASE}reviews/<uuid:review_id>/",
        views.PostExitReviewRecordApi.as_view(),
        name="post-exit-review-record",
    ),
    path(f"{CASE}transfer/", views.TransferApi.as_view(), name="transfer"),
    path(f"{CASE}chronology/", chronology.ChronologyApi.as_view(), name="case-chronology"),
]
