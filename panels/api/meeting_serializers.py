"""API input and output for meetings. An agenda case carries only what the caller may see
of it: a section, the decision or an action it may not see is an absent key or entry."""

from rest_framework import serializers

from panels.api import text_limits as limits
from panels.models.vocabulary import (
    AgendaReason,
    Attendance,
    DecisionMethod,
    ExitOutcome,
    NotAdoptedRoute,
)
from panels.rules.stages import StageEvent
from prevent_cases.api.serializers import NamedRefOutput


class MeetingOutput(serializers.Serializer):
    id = serializers.UUIDField()
    panel = serializers.UUIDField(source="panel_id")
    starts_at = serializers.DateTimeField()
    location = serializers.CharField()
    papers_confirmed_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)


class MeetingCreateInput(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    location = serializers.CharField(max_length=200, allow_blank=True)


class AttendanceOutput(serializers.Serializer):
    agency = NamedRefOutput()
    status = serializers.ChoiceField(Attendance.choices)
    attendee = serializers.IntegerField(source="attendee_id", allow_null=True)


class AttendanceEntryInput(serializers.Serializer):
    agency = serializers.UUIDField()
    status = serializers.ChoiceField(Attendance.choices)
    attendee = serializers.IntegerField(required=False, allow_null=True, default=None)


class AttendanceInput(serializers.Serializer):
    entries = AttendanceEntryInput(many=True)


class RowOutput(serializers.Serializer):
    label = serializers.CharField()
    value = serializers.CharField()


class SectionOutput(serializers.Serializer):
    category = serializers.CharField()
    title = serializers.CharField()
    rows = RowOutput(many=True)


class DecisionOutput(serializers.Serializer):
    event = serializers.ChoiceField(StageEvent.choices, source="decision_event")
    method = serializers.ChoiceField(DecisionMethod.choices, source="decision_method")
    votes_for = serializers.IntegerField(allow_null=True)
    votes_against = serializers.IntegerField(allow_null=True)
    rationale = serializers.CharField(source="decision_rationale")
    minutes = serializers.CharField()
    decided_at = serializers.DateTimeField()


class AgendaDecisionOutput(serializers.Serializer):
    """What recording a decision changed: the agenda item with the decision on it, and the
    case's stage and version after the move (the version the next write names). The rest of
    the meeting is unchanged by it; clients that show the agenda read the meeting again."""

    id = serializers.UUIDField()
    meeting = serializers.UUIDField(source="meeting_id")
    panel_case = serializers.UUIDField(source="panel_case_id")
    stage = serializers.CharField(source="panel_case.stage")
    version = serializers.IntegerField(source="panel_case.version")
    decision = DecisionOutput(source="*")


class ActionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    panel_case = serializers.UUIDField(source="panel_case_id")
    reference = serializers.CharField(source="referral.reference")
    owner_agency = NamedRefOutput()
    description = serializers.CharField()
    due_on = serializers.DateField()
    done_at = serializers.DateTimeField(allow_null=True)


class AgendaCaseOutput(serializers.Serializer):
    """One agenda case as the caller may see it; `person`, `decision` and `problem` are
    present only when there is something the caller may be shown."""

    id = serializers.UUIDField(source="case.item.id")
    panel_case = serializers.UUIDField(source="case.item.panel_case_id")
    version = serializers.IntegerField(source="case.panel_case.version")
    reference = serializers.CharField()
    reason = serializers.ChoiceField(AgendaReason.choices, source="case.item.reason")
    stage = serializers.CharField(source="case.panel_case.stage")
    person = serializers.CharField(required=False)
    sections = SectionOutput(many=True)
    decision = DecisionOutput(required=False, source="case.item")
    actions = ActionOutput(many=True)
    problem = serializers.CharField(required=False)

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not instance["person"]:
            data.pop("person")
        if not instance["decided"]:
            data.pop("decision")
        if not instance.get("problem"):
            data.pop("problem", None)
        return data


class MeetingDetailOutput(MeetingOutput):
    attendance = AttendanceOutput(many=True)
    agenda = AgendaCaseOutput(many=True)


class DecisionInput(serializers.Serializer):
    event = serializers.ChoiceField(StageEvent.choices)
    method = serializers.ChoiceField(DecisionMethod.choices)
    votes_for = serializers.IntegerField(min_value=0, required=False, allow_null=True, default=None)
    votes_against = serializers.IntegerField(
        min_value=0, required=False, allow_null=True, default=None
    )
    rationale = serializers.CharField(allow_blank=True, max_length=limits.RATIONALE)
    minutes = serializers.CharField(
        allow_blank=True, required=False, default="", max_length=limits.RECORD
    )
    not_adopted_route = serializers.ChoiceField(
        NotAdoptedRoute.choices, required=False, allow_blank=True, default=""
    )
    onward_service = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=limits.NAME
    )
    exit_outcome = serializers.ChoiceField(
        ExitOutcome.choices, required=False, allow_blank=True, default=""
    )
    next_review_on = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(min_value=1)


class ProposedShareOutput(serializers.Serializer):
    key = serializers.CharField()
    agenda_item = serializers.UUIDField(source="item.pk")
    agency = NamedRefOutput()
    category = serializers.CharField()
    source_agency = serializers.UUIDField(source="source_id")


class PapersConfirmInput(serializers.Serializer):
    selections = serializers.ListField(child=serializers.CharField(max_length=200))


class PapersConfirmOutput(serializers.Serializer):
    meeting = MeetingOutput()
    decisions = serializers.ListField(child=serializers.UUIDField())


class ActionInput(serializers.Serializer):
    owner_agency = serializers.UUIDField()
    description = serializers.CharField(allow_blank=True, max_length=limits.RATIONALE)
    due_on = serializers.DateField()
