"""The Channel inbox, panel cases and information requests in the API: thin views over the
same selectors and services as the pages, with the same refusals (404 for what the caller
may not see, 403 for what it may see but may not do)."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services.decision_rules import decision_input_from
from audit.vocabulary import Category
from panels.api.case_serializers import (
    AddressedRequestOutput,
    InboxReferralOutput,
    InformationRequestInput,
    InformationRequestOutput,
    ListedCase,
    PanelCaseOutput,
    PanelCaseShown,
    PanelCaseSummaryOutput,
    RequestShareInput,
    RequestWithholdInput,
    WaitingReferral,
    request_output,
)
from panels.selectors.cases import (
    VisiblePanelCase,
    addressed_requests_shown,
    case_contributions,
    case_request_shows_purpose,
    case_requests,
    case_stage_moves,
    channel_inbox,
    panel_case_get_for_user,
    panel_case_rows_for_user,
    panel_for_member,
    request_get_for_addressee,
    requests_addressed_to_agency,
)
from panels.services.cases import panel_case_open
from panels.services.reads import panel_case_read
from panels.services.requests import (
    addressed_requests_read,
    information_request_answer_share,
    information_request_answer_withhold,
    information_request_send,
)
from prevent_cases.api.schema import CONFLICT
from prevent_cases.exceptions import AccessDenied
from prevent_cases.policy import ORIGINATOR_SHARING_ROLES, handles_case_content
from prevent_cases.selectors import agency_get
from referrals.api.serializers import SharingDecisionOutput
from referrals.selectors import referral_get_for_user, referrals_named
from referrals.services.reads import referrals_read

# Lists show who each case is about, where identity is held, and nothing else.
LIST_CATEGORIES = frozenset({Category.IDENTITY})
NO_INBOX = "The Channel inbox is for the chair and coordinators of a Channel panel."
NO_QUEUE = (
    "Information requests are answered by members of the addressed agency who may share "
    "its information (needs: officer, coordinator, chair or panel member)."
)


class OldestProgressedFirst(CursorPagination):
    ordering = ("status_changed_at", "id")
    page_size = 25
    max_page_size = 100
    page_size_query_param = "page_size"


class LongestInStageFirst(OldestProgressedFirst):
    ordering = ("stage_changed_at", "id")


class SoonestDueFirst(OldestProgressedFirst):
    ordering = ("due_on", "id")


def _case_shown(case: VisiblePanelCase) -> PanelCaseShown:
    return PanelCaseShown(
        case=case,
        moves=[
            (move, case.sees(Category.PANEL, move.source_agency_id))
            for move in case_stage_moves(case)
        ],
        contributions=case_contributions(case),
        requests=[
            (request, case_request_shows_purpose(case, request)) for request in case_requests(case)
        ],
    )


class ChannelInboxApi(APIView):
    pagination_class = OldestProgressedFirst

    @extend_schema(responses=InboxReferralOutput(many=True))
    def get(self, request: Request) -> Response:
        """Referrals progressed to the caller's panel and not yet accepted, oldest first."""
        membership = request.membership
        if panel_for_member(membership=membership) is None:
            raise AccessDenied(NO_INBOX)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(channel_inbox(membership=membership), request, self)
        shown = referrals_read(
            actor=request.user,
            membership=membership,
            referrals=page,
            via="api_channel_inbox",
            displayed=LIST_CATEGORIES,
        )
        rows = [WaitingReferral(case) for case in shown]
        return paginator.get_paginated_response(InboxReferralOutput(rows, many=True).data)


class ChannelInboxAcceptApi(APIView):
    @extend_schema(request=None, responses={201: PanelCaseOutput, **CONFLICT})
    def post(self, request: Request, referral_id) -> Response:
        """Accept a referral from the inbox: it becomes a case before the panel."""
        membership = request.membership
        referral = referral_get_for_user(membership=membership, referral_id=referral_id).referral
        panel_case = panel_case_open(actor=request.user, membership=membership, referral=referral)
        case = panel_case_read(
            actor=request.user, membership=membership, panel_case_id=panel_case.pk, via="api"
        )
        return Response(PanelCaseOutput(_case_shown(case)).data, status=status.HTTP_201_CREATED)


