"""Meetings API: thin views over the same selectors and services as the pages."""

from django.core.exceptions import ValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from panels.api.meeting_serializers import (
    ActionInput,
    ActionOutput,
    AgendaDecisionOutput,
    AttendanceInput,
    AttendanceOutput,
    DecisionInput,
    MeetingCreateInput,
    MeetingDetailOutput,
    MeetingOutput,
    PapersConfirmInput,
    PapersConfirmOutput,
    ProposedShareOutput,
)
from panels.rules.quorum import runs_meeting
from panels.selectors.meetings import (
    action_get_for_user,
    actions_for_agency,
    area_forces,
    attendance_of,
    decision_problems,
    item_for_update,
    meeting_get_for_user,
    meetings_for_user,
    panel_agencies,
    papers_proposal,
)
from panels.services.cases import MoveDetails
from panels.services.meetings import (
    AttendanceEntry,
    agenda_build,
    agenda_decision_record,
    meeting_attendance_record,
    meeting_schedule,
    panel_action_done,
    panel_action_set,
)
from panels.services.papers import meeting_agenda_read, papers_confirm
from panels.web.meetings.presenters import decision_rows, open_actions, paper_case
from prevent_cases.api.schema import CONFLICT
from prevent_cases.exceptions import AccessDenied


def _detail(request: Request, meeting) -> dict:
    agenda = meeting_agenda_read(
        actor=request.user, membership=request.membership, meeting=meeting, via="api"
    )
    items = [case.item for case in agenda.cases]
    problems = (
        decision_problems(
            items,
            attendance=agenda.attendance,
            forces=area_forces(item.referral.area_id for item in items),
        )
        if agenda.runs_meeting
        else {}
    )
    agenda_rows = []
    for case in agenda.cases:
        paper = paper_case(case)
        agenda_rows.append(
            {
                "case": case,
                "reference": paper.reference,
                "person": paper.person,
                "sections": paper.sections,
                "decided": bool(decision_rows(case)),
                "actions": open_actions(case),
                "problem": problems.get(case.item.pk, ""),
            }
        )
    return {
        "id": meeting.pk,
        "panel_id": meeting.panel_id,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "papers_confirmed_at": meeting.papers_confirmed_at,
        "closed_at": meeting.closed_at,
        "attendance": agenda.attendance,
        "agenda": agenda_rows,
    }


