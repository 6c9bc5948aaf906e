"""The panel API for the later stages of a case: thin views over panels.selectors.support
and the services, minimised like the pages. A case the caller cannot see is a 404; an
action the caller may not take on a case it can see is a 403 (from the service)."""

import dataclasses

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.services.decision_rules import DecisionInput
from panels.api.support_serializers import (
    AssessmentAgreeInput,
    AssessmentEntryInput,
    AssessmentEntryOutput,
    AssessmentOutput,
    AssessmentShownOutput,
    ConsentInput,
    ConsentOutput,
    InterventionInputSerializer,
    InterventionOutput,
    PlanInput,
    PostExitReviewInput,
    PostExitReviewOutput,
    PostExitReviewRecordedOutput,
    SupportOutput,
    TransferInput,
    TransferOutput,
)
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import (
    area_get,
    assessment_draft,
    assessment_shown,
    consents_for_case,
    interventions_for_case,
    plan_current,
    plan_for_case,
    post_exit_review_for_case,
    post_exit_reviews_for_case,
    practitioner_get,
)
from panels.services.assessment import assessment_agree, assessment_entry_record, assessment_start
from panels.services.post_exit import post_exit_review_record, post_exit_reviews_extend
from panels.services.reads import panel_case_read
from panels.services.support import (
    InterventionInput,
    consent_record,
    intervention_assign,
    support_plan_record,
)
from panels.services.transfer import panel_case_transfer
from prevent_cases.api.schema import CONFLICT
from prevent_cases.exceptions import ConflictError
from prevent_cases.selectors import agency_get


def _case(request: Request, case_id):
    return panel_case_get_for_user(membership=request.membership, panel_case_id=case_id)


def _read(request: Request, case_id):
    return panel_case_read(
        actor=request.user, membership=request.membership, panel_case_id=case_id, via="api"
    )


def _intervention_input(data: dict) -> InterventionInput:
    practitioner = practitioner_get(data["practitioner"]) if data["practitioner"] else None
    return InterventionInput(
        type=data["type"],
        delivering_agency=agency_get(data["delivering_agency"]),
        practitioner=practitioner,
        goals=tuple(data["goals"]),
        planned_sessions=data["planned_sessions"],
        start_on=data["start_on"],
    )


class AssessmentApi(APIView):
    @extend_schema(responses=AssessmentShownOutput)
    def get(self, request: Request, case_id) -> Response:
        """The current and previous assessments, with the entries the caller may see and,
        for those who see the panel's assessment, what changed factor by factor."""
        case = _read(request, case_id)
        return Response(AssessmentShownOutput(assessment_shown(case=case)).data)


