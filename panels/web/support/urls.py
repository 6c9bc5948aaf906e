"""Pages for the later stages of a panel case: assessment, consent, the support plan, the
review of its interventions, its chronology, post-exit reviews and transfer, under
/panels/cases/<id>/."""

from django.urls import path

from panels.web.support import (
    assessment_views,
    chronology_views,
    delivery_views,
    review_views,
    transfer_views,
)
from panels.web.support import views as support_views

CASE = "cases/<uuid:case_id>/"

urlpatterns = [
    path(f"{CASE}assessment/", assessment_views.assessment_page, name="assessment"),
    path(
        f"{CASE}assessment/start/",
        assessment_views.assessment_start_view,
        name="assessment-start",
    ),
    path(f"{CASE}assessment/entry/", assessment_views.assessment_entry, name="assessment-entry"),
    path(
        f"{CASE}assessment/agree/", assessment_views.assessment_agree_view, name="assessment-agree"
    ),
    path(f"{CASE}consent/", support_views.consent_page, name="consent"),
    path(f"{CASE}plan/", support_views.plan_page, name="plan"),
    path(f"{CASE}plan/record/", support_views.plan_record, name="plan-record"),
    path(f"{CASE}plan/interventions/new/", support_views.intervention_new, name="intervention-new"),
    path(f"{CASE}interventions/", delivery_views.interventions_page, name="case-interventions"),
    path(
        f"{CASE}interventions/<uuid:intervention_id>/concerns/<uuid:entry_id>/review/",
        delivery_views.concern_review,
        name="case-concern-review",
    ),
    path(
        f"{CASE}interventions/<uuid:intervention_id>/end-access/",
        delivery_views.access_end,
        name="case-intervention-access-end",
    ),
    path(f"{CASE}chronology/", chronology_views.chronology_page, name="case-chronology"),
    path(f"{CASE}reviews/", review_views.reviews_page, name="reviews"),
    path(f"{CASE}reviews/extend/", review_views.reviews_extend, name="reviews-extend"),
    path(f"{CASE}reviews/<uuid:review_id>/", review_views.review_record, name="review-record"),
    path(f"{CASE}transfer/", transfer_views.transfer, name="transfer"),
]