class MeetingListApi(APIView):
    @extend_schema(responses=MeetingOutput(many=True))
    def get(self, request: Request) -> Response:
        """Meetings of the caller's panel, or of panels its agency sits on, soonest first."""
        meetings = meetings_for_user(membership=request.membership)
        return Response(MeetingOutput(meetings, many=True).data)

    @extend_schema(request=MeetingCreateInput, responses={201: MeetingOutput})
    def post(self, request: Request) -> Response:
        """Schedule a meeting of the caller's panel (chair or coordinator)."""
        payload = MeetingCreateInput(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting = meeting_schedule(
            actor=request.user, membership=request.membership, **payload.validated_data
        )
        return Response(MeetingOutput(meeting).data, status=status.HTTP_201_CREATED)


class MeetingDetailApi(APIView):
    @extend_schema(responses=MeetingDetailOutput)
    def get(self, request: Request, meeting_id) -> Response:
        """One meeting with the agenda cases the caller may see, each minimised to what it
        may see of it. Members see the agenda once the papers are confirmed."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        return Response(MeetingDetailOutput(_detail(request, meeting)).data)


class MeetingAttendanceApi(APIView):
    @extend_schema(
        request=AttendanceInput, responses={200: AttendanceOutput(many=True), **CONFLICT}
    )
    def put(self, request: Request, meeting_id) -> Response:
        """Record the meeting's attendance as a whole."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        payload = AttendanceInput(data=request.data)
        payload.is_valid(raise_exception=True)
        meeting_attendance_record(
            actor=request.user,
            membership=request.membership,
            meeting=meeting,
            entries=[
                AttendanceEntry(entry["agency"], entry["status"], entry["attendee"])
                for entry in payload.validated_data["entries"]
            ],
        )
        return Response(AttendanceOutput(attendance_of(meeting), many=True).data)


class MeetingAgendaApi(APIView):
    @extend_schema(request=None, responses={200: MeetingDetailOutput, **CONFLICT})
    def post(self, request: Request, meeting_id) -> Response:
        """Add the cases due at this meeting to its agenda."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        agenda_build(actor=request.user, membership=request.membership, meeting=meeting)
        return Response(MeetingDetailOutput(_detail(request, meeting)).data)


class MeetingPapersApi(APIView):
    @extend_schema(responses=ProposedShareOutput(many=True))
    def get(self, request: Request, meeting_id) -> Response:
        """The proposal of what each member agency is given (chair or coordinator)."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        if not runs_meeting(request.membership, meeting):
            raise AccessDenied("Only the chair or a coordinator of the panel sees the proposal.")
        return Response(ProposedShareOutput(papers_proposal(meeting=meeting), many=True).data)

    @extend_schema(request=PapersConfirmInput, responses={201: PapersConfirmOutput, **CONFLICT})
    def post(self, request: Request, meeting_id) -> Response:
        """Confirm the proposal's rows named in `selections` as sharing decisions."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        payload = PapersConfirmInput(data=request.data)
        payload.is_valid(raise_exception=True)
        decisions = papers_confirm(
            actor=request.user,
            membership=request.membership,
            meeting=meeting,
            selections=payload.validated_data["selections"],
        )
        return Response(
            PapersConfirmOutput(
                {"meeting": meeting, "decisions": [decision.pk for decision in decisions]}
            ).data,
            status=status.HTTP_201_CREATED,
        )


class AgendaDecisionApi(APIView):
    @extend_schema(request=DecisionInput, responses={201: AgendaDecisionOutput, **CONFLICT})
    def post(self, request: Request, meeting_id, item_id) -> Response:
        """Record the panel's decision on one agenda case (chair or coordinator). Answers
        with the agenda item and its case's new stage and version, not the whole meeting:
        a meeting's agenda runs to tens of cases, and the decision changes one."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        item = item_for_update(meeting=meeting, item_id=item_id)
        payload = DecisionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        item = agenda_decision_record(
            actor=request.user,
            membership=request.membership,
            item=item,
            event=data["event"],
            method=data["method"],
            votes_for=data["votes_for"],
            votes_against=data["votes_against"],
            rationale=data["rationale"],
            minutes=data["minutes"],
            details=MoveDetails(
                not_adopted_route=data["not_adopted_route"],
                onward_service=data["onward_service"],
                exit_outcome=data["exit_outcome"],
                next_review_on=data["next_review_on"],
            ),
            version=data["version"],
        )
        return Response(AgendaDecisionOutput(item).data, status=status.HTTP_201_CREATED)


class AgendaActionApi(APIView):
    @extend_schema(request=ActionInput, responses={201: ActionOutput, **CONFLICT})
    def post(self, request: Request, meeting_id, item_id) -> Response:
        """Give an agency on the panel for this case an action, by a date."""
        meeting = meeting_get_for_user(membership=request.membership, meeting_id=meeting_id)
        item = item_for_update(meeting=meeting, item_id=item_id)
        payload = ActionInput(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        owner = {agency.pk: agency for agency in panel_agencies(meeting)}.get(data["owner_agency"])
        if owner is None:
            raise ValidationError(
                {"owner_agency": ["Choose an agency that sits on the panel for this case."]}
            )
        action = panel_action_set(
            actor=request.user,
            membership=request.membership,
            item=item,
            owner_agency=owner,
            description=data["description"],
            due_on=data["due_on"],
        )
        return Response(ActionOutput(action).data, status=status.HTTP_201_CREATED)


class MyActionsApi(APIView):
    @extend_schema(responses=ActionOutput(many=True))
    def get(self, request: Request) -> Response:
        """Open actions given to the caller's agency, the most overdue first."""
        actions = actions_for_agency(membership=request.membership)
        return Response(ActionOutput(actions, many=True).data)


class ActionDoneApi(APIView):
    @extend_schema(request=None, responses={200: ActionOutput, **CONFLICT})
    def post(self, request: Request, action_id) -> Response:
        """Mark an action given to the caller's agency done."""
        action = action_get_for_user(membership=request.membership, action_id=action_id)
        action = panel_action_done(actor=request.user, membership=request.membership, action=action)
        return Response(ActionOutput(action).data)
