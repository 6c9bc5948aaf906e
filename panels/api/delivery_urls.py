"""API routes for delivering interventions: the delivering agency's list and writes, and
the panel's summary of a case's interventions and its consideration of concerns."""

from django.urls import path

from panels.api import delivery as views

INTERVENTION = "interventions/<uuid:intervention_id>/"

urlpatterns = [
    path("interventions/", views.InterventionListApi.as_view(), name="interventions"),
    path(INTERVENTION, views.InterventionDetailApi.as_view(), name="intervention"),
    path(
        f"{INTERVENTION}answer/", views.InterventionAnswerApi.as_view(), name="intervention-answer"
    ),
    path(
        f"{INTERVENTION}status/", views.InterventionStatusApi.as_view(), name="intervention-status"
    ),
    path(f"{INTERVENTION}progress/", views.ProgressRecordApi.as_view(), name="progress-record"),
    path(
        f"{INTERVENTION}access-end/",
        views.InterventionAccessEndApi.as_view(),
        name="intervention-access-end",
    ),
    path(
        "cases/<uuid:case_id>/interventions/",
        views.CaseInterventionsApi.as_view(),
        name="case-interventions",
    ),
    path(
        "progress/<uuid:entry_id>/concern-review/",
        views.ConcernReviewApi.as_view(),
        name="concern-review",
    ),
]
