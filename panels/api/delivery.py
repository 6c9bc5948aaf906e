"""Intervention delivery in the panel API: thin views over panels.selectors.delivery and
panels.services.delivery, minimised like the pages.

An intervention or entry the caller may not see is a 404; an action the caller may see
but not take is a 403 (from the service). Two writes from the same version of an
intervention: the second is a 409 that says what the first recorded.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.vocabulary import Category
from panels.api.delivery_pages import InterventionCursorPagination
from panels.api.delivery_serializers import (
    FINISHED,
    AccessEndedOutput,
    AnswerInput,
    ConcernReviewInput,
    ConcernReviewRecordedOutput,
    InterventionConflictOutput,
    InterventionDetailOutput,
    InterventionListQuery,
    InterventionRowOutput,
    InterventionShown,
    InterventionSummaryOutput,
    ListedIntervention,
    ProgressEntryInput,
    ProgressRecordedOutput,
    StatusMovedOutput,
    StatusMoveInput,
)
from panels.models.vocabulary import InterventionStatus
from panels.rules.delivery import ProgressInput
from panels.selectors.delivery import (
    AWAITING_ORDER,
    DELIVERING_ORDER,
    DELIVERING_STATUSES,
    FINISHED_ORDER,
    FINISHED_STATUSES,
    VisibleIntervention,
    awaiting_answer,
    changes_since,
    delivers,
    delivery_rows,
    entry_get,
    entry_get_for_user,
    goal_rows_of,
    in_delivery,
    intervention_get_for_user,
    intervention_summaries,
    interventions_delivered_by,
    progress_entries,
    status_changes,
)
from panels.selectors.delivery_pages import Part
from panels.services.delivery import (
    InterventionChanged,
    concern_review_record,
    intervention_access_end,
    intervention_move,
    progress_record,
)
from panels.services.reads import panel_case_read, panel_case_view_recorded
from prevent_cases.api.schema import CONFLICT
from prevent_cases.exceptions import AccessDenied, NotFound
from referrals.selectors import referrals_named
from referrals.services.reads import referrals_read

# The list shows who each person is, where identity is held, and nothing else of the case.
LIST_CATEGORIES = frozenset({Category.IDENTITY})
NOT_DELIVERING = (
    "The interventions list is for practitioners of the agencies that deliver support "
    "(needs: practitioner or panel member)."
)


def _intervention(request: Request, intervention_id) -> VisibleIntervention:
    return intervention_get_for_user(membership=request.membership, intervention_id=intervention_id)


def _shown(visible: VisibleIntervention) -> InterventionShown:
    return InterventionShown(
        visible=visible,
        status_changes=status_changes(visible),
        entries=progress_entries(visible),
    )


def _conflict(request: Request, intervention_id, changed: InterventionChanged) -> Response:
    """The 409 for a write from an older version: the version now, and what others
    recorded since the one the caller opened, as the caller may see it."""
    visible = _intervention(request, intervention_id)
    since = changes_since(visible.intervention, changed.opened_version)
    sees = visible.sees_progress()
    body = {
        "code": changed.code,
        "detail": changed.message,
        "current_version": visible.intervention.version,
        "changes_since": {
            "entries": since.entries if sees else [],
            "status_changes": since.status_changes if sees else [],
        },
    }
    return Response(InterventionConflictOutput(body).data, status=status.HTTP_409_CONFLICT)


class InterventionListApi(APIView):
    pagination_class = InterventionCursorPagination

    @extend_schema(parameters=[InterventionListQuery], responses=InterventionRowOutput(many=True))
    def get(self, request: Request) -> Response:
        """The interventions the caller's agency delivers and may still see: open ones
        (awaiting its answer, then in delivery by when the next contact is due) or
        finished ones (the most recently changed first). The person is named only where
        the agency was given who they are. Paged by cursor: follow `next`."""
        membership = request.membership
        if not delivers(membership):
            raise AccessDenied(NOT_DELIVERING)
        query = InterventionListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        mine = query.validated_data["mine"]
        # Built once for the lists and the page's read of its rows.
        delivered = interventions_delivered_by(membership=membership)
        if query.validated_data["status"] == FINISHED:
            parts = [
                Part(
                    in_delivery(
                        membership=membership, mine=mine, finished=True, delivered=delivered
                    ),
                    FINISHED_ORDER,
                    frozenset(FINISHED_STATUSES),
                )
            ]
        else:
            parts = [
                Part(
                    awaiting_answer(membership=membership, mine=mine, delivered=delivered),
                    AWAITING_ORDER,
                    frozenset({InterventionStatus.PLANNED}),
                ),
                Part(
                    in_delivery(membership=membership, mine=mine, delivered=delivered),
                    DELIVERING_ORDER,
                    frozenset(DELIVERING_STATUSES),
                ),
            ]
        paginator = self.pagination_class()
        page = paginator.paginate_parts(parts, request, scoped=delivered)
        shown = referrals_read(
            actor=request.user,
            membership=membership,
            referrals=referrals_named(
                membership=membership,
                ids={row.referral_id for row in page},
                fields=("owning_agency",),
            ).values(),
            via="api_interventions",
            displayed=LIST_CATEGORIES,
        )
        # What the agency holds of each case, from the grants read with the cases.
        held = {case.referral.pk: case.grants for case in shown}
        goals = goal_rows_of(page)
        rows = [
            ListedIntervention(
                intervention=row.intervention,
                subject=row.subject,
                days_since_contact=row.days_since_contact,
                overdue=row.overdue,
                goals=goals[row.intervention.pk],
            )
            for row in delivery_rows(
                membership=membership, interventions=page, today=timezone.localdate(), held=held
            )
        ]
        return paginator.get_paginated_response(InterventionRowOutput(rows, many=True).data)


class InterventionDetailApi(APIView):
    @extend_schema(responses=InterventionDetailOutput)
    def get(self, request: Request, intervention_id) -> Response:
        """One intervention: the panel's record, and the delivering agency's status history
        and progress entries (newest first) where the caller may see them."""
        visible = _intervention(request, intervention_id)
        panel_case_view_recorded(
            actor=request.user,
            membership=request.membership,
            case=visible.case,
            via="api_intervention",
        )
        return Response(InterventionDetailOutput(_shown(visible)).data)


def _moved(request: Request, intervention_id, payload_class) -> Response:
    visible = _intervention(request, intervention_id)
    payload = payload_class(data=request.data)
    payload.is_valid(raise_exception=True)
    try:
        change = intervention_move(
            actor=request.user,
            membership=request.membership,
            intervention=visible.intervention,
            **payload.validated_data,
        )
    except InterventionChanged as changed:
        return _conflict(request, intervention_id, changed)
    return Response(
        StatusMovedOutput({"intervention": visible.intervention, "change": change}).data,
        status=status.HTTP_201_CREATED,
    )


# A write from an older version is told what changed since; a move the intervention's
# status does not allow is the plain conflict, without those fields.
VERSION_CONFLICT = {
    409: OpenApiResponse(
        InterventionConflictOutput,
        description="Someone else changed the intervention since `version` (`conflict`, with "
        "`current_version` and `changes_since`), or its status does not allow this "
        "(`transition_not_allowed`).",
    )
}


class InterventionAnswerApi(APIView):
    @extend_schema(request=AnswerInput, responses={201: StatusMovedOutput, **VERSION_CONFLICT})
    def post(self, request: Request, intervention_id) -> Response:
        """Accept or decline the panel's assignment (a practitioner of the delivering
        agency). Accepting shares the agency's record of this intervention with the panel;
        declining shares only its reason."""
        return _moved(request, intervention_id, AnswerInput)


class InterventionStatusApi(APIView):
    @extend_schema(request=StatusMoveInput, responses={201: StatusMovedOutput, **VERSION_CONFLICT})
    def post(self, request: Request, intervention_id) -> Response:
        """Pause, resume, complete or withdraw an accepted intervention, with the reason
        (a practitioner of the delivering agency)."""
        return _moved(request, intervention_id, StatusMoveInput)


class ProgressRecordApi(APIView):
    @extend_schema(
        request=ProgressEntryInput, responses={201: ProgressRecordedOutput, **VERSION_CONFLICT}
    )
    def post(self, request: Request, intervention_id) -> Response:
        """Record a session or contact with progress against the goals and any concern, or
        with `corrects` a correction of an earlier entry (a practitioner of the delivering
        agency). A concern alerts the panel's chair and coordinators."""
        visible = _intervention(request, intervention_id)
        payload = ProgressEntryInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = dict(payload.validated_data)
        version, corrects_id = data.pop("version"), data.pop("corrects")
        corrects = None
        if corrects_id is not None:
            try:
                corrects = entry_get(visible, corrects_id)
            except NotFound as missing:
                raise ValidationError({"corrects": [missing.message]}) from None
        try:
            entry = progress_record(
                actor=request.user,
                membership=request.membership,
                intervention=visible.intervention,
                data=ProgressInput(**data),
                version=version,
                corrects=corrects,
            )
        except InterventionChanged as changed:
            return _conflict(request, intervention_id, changed)
        return Response(
            ProgressRecordedOutput(
                {"intervention": visible.intervention, "entry": entry_get(visible, entry.pk)}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class InterventionAccessEndApi(APIView):
    @extend_schema(request=None, responses={200: AccessEndedOutput, **CONFLICT})
    def post(self, request: Request, intervention_id) -> Response:
        """End the delivering agency's access to a declined, completed or withdrawn
        intervention (the panel's chair or coordinator)."""
        visible = _intervention(request, intervention_id)
        revoked = intervention_access_end(
            actor=request.user, membership=request.membership, intervention=visible.intervention
        )
        return Response(AccessEndedOutput({"revoked": [d.pk for d in revoked]}).data)


class CaseInterventionsApi(APIView):
    @extend_schema(responses=InterventionSummaryOutput(many=True))
    def get(self, request: Request, case_id) -> Response:
        """The case's interventions the caller may see, for the panel's review: with the
        delivering agency's record counted (sessions attended and missed, each goal's
        latest rating, open concerns, days since contact) where the caller may see it."""
        case = panel_case_read(
            actor=request.user,
            membership=request.membership,
            panel_case_id=case_id,
            via="api_interventions_summary",
        )
        summaries = intervention_summaries(
            case=case, no_contact_days=settings.INTERVENTION_NO_CONTACT_DAYS
        )
        return Response(InterventionSummaryOutput(summaries, many=True).data)


class ConcernReviewApi(APIView):
    @extend_schema(
        request=ConcernReviewInput, responses={201: ConcernReviewRecordedOutput, **CONFLICT}
    )
    def post(self, request: Request, entry_id) -> Response:
        """Record that the panel has considered a concern and what it will do (the case
        panel's chair or coordinator)."""
        _, entry = entry_get_for_user(membership=request.membership, entry_id=entry_id)
        payload = ConcernReviewInput(data=request.data)
        payload.is_valid(raise_exception=True)
        review = concern_review_record(
            actor=request.user, membership=request.membership, entry=entry, **payload.validated_data
        )
        return Response(ConcernReviewRecordedOutput(review).data, status=status.HTTP_201_CREATED)
