"""API input and output for the assessment, consent, the support plan, post-exit reviews
and transfers. Output carries only what the caller may see: the views pass in the items
the selectors kept, and a whole block the caller may not see is absent."""

from rest_framework import serializers

from audit.vocabulary import ConsentStatus, LegalBasis, Schedule1Condition
from panels.api import text_limits as limits
from panels.models.vocabulary import (
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    InterventionStatus,
    InterventionType,
    PostExitOutcome,
)
from prevent_cases.api.serializers import NamedRefOutput


class AssessmentEntryOutput(serializers.Serializer):
    factor = serializers.CharField(source="factor.code")
    rating = serializers.CharField()
    evidence = serializers.CharField()
    source_agency = NamedRefOutput()
    updated_at = serializers.DateTimeField()


class AssessmentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.IntegerField()
    framework = serializers.CharField(source="framework.name")
    created_at = serializers.DateTimeField()
    agreed_at = serializers.DateTimeField(allow_null=True)
    summary = serializers.CharField()
    management_plan = serializers.CharField()


class AssessmentChangeOutput(serializers.Serializer):
    factor = serializers.CharField()
    before = serializers.CharField(allow_null=True)
    after = serializers.CharField(allow_null=True)
    change = serializers.CharField()


class AssessmentShownOutput(serializers.Serializer):
    """The current assessment's entries the caller may see; the panel's summary and what
    changed since the previous assessment only for those who see the panel's assessment."""

    current = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField()
    entries = serializers.SerializerMethodField()
    changes = AssessmentChangeOutput(many=True)

    def _assessment(self, assessment, sees_panel):
        if assessment is None:
            return None
        data = AssessmentOutput(assessment).data
        if not sees_panel:
            for name in ("summary", "management_plan"):
                data.pop(name)
        return data

    def get_current(self, shown) -> dict | None:
        return self._assessment(shown.current, shown.sees_panel)

    def get_previous(self, shown) -> dict | None:
        return self._assessment(shown.previous, shown.sees_panel)

    def get_entries(self, shown) -> list[dict]:
        return [
            AssessmentEntryOutput(entry).data
            for dimension in shown.dimensions
            for row in dimension.factors
            for entry in row.entries
        ]


class AssessmentEntryInput(serializers.Serializer):
    factor = serializers.CharField(max_length=80)
    rating = serializers.CharField(max_length=40)
    evidence = serializers.CharField(allow_blank=True, default="", max_length=limits.RECORD)


class AssessmentAgreeInput(serializers.Serializer):
    summary = serializers.CharField(max_length=limits.RECORD)
    management_plan = serializers.CharField(allow_blank=True, default="", max_length=limits.RECORD)


class ConsentOutput(serializers.Serializer):
    id = serializers.UUIDField()
    decision = serializers.ChoiceField(ConsentDecision.choices)
    given_by = serializers.ChoiceField(ConsentGiver.choices)
    obtained_on = serializers.DateField()
    method = serializers.ChoiceField(ConsentMethod.choices)
    capacity_considered = serializers.BooleanField()
    capacity_note = serializers.CharField()
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ConsentInput(serializers.Serializer):
    decision = serializers.ChoiceField(ConsentDecision.choices)
    given_by = serializers.ChoiceField(ConsentGiver.choices)
    obtained_on = serializers.DateField()
    method = serializers.ChoiceField(ConsentMethod.choices)
    capacity_considered = serializers.BooleanField()
    capacity_note = serializers.CharField(allow_blank=True, default="", max_length=limits.RATIONALE)
    note = serializers.CharField(allow_blank=True, default="", max_length=limits.RATIONALE)
    version = serializers.IntegerField()
    reassess_on = serializers.DateField(required=False, allow_null=True, default=None)
    rationale = serializers.CharField(allow_blank=True, default="", max_length=limits.RATIONALE)


class GoalOutput(serializers.Serializer):
    description = serializers.CharField()


class InterventionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.ChoiceField(InterventionType.choices)
    delivering_agency = NamedRefOutput()
    practitioner = serializers.UUIDField(source="practitioner_id", allow_null=True)
    start_on = serializers.DateField()
    planned_sessions = serializers.IntegerField()
    status = serializers.ChoiceField(InterventionStatus.choices)
    goals = GoalOutput(many=True)


class PlanOutput(serializers.Serializer):
    id = serializers.UUIDField()
    consent_approach = serializers.CharField()
    consent_sought_by = serializers.CharField()
    consent_sought_on = serializers.DateField()
    support_summary = serializers.CharField()
    created_at = serializers.DateTimeField()


class SupportOutput(serializers.Serializer):
    """The plan (absent unless the caller sees the panel's support information for the
    whole case) and the interventions the caller may see."""

    plan = PlanOutput(required=False)
    interventions = InterventionOutput(many=True)

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        if instance["plan"] is None:
            data.pop("plan")
        return data


class InterventionInputSerializer(serializers.Serializer):
    type = serializers.ChoiceField(InterventionType.choices)
    delivering_agency = serializers.UUIDField()
    practitioner = serializers.UUIDField(required=False, allow_null=True, default=None)
    goals = serializers.ListField(
        child=serializers.CharField(max_length=limits.RATIONALE), min_length=1, max_length=50
    )
    planned_sessions = serializers.IntegerField(min_value=1)
    start_on = serializers.DateField()


class PlanInput(serializers.Serializer):
    consent_approach = serializers.CharField(max_length=limits.RECORD)
    consent_sought_by = serializers.CharField(max_length=limits.NAME)
    consent_sought_on = serializers.DateField()
    support_summary = serializers.CharField(max_length=limits.RECORD)
    version = serializers.IntegerField()
    interventions = InterventionInputSerializer(many=True, required=False, default=list)


class PostExitReviewOutput(serializers.Serializer):
    id = serializers.UUIDField()
    months_after_exit = serializers.IntegerField()
    due_on = serializers.DateField()
    outcome = serializers.CharField()
    rationale = serializers.CharField()
    done_at = serializers.DateTimeField(allow_null=True)


class PostExitReviewInput(serializers.Serializer):
    # A plain text field, checked by the service: a second choice set named "outcome" (the
    # screening outcome has the first) would give the schema an ambiguous enum name.
    outcome = serializers.CharField(
        help_text="One of: " + ", ".join(PostExitOutcome.values) + ".", max_length=40
    )
    rationale = serializers.CharField(max_length=limits.RATIONALE)


class PostExitReviewRecordedOutput(serializers.Serializer):
    review = PostExitReviewOutput()
    reopened_case = serializers.UUIDField(allow_null=True)


class TransferInput(serializers.Serializer):
    """Where the case goes and why, and the sending panel's sharing decision: its purpose,
    legal basis, consent and justification (the categories are set by the service)."""

    to_area = serializers.UUIDField()
    note = serializers.CharField(max_length=limits.RATIONALE)
    version = serializers.IntegerField()
    purpose = serializers.CharField(max_length=limits.PURPOSE)
    legal_basis = serializers.ChoiceField(LegalBasis.choices)
    legal_basis_other = serializers.CharField(
        allow_blank=True, default="", max_length=limits.PURPOSE
    )
    schedule1_condition = serializers.ChoiceField(
        Schedule1Condition.choices, allow_blank=True, default=""
    )
    consent_status = serializers.ChoiceField(ConsentStatus.choices)
    consent_reason = serializers.CharField(allow_blank=True, default="", max_length=limits.REASONS)
    justification = serializers.CharField(max_length=limits.REASONS)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class TransferOutput(serializers.Serializer):
    to_agency = serializers.UUIDField(source="responsibility.agency_id")
    shared = serializers.ListField(child=serializers.UUIDField())
    revoked = serializers.ListField(child=serializers.UUIDField())
