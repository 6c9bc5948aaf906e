"""The Channel inbox, panel cases and information requests under /api/panels/."""

from django.urls import path

from panels.api import cases

urlpatterns = [
    path("inbox/", cases.ChannelInboxApi.as_view(), name="inbox"),
    path(
        "inbox/<uuid:referral_id>/accept/",
        cases.ChannelInboxAcceptApi.as_view(),
        name="inbox-accept",
    ),
    path("cases/", cases.PanelCaseListApi.as_view(), name="cases"),
    path("cases/<uuid:panel_case_id>/", cases.PanelCaseDetailApi.as_view(), name="case"),
    path(
        "cases/<uuid:panel_case_id>/requests/",
        cases.PanelCaseRequestsApi.as_view(),
        name="case-requests",
    ),
    path("requests/", cases.AddressedRequestListApi.as_view(), name="requests"),
    path(
        "requests/<uuid:request_id>/share/", cases.RequestShareApi.as_view(), name="request-share"
    ),
    path(
        "requests/<uuid:request_id>/withhold/",
        cases.RequestWithholdApi.as_view(),
        name="request-withhold",
    ),
]