class AssessmentStartApi(APIView):
    @extend_schema(request=None, responses={201: AssessmentOutput, **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Start the case's next assessment on the framework in force (chair, coordinator)."""
        case = _case(request, case_id)
        assessment = assessment_start(
            actor=request.user, membership=request.membership, panel_case=case.panel_case
        )
        return Response(AssessmentOutput(assessment).data, status=status.HTTP_201_CREATED)


def _draft(case):
    draft = assessment_draft(case.panel_case)
    if draft is None:
        raise ConflictError("No assessment of this case is in progress.")
    return draft


class AssessmentEntryApi(APIView):
    @extend_schema(request=AssessmentEntryInput, responses={201: AssessmentEntryOutput, **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Record the caller's agency's own rating and evidence for one factor."""
        case = _case(request, case_id)
        payload = AssessmentEntryInput(data=request.data)
        payload.is_valid(raise_exception=True)
        entry = assessment_entry_record(
            actor=request.user,
            membership=request.membership,
            assessment=_draft(case),
            **payload.validated_data,
        )
        return Response(AssessmentEntryOutput(entry).data, status=status.HTTP_201_CREATED)


class AssessmentAgreeApi(APIView):
    @extend_schema(request=AssessmentAgreeInput, responses={200: AssessmentOutput, **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Agree the assessment in progress: the panel's ratings, summary and plan."""
        case = _case(request, case_id)
        payload = AssessmentAgreeInput(data=request.data)
        payload.is_valid(raise_exception=True)
        assessment = assessment_agree(
            actor=request.user,
            membership=request.membership,
            assessment=_draft(case),
            **payload.validated_data,
        )
        return Response(AssessmentOutput(assessment).data)


class ConsentApi(APIView):
    @extend_schema(responses=ConsentOutput(many=True))
    def get(self, request: Request, case_id) -> Response:
        """Consent records of the case, if the caller sees the panel's support record."""
        case = _read(request, case_id)
        return Response(ConsentOutput(consents_for_case(case=case), many=True).data)

    @extend_schema(request=ConsentInput, responses={201: ConsentOutput, **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Record consent given, refused or withdrawn (chair, coordinator). A refusal or
        withdrawal stops support and ends providers' access at once."""
        case = _case(request, case_id)
        payload = ConsentInput(data=request.data)
        payload.is_valid(raise_exception=True)
        consent = consent_record(
            actor=request.user,
            membership=request.membership,
            panel_case=case.panel_case,
            **payload.validated_data,
        )
        return Response(ConsentOutput(consent).data, status=status.HTTP_201_CREATED)


class SupportPlanApi(APIView):
    @extend_schema(responses=SupportOutput)
    def get(self, request: Request, case_id) -> Response:
        """The plan in force and the interventions the caller may see (a provider sees its
        own intervention alone)."""
        case = _read(request, case_id)
        return Response(
            SupportOutput(
                {
                    "plan": plan_for_case(case=case),
                    "interventions": interventions_for_case(case=case),
                }
            ).data
        )

    @extend_schema(request=PlanInput, responses={201: SupportOutput, **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Record the support plan with any interventions (chair, coordinator)."""
        case = _case(request, case_id)
        payload = PlanInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        interventions = [_intervention_input(item) for item in data.pop("interventions")]
        support_plan_record(
            actor=request.user,
            membership=request.membership,
            panel_case=case.panel_case,
            interventions=interventions,
            **data,
        )
        case = _case(request, case_id)
        return Response(
            SupportOutput(
                {
                    "plan": plan_for_case(case=case),
                    "interventions": interventions_for_case(case=case),
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )


class InterventionAssignApi(APIView):
    @extend_schema(
        request=InterventionInputSerializer, responses={201: InterventionOutput, **CONFLICT}
    )
    def post(self, request: Request, case_id) -> Response:
        """Assign one more intervention under the plan in force (chair, coordinator)."""
        case = _case(request, case_id)
        payload = InterventionInputSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        plan = plan_current(case.panel_case)
        if plan is None:
            raise ConflictError("Record the support plan before assigning interventions.")
        intervention = intervention_assign(
            actor=request.user,
            membership=request.membership,
            panel_case=case.panel_case,
            plan=plan,
            data=_intervention_input(payload.validated_data),
        )
        return Response(InterventionOutput(intervention).data, status=status.HTTP_201_CREATED)


class PostExitReviewsApi(APIView):
    @extend_schema(responses=PostExitReviewOutput(many=True))
    def get(self, request: Request, case_id) -> Response:
        """The case's post-exit reviews, if the caller sees the panel's decisions."""
        case = _read(request, case_id)
        return Response(PostExitReviewOutput(post_exit_reviews_for_case(case=case), many=True).data)


class PostExitReviewRecordApi(APIView):
    @extend_schema(
        request=PostExitReviewInput, responses={200: PostExitReviewRecordedOutput, **CONFLICT}
    )
    def post(self, request: Request, case_id, review_id) -> Response:
        """Record a post-exit review; concern reopens the case as a new episode."""
        case = _case(request, case_id)
        review = post_exit_review_for_case(case=case, review_id=review_id)
        payload = PostExitReviewInput(data=request.data)
        payload.is_valid(raise_exception=True)
        reopened = post_exit_review_record(
            actor=request.user,
            membership=request.membership,
            review=review,
            **payload.validated_data,
        )
        return Response(
            PostExitReviewRecordedOutput(
                {"review": review, "reopened_case": reopened.pk if reopened else None}
            ).data
        )


class PostExitReviewsExtendApi(APIView):
    @extend_schema(request=None, responses={201: PostExitReviewOutput(many=True), **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Add reviews 18 and 24 months after exit (chair, coordinator)."""
        case = _case(request, case_id)
        added = post_exit_reviews_extend(
            actor=request.user, membership=request.membership, panel_case=case.panel_case
        )
        return Response(PostExitReviewOutput(added, many=True).data, status=status.HTTP_201_CREATED)


class TransferApi(APIView):
    @extend_schema(request=TransferInput, responses={201: TransferOutput, **CONFLICT})
    def post(self, request: Request, case_id) -> Response:
        """Transfer the case to another area's panel (the responsible panel's chair or
        coordinator), sharing with it what the panel may pass on."""
        case = _case(request, case_id)
        payload = TransferInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        decision_fields = {field.name for field in dataclasses.fields(DecisionInput)}
        decision = DecisionInput(
            action="share",
            categories=(),
            **{name: data[name] for name in decision_fields - {"action", "categories"}},
        )
        result = panel_case_transfer(
            actor=request.user,
            membership=request.membership,
            panel_case=case.panel_case,
            to_area=area_get(data["to_area"]),
            note=data["note"],
            data=decision,
            version=data["version"],
        )
        return Response(
            TransferOutput(
                {
                    "responsibility": result.responsibility,
                    "shared": [d.pk for d in result.shared],
                    "revoked": [d.pk for d in result.revoked],
                }
            ).data,
            status=status.HTTP_201_CREATED,
        )
