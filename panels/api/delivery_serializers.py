"""API input and output for delivering an intervention: a practitioner's list, one
intervention with its record, the panel's summary of a case's interventions, and the
writes of the delivering agency and the panel.

Output is minimised like the rest of the panel API: the views pass in what the selectors
kept, and what the caller may not see (who the person is, the delivering agency's record)
is an absent key, never a blank field.
"""

from dataclasses import dataclass

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.vocabulary import Category
from panels.api import text_limits as limits
from panels.models import ProgressEntry
from panels.models.vocabulary import (
    ContactType,
    DeliveryEvent,
    GoalRating,
    InterventionStatus,
    InterventionType,
)
from panels.rules.delivery import ANSWERS, MAX_DURATION_MINUTES
from panels.selectors.delivery import VisibleIntervention
from prevent_cases.api.serializers import NamedRefOutput
from referrals.models import Subject

# The events each endpoint takes: the answer to the assignment, or a later change of status.
ANSWER_EVENTS = [(event.value, event.label) for event in DeliveryEvent if event in ANSWERS]
STATUS_EVENTS = [(event.value, event.label) for event in DeliveryEvent if event not in ANSWERS]
OPEN, FINISHED = "open", "finished"
LIST_STATUSES = [
    (OPEN, "Awaiting the agency's answer, active or paused"),
    (FINISHED, "Completed or withdrawn"),
]
# An intervention's version is a positive integer column.
MAX_VERSION = 2**31 - 1