class PanelCaseListApi(APIView):
    pagination_class = LongestInStageFirst

    @extend_schema(responses=PanelCaseSummaryOutput(many=True))
    def get(self, request: Request) -> Response:
        """The open cases before the caller's panel (its chair and coordinators)."""
        membership = request.membership
        if panel_for_member(membership=membership) is None:
            raise AccessDenied(NO_INBOX)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            panel_case_rows_for_user(membership=membership), request, self
        )
        referrals = referrals_named(
            membership=membership,
            ids={row.referral_id for row in page},
            fields=("owning_agency", "subject"),
        )
        shown = {
            case.referral.pk: case
            for case in referrals_read(
                actor=request.user,
                membership=membership,
                referrals=referrals.values(),
                via="api_panel_cases",
                displayed=LIST_CATEGORIES,
            )
        }
        rows = [ListedCase(panel_case, shown.get(panel_case.referral_id)) for panel_case in page]
        return paginator.get_paginated_response(PanelCaseSummaryOutput(rows, many=True).data)


class PanelCaseDetailApi(APIView):
    @extend_schema(responses=PanelCaseOutput)
    def get(self, request: Request, panel_case_id) -> Response:
        """One panel case, minimised like the page: what the caller may not see is absent."""
        case = panel_case_read(
            actor=request.user,
            membership=request.membership,
            panel_case_id=panel_case_id,
            via="api",
        )
        return Response(PanelCaseOutput(_case_shown(case)).data)


class PanelCaseRequestsApi(APIView):
    @extend_schema(responses=InformationRequestOutput(many=True))
    def get(self, request: Request, panel_case_id) -> Response:
        """The case's requests the caller may see: all for the panel, else those addressed
        to the caller's agency."""
        case = panel_case_read(
            actor=request.user,
            membership=request.membership,
            panel_case_id=panel_case_id,
            via="api_requests",
        )
        return Response(
            [
                request_output(row, case_request_shows_purpose(case, row))
                for row in case_requests(case)
            ]
        )

    @extend_schema(
        request=InformationRequestInput, responses={201: InformationRequestOutput, **CONFLICT}
    )
    def post(self, request: Request, panel_case_id) -> Response:
        """Ask a partner agency for what it holds (the case panel's chair or coordinator)."""
        membership = request.membership
        case = panel_case_get_for_user(membership=membership, panel_case_id=panel_case_id)
        payload = InformationRequestInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        to_agency = agency_get(data["to_agency"])
        if to_agency is None:
            raise ValidationError({"to_agency": ["No agency with that id."]})
        sent = information_request_send(
            actor=request.user,
            membership=membership,
            panel_case=case.panel_case,
            to_agency=to_agency,
            categories=data["categories"],
            purpose=data["purpose"],
            due_on=data["due_on"],
        )
        return Response(request_output(sent, True), status=status.HTTP_201_CREATED)


def _may_use_queue(membership) -> None:
    if not (handles_case_content(membership) and membership.role in ORIGINATOR_SHARING_ROLES):
        raise AccessDenied(NO_QUEUE)


class AddressedRequestListApi(APIView):
    pagination_class = SoonestDueFirst

    @extend_schema(responses=AddressedRequestOutput(many=True))
    def get(self, request: Request) -> Response:
        """Open requests addressed to the caller's agency, the most overdue first."""
        membership = request.membership
        _may_use_queue(membership)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(
            requests_addressed_to_agency(membership=membership), request, self
        )
        rows = addressed_requests_read(
            actor=request.user,
            membership=membership,
            requests=addressed_requests_shown(membership=membership, requests=page),
            via="api_request_queue",
        )
        return paginator.get_paginated_response(AddressedRequestOutput(rows, many=True).data)


class RequestShareApi(APIView):
    @extend_schema(request=RequestShareInput, responses={201: SharingDecisionOutput, **CONFLICT})
    def post(self, request: Request, request_id) -> Response:
        """Answer a request by sharing what the caller's agency holds, with its decision."""
        membership = request.membership
        addressed = request_get_for_addressee(membership=membership, request_id=request_id)
        payload = RequestShareInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decision = information_request_answer_share(
            actor=request.user,
            membership=membership,
            request=addressed.request,
            contributions=[(row["category"], row["content"]) for row in data["contributions"]],
            data=decision_input_from({**data, "action": "share", "categories": ()}),
        )
        return Response(SharingDecisionOutput(decision).data, status=status.HTTP_201_CREATED)


class RequestWithholdApi(APIView):
    @extend_schema(request=RequestWithholdInput, responses={201: SharingDecisionOutput, **CONFLICT})
    def post(self, request: Request, request_id) -> Response:
        """Answer a request by withholding, with the reasons (the justification)."""
        membership = request.membership
        addressed = request_get_for_addressee(membership=membership, request_id=request_id)
        payload = RequestWithholdInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        decision = information_request_answer_withhold(
            actor=request.user,
            membership=membership,
            request=addressed.request,
            data=decision_input_from({**data, "action": "withhold", "categories": ()}),
        )
        return Response(SharingDecisionOutput(decision).data, status=status.HTTP_201_CREATED)
