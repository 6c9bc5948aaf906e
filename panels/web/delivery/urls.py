"""Pages of intervention delivery, under /panels/interventions/."""

from django.urls import path

from panels.web.delivery import action_views, views

INTERVENTION = "interventions/<uuid:intervention_id>/"

urlpatterns = [
    path("interventions/", views.my_interventions, name="my-interventions"),
    path(INTERVENTION, views.intervention_page, name="intervention"),
    path(f"{INTERVENTION}answer/", action_views.intervention_answer, name="intervention-answer"),
    path(f"{INTERVENTION}progress/", action_views.progress_new, name="progress-new"),
    path(
        f"{INTERVENTION}entries/<uuid:entry_id>/correct/",
        action_views.progress_correct,
        name="progress-correct",
    ),
    path(f"{INTERVENTION}status/", action_views.intervention_status, name="intervention-status"),
]
