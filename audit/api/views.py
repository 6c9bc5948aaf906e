"""The auditors' API: the same selectors and services as the workspace pages."""

import uuid

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.api.serializers import (
    AuditedDecisionOutput,
    CaseViewOutput,
    ChainStatusOutput,
    ReviewInput,
    ReviewOutput,
    VerificationRunOutput,
)
from audit.selectors import (
    case_views_for_auditor,
    chain_status_for_auditor,
    decision_get_for_auditor,
    decision_list_for_auditor,
    reviews_of,
    verification_run_get,
)
from audit.services.decisions import decision_review_record, verification_run_request
from audit.web.forms import DecisionFilterForm
from prevent_cases.selectors import agencies_in_area


class NewestDecisionsFirst(CursorPagination):
    ordering = ("-decided_at", "-id")
    page_size = 50


class NewestEventsFirst(CursorPagination):
    ordering = ("-seq",)
    page_size = 50


DECISION_FILTERS = [
    OpenApiParameter("decided_from", str, description="Date, YYYY-MM-DD or DD/MM/YYYY"),
    OpenApiParameter("decided_to", str, description="Date, YYYY-MM-DD or DD/MM/YYYY"),
    OpenApiParameter("agency", str, description="Disclosing or receiving agency id"),
    OpenApiParameter("legal_basis", str),
    OpenApiParameter("consent_status", str),
    OpenApiParameter("action", str),
    OpenApiParameter("without_consent_only", bool),
    OpenApiParameter("flagged_only", bool),
    OpenApiParameter("unreviewed_only", bool),
]


class AuditDecisionListApi(ListAPIView):
    """Sharing decisions in the auditor's area, filtered, newest first."""

    serializer_class = AuditedDecisionOutput
    pagination_class = NewestDecisionsFirst

    def get_queryset(self):
        membership = self.request.membership
        form = DecisionFilterForm(
            self.request.query_params or None,
            agencies=agencies_in_area(membership.agency.area_id) if membership else None,
        )
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors.get_json_data())
        return decision_list_for_auditor(membership=membership, filters=form.filters())

    @extend_schema(parameters=DECISION_FILTERS)
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class AuditDecisionDetailApi(APIView):
    @extend_schema(responses=AuditedDecisionOutput)
    def get(self, request: Request, decision_id) -> Response:
        """One decision in the auditor's area."""
        decision = (
            decision_list_for_auditor(
                membership=request.membership, filters=DecisionFilterForm(agencies=None).filters()
            )
            .filter(pk=decision_id)
            .first()
        )
        if decision is None:
            decision_get_for_auditor(membership=request.membership, decision_id=decision_id)
        return Response(AuditedDecisionOutput(decision).data)


class AuditDecisionReviewsApi(APIView):
    @extend_schema(responses=ReviewOutput(many=True))
    def get(self, request: Request, decision_id) -> Response:
        """Reviews of a decision, newest first."""
        decision = decision_get_for_auditor(membership=request.membership, decision_id=decision_id)
        return Response(ReviewOutput(reviews_of(decision), many=True).data)

    @extend_schema(request=ReviewInput, responses={201: ReviewOutput})
    def post(self, request: Request, decision_id) -> Response:
        """Record the auditor's review of a decision."""
        decision = decision_get_for_auditor(membership=request.membership, decision_id=decision_id)
        payload = ReviewInput(data=request.data)
        payload.is_valid(raise_exception=True)
        review = decision_review_record(
            actor=request.user,
            membership=request.membership,
            decision=decision,
            **payload.validated_data,
        )
        return Response(ReviewOutput(review).data, status=status.HTTP_201_CREATED)


class AuditCaseViewListApi(ListAPIView):
    """Case views in the auditor's area, newest first; `case` narrows to one case."""

    serializer_class = CaseViewOutput
    pagination_class = NewestEventsFirst

    def get_queryset(self):
        case = self.request.query_params.get("case")
        try:
            case_id = uuid.UUID(case) if case else None
        except ValueError as error:
            raise ValidationError({"case": ["Enter a case id."]}) from error
        self.case_id = case_id
        return case_views_for_auditor(membership=self.request.membership, case_id=case_id)

    def get_serializer_context(self) -> dict:
        # A list event is narrowed to the asked-for case, as on the page.
        return {**super().get_serializer_context(), "case_id": getattr(self, "case_id", None)}

    @extend_schema(parameters=[OpenApiParameter("case", str, description="A case id")])
    def get(self, request: Request, *args, **kwargs) -> Response:
        return super().get(request, *args, **kwargs)


class AuditChainApi(APIView):
    @extend_schema(responses=ChainStatusOutput)
    def get(self, request: Request) -> Response:
        """The chain's size and head, its latest checkpoint and latest verification."""
        return Response(
            ChainStatusOutput(chain_status_for_auditor(membership=request.membership)).data
        )


class AuditChainVerifyApi(APIView):
    @extend_schema(request=None, responses={202: VerificationRunOutput})
    def post(self, request: Request) -> Response:
        """Start verifying the whole chain; poll the run for its result."""
        run = verification_run_request(actor=request.user, membership=request.membership)
        return Response(VerificationRunOutput(run).data, status=status.HTTP_202_ACCEPTED)


class AuditVerificationRunApi(APIView):
    @extend_schema(responses=VerificationRunOutput)
    def get(self, request: Request, run_id) -> Response:
        """One verification run: its status and, when finished, what it found."""
        run = verification_run_get(membership=request.membership, run_id=run_id)
        return Response(VerificationRunOutput(run).data)