class InterventionGoalOutput(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    position = serializers.IntegerField()


class PersonOutput(serializers.Serializer):
    """Who the person is: their name, and nothing more."""

    given_names = serializers.CharField()
    family_name = serializers.CharField()


class _InterventionFields(serializers.Serializer):
    """The panel's record of an intervention, which everyone shown it may see. Each
    instance carries the intervention as `intervention`."""

    id = serializers.UUIDField(source="intervention.id")
    case = serializers.UUIDField(source="intervention.panel_case_id")
    type = serializers.ChoiceField(InterventionType.choices, source="intervention.type")
    practitioner = serializers.UUIDField(source="intervention.practitioner_id", allow_null=True)
    status = serializers.ChoiceField(InterventionStatus.choices, source="intervention.status")
    start_on = serializers.DateField(source="intervention.start_on")
    planned_sessions = serializers.IntegerField(source="intervention.planned_sessions")
    contact_every_days = serializers.IntegerField(source="intervention.contact_every_days")
    goals = InterventionGoalOutput(many=True, source="intervention.goals")
    version = serializers.IntegerField(source="intervention.version")


@extend_schema_field(InterventionGoalOutput(many=True))
class GoalRowsField(serializers.Field):
    """Goals given as the plain rows a list read (`id`, `description`, `position`, in
    order), shown as they are: a page of rows builds no goal objects nor a serializer for
    each row's goals. Output only, like the serializers it is declared on."""

    def to_representation(self, value: list[dict]) -> list[dict]:
        return value


@dataclass(frozen=True)
class ListedIntervention:
    """A row of the delivering agency's list (panels.selectors.delivery.DeliveryRow) with its
    goals as plain rows."""

    intervention: object
    subject: Subject | None
    days_since_contact: int | None
    overdue: bool
    goals: list[dict]


class InterventionRowOutput(_InterventionFields):
    """One intervention in the delivering agency's list: the case's reference, and who the
    person is only if the agency was given their identity."""

    # Each instance is a ListedIntervention.
    goals = GoalRowsField()
    reference = serializers.CharField(source="intervention.referral.reference")
    person = PersonOutput(
        source="subject", required=False, help_text="Present only where identity is shared."
    )
    last_contact_on = serializers.DateField(source="intervention.last_contact_on", allow_null=True)
    next_contact_due_on = serializers.DateField(
        source="intervention.next_contact_due_on", allow_null=True
    )
    days_since_contact = serializers.IntegerField(allow_null=True)
    overdue = serializers.BooleanField()

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if instance.subject is None:
            data.pop("person")
        return data


class GoalRatingOutput(serializers.Serializer):
    goal = serializers.IntegerField(source="goal_id")
    rating = serializers.ChoiceField(GoalRating.choices)


class ConcernReviewOutput(serializers.Serializer):
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ProgressEntryOutput(serializers.Serializer):
    """A session or contact as the delivering agency recorded it. A correction names the
    entry it corrects; a corrected entry names its correction. The panel's consideration
    of a concern is the panel's information in the intervention's scope, so whoever is
    shown the entry (and so the intervention) may be shown it."""

    id = serializers.UUIDField()
    occurred_on = serializers.DateField()
    contact_type = serializers.ChoiceField(ContactType.choices)
    attended = serializers.BooleanField()
    duration_minutes = serializers.IntegerField(allow_null=True)
    notes = serializers.CharField()
    concern = serializers.BooleanField()
    corrects = serializers.UUIDField(source="corrects_id", allow_null=True)
    corrected_by = serializers.UUIDField(source="correction.id", allow_null=True)
    ratings = GoalRatingOutput(many=True, source="goals")
    concern_review = ConcernReviewOutput(
        source="review", required=False, help_text="Present once the panel has considered it."
    )
    created_at = serializers.DateTimeField()

    def to_representation(self, instance: ProgressEntry) -> dict:
        data = super().to_representation(instance)
        if data.get("concern_review") is None:
            data.pop("concern_review", None)
        return data


class StatusChangeOutput(serializers.Serializer):
    id = serializers.UUIDField()
    event = serializers.ChoiceField(DeliveryEvent.choices)
    from_status = serializers.ChoiceField(InterventionStatus.choices)
    to_status = serializers.ChoiceField(InterventionStatus.choices)
    reason = serializers.CharField()
    created_at = serializers.DateTimeField()


@dataclass(frozen=True)
class InterventionShown:
    """One intervention with the delivering agency's record as the viewer may see it."""

    visible: VisibleIntervention
    status_changes: list
    entries: list

    @property
    def intervention(self):
        return self.visible.intervention

    @property
    def subject(self) -> Subject | None:
        case = self.visible.case
        return case.referral.subject if case.shown.shows(Category.IDENTITY) else None


# What an intervention's record holds of the delivering agency's own information: shown
# only to those who may see that agency's record of it.
PROGRESS_FIELDS = ("last_contact_on", "next_contact_due_on", "status_changes", "progress_entries")


class InterventionDetailOutput(_InterventionFields):
    """One intervention: the panel's record, and the delivering agency's (its status
    history, sessions and contacts) only where the caller may see it."""

    reference = serializers.CharField(source="visible.case.referral.reference")
    person = PersonOutput(
        source="subject", required=False, help_text="Present only where identity is shared."
    )
    delivering_agency = NamedRefOutput(source="intervention.delivering_agency")
    last_contact_on = serializers.DateField(
        source="intervention.last_contact_on", allow_null=True, required=False
    )
    next_contact_due_on = serializers.DateField(
        source="intervention.next_contact_due_on", allow_null=True, required=False
    )
    status_changes = StatusChangeOutput(many=True, required=False)
    progress_entries = ProgressEntryOutput(many=True, source="entries", required=False)

    def to_representation(self, instance: InterventionShown) -> dict:
        data = super().to_representation(instance)
        if instance.subject is None:
            data.pop("person")
        if not instance.visible.sees_progress():
            for name in PROGRESS_FIELDS:
                data.pop(name)
        return data


class OpenConcernOutput(serializers.Serializer):
    entry = serializers.UUIDField(source="id")
    occurred_on = serializers.DateField()


class LatestRatingOutput(serializers.Serializer):
    goal = serializers.IntegerField()
    rating = serializers.ChoiceField(
        GoalRating.choices, allow_null=True, help_text="None until the goal is first rated."
    )


class SummaryProgressOutput(serializers.Serializer):
    """What the delivering agency's record says, counted for the panel's review."""

    attended = serializers.IntegerField()
    missed = serializers.IntegerField()
    goals = serializers.SerializerMethodField()
    open_concerns = OpenConcernOutput(many=True)
    last_contact_on = serializers.DateField(source="intervention.last_contact_on", allow_null=True)
    days_since_contact = serializers.IntegerField(allow_null=True)
    no_contact_flag = serializers.BooleanField(
        help_text="Active, and the person not seen for longer than the service allows."
    )

    @extend_schema_field(LatestRatingOutput(many=True))
    def get_goals(self, summary) -> list[dict]:
        return LatestRatingOutput(
            [{"goal": goal.pk, "rating": rating or None} for goal, rating in summary.goals],
            many=True,
        ).data


class InterventionSummaryOutput(_InterventionFields):
    """One intervention in the panel's review of a case, with the delivering agency's
    record counted only where the caller may see it."""

    delivering_agency = NamedRefOutput(source="intervention.delivering_agency")
    progress = SummaryProgressOutput(
        source="*", required=False, help_text="Present only where the caller sees progress."
    )

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if not instance.sees_progress:
            data.pop("progress")
        return data


class ChangesSinceOutput(serializers.Serializer):
    entries = ProgressEntryOutput(many=True)
    status_changes = StatusChangeOutput(many=True)


class InterventionConflictOutput(serializers.Serializer):
    """Someone changed the intervention after the version the caller sent: what they
    recorded since, to check before sending again with `current_version`."""

    code = serializers.CharField()
    detail = serializers.CharField()
    current_version = serializers.IntegerField(
        required=False, help_text="Only for `conflict`: the version to send again with."
    )
    changes_since = ChangesSinceOutput(
        required=False, help_text="Only for `conflict`: what others recorded since `version`."
    )


class InterventionListQuery(serializers.Serializer):
    mine = serializers.BooleanField(
        default=False,
        help_text="Only the caller's own: assigned to them (or, awaiting an answer, to no one).",
    )
    status = serializers.ChoiceField(LIST_STATUSES, default=OPEN)


def _version() -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_VERSION,
        help_text="The intervention's version the caller opened.",
    )


