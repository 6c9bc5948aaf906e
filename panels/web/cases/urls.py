"""Pages of the coordinator's work: the Channel inbox, the panel case page, and
information requests (the panel asking, a partner's queue and answers)."""

from django.urls import path

from panels.web.cases import case_views, inbox_views, request_views

urlpatterns = [
    path("inbox/", inbox_views.inbox, name="inbox"),
    path("inbox/<uuid:referral_id>/accept/", inbox_views.inbox_accept, name="inbox-accept"),
    path("cases/<uuid:panel_case_id>/", case_views.case_detail, name="case"),
    path(
        "cases/<uuid:panel_case_id>/members/add/",
        case_views.case_member_add,
        name="case-member-add",
    ),
    path("cases/<uuid:panel_case_id>/requests/new/", request_views.request_new, name="request-new"),
    path("requests/", request_views.my_requests, name="my-requests"),
    path(
        "requests/<uuid:request_id>/answer/",
        request_views.request_answer,
        name="request-answer",
    ),
]
