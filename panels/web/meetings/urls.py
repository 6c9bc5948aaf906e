"""Meeting pages: the list, scheduling, the chair's working screen, papers and actions."""

from django.urls import path

from panels.web.meetings import papers_views
from panels.web.meetings import views as meeting_views

urlpatterns = [
    path("meetings/", meeting_views.meeting_list, name="meetings"),
    path("meetings/new/", meeting_views.meeting_new, name="meeting-new"),
    path("meetings/<uuid:meeting_id>/", meeting_views.meeting_detail, name="meeting"),
    path(
        "meetings/<uuid:meeting_id>/attendance/",
        meeting_views.meeting_attendance,
        name="meeting-attendance",
    ),
    path(
        "meetings/<uuid:meeting_id>/agenda/",
        meeting_views.meeting_agenda_build,
        name="meeting-agenda-build",
    ),
    path(
        "meetings/<uuid:meeting_id>/papers/confirm/",
        meeting_views.meeting_papers_confirm,
        name="meeting-papers-confirm",
    ),
    path("meetings/<uuid:meeting_id>/papers/", papers_views.meeting_papers, name="papers"),
    path(
        "meetings/<uuid:meeting_id>/items/<uuid:item_id>/decision/",
        meeting_views.meeting_decision,
        name="meeting-decision",
    ),
    path(
        "meetings/<uuid:meeting_id>/items/<uuid:item_id>/actions/",
        meeting_views.meeting_action,
        name="meeting-action",
    ),
    path(
        "meetings/<uuid:meeting_id>/close/", meeting_views.meeting_close_view, name="meeting-close"
    ),
    path("actions/", meeting_views.my_actions, name="my-actions"),
    path("actions/<uuid:action_id>/done/", meeting_views.action_done, name="action-done"),
]