class AnswerInput(serializers.Serializer):
    event = serializers.ChoiceField(ANSWER_EVENTS)
    reason = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=limits.RATIONALE,
        help_text="Why the agency declines (at least 10 characters); optional to accept.",
    )
    version = _version()


class StatusMoveInput(serializers.Serializer):
    event = serializers.ChoiceField(STATUS_EVENTS)
    reason = serializers.CharField(
        max_length=limits.RATIONALE, help_text="Why (at least 10 characters)."
    )
    version = _version()


class StatusMovedOutput(serializers.Serializer):
    status = serializers.ChoiceField(InterventionStatus.choices, source="intervention.status")
    version = serializers.IntegerField(source="intervention.version")
    status_change = StatusChangeOutput(source="change")


class RatingInput(serializers.Serializer):
    goal = serializers.IntegerField(
        min_value=1, help_text="The id of one of this intervention's goals."
    )
    rating = serializers.ChoiceField(GoalRating.choices)


class ProgressEntryInput(serializers.Serializer):
    occurred_on = serializers.DateField(help_text="Not in the future, nor before the start.")
    contact_type = serializers.ChoiceField(ContactType.choices)
    attended = serializers.BooleanField()
    duration_minutes = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=MAX_DURATION_MINUTES
    )
    notes = serializers.CharField(
        allow_blank=True,
        default="",
        max_length=limits.RECORD,
        help_text="Required with a concern: describe it.",
    )
    concern = serializers.BooleanField(default=False)
    ratings = RatingInput(many=True, required=False, default=list, max_length=50)
    version = _version()
    corrects = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="The entry of this intervention this one puts right.",
    )

    def validate_ratings(self, ratings: list[dict]) -> dict[int, str]:
        by_goal = {row["goal"]: row["rating"] for row in ratings}
        if len(by_goal) != len(ratings):
            raise serializers.ValidationError("Rate each goal once.")
        return by_goal


class ProgressRecordedOutput(serializers.Serializer):
    version = serializers.IntegerField(source="intervention.version")
    entry = ProgressEntryOutput()


class ConcernReviewInput(serializers.Serializer):
    note = serializers.CharField(
        max_length=limits.RATIONALE,
        help_text="What the panel will do about the concern (at least 10 characters).",
    )


class ConcernReviewRecordedOutput(serializers.Serializer):
    id = serializers.UUIDField()
    entry = serializers.UUIDField(source="entry_id")
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class AccessEndedOutput(serializers.Serializer):
    revoked = serializers.ListField(
        child=serializers.UUIDField(), help_text="The sharing decisions revoked."
    )
