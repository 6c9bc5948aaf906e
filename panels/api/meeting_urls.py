"""Meetings, their agendas, papers, decisions and actions under /api/panels/."""

from django.urls import path

from panels.api import meetings

urlpatterns = [
    path("meetings/", meetings.MeetingListApi.as_view(), name="meetings"),
    path("meetings/<uuid:meeting_id>/", meetings.MeetingDetailApi.as_view(), name="meeting"),
    path(
        "meetings/<uuid:meeting_id>/attendance/",
        meetings.MeetingAttendanceApi.as_view(),
        name="meeting-attendance",
    ),
    path(
        "meetings/<uuid:meeting_id>/agenda/",
        meetings.MeetingAgendaApi.as_view(),
        name="meeting-agenda",
    ),
    path(
        "meetings/<uuid:meeting_id>/papers/",
        meetings.MeetingPapersApi.as_view(),
        name="meeting-papers",
    ),
    path(
        "meetings/<uuid:meeting_id>/items/<uuid:item_id>/decision/",
        meetings.AgendaDecisionApi.as_view(),
        name="agenda-decision",
    ),
    path(
        "meetings/<uuid:meeting_id>/items/<uuid:item_id>/actions/",
        meetings.AgendaActionApi.as_view(),
        name="agenda-action",
    ),
    path("actions/", meetings.MyActionsApi.as_view(), name="my-actions"),
    path("actions/<uuid:action_id>/done/", meetings.ActionDoneApi.as_view(), name="action-done"),
]
