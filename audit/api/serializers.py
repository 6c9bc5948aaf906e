"""API output for the auditors' workspace: decisions and events, never case content."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.selectors import cases_shown
from audit.vocabulary import Category, ReviewFinding
from prevent_cases.api.serializers import NamedRefOutput


class AuditedDecisionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    case_type = serializers.CharField()
    case_id = serializers.UUIDField()
    action = serializers.CharField()
    disclosing_agency = NamedRefOutput()
    receiving_agency = NamedRefOutput()
    source_agency = NamedRefOutput(
        allow_null=True,
        help_text="Whose information; null on decisions recorded before "
        "sources were kept, whose source is the disclosing agency.",
    )
    scope = serializers.CharField(help_text='"" for the whole case, else the part shared.')
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    purpose = serializers.CharField()
    legal_basis = serializers.CharField()
    legal_basis_other = serializers.CharField()
    schedule1_condition = serializers.CharField()
    consent_status = serializers.CharField()
    consent_reason = serializers.CharField()
    justification = serializers.CharField()
    decided_by = serializers.UUIDField(source="decided_by_id")
    decided_by_role = serializers.CharField()
    decided_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    supersedes = serializers.UUIDField(source="supersedes_id", allow_null=True)
    reviewed = serializers.BooleanField()
    flagged = serializers.BooleanField(help_text="Shared without consent, no reason recorded.")


class ReviewOutput(serializers.Serializer):
    id = serializers.UUIDField()
    reviewer = serializers.UUIDField(source="reviewer_id")
    finding = serializers.ChoiceField(ReviewFinding.choices)
    note = serializers.CharField()
    created_at = serializers.DateTimeField()


class ReviewInput(serializers.Serializer):
    finding = serializers.ChoiceField(ReviewFinding.choices)
    note = serializers.CharField(max_length=4000)


class CaseShownOutput(serializers.Serializer):
    case_id = serializers.UUIDField()
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    sources = serializers.ListField(child=serializers.UUIDField())


class CaseViewOutput(serializers.Serializer):
    """One read: a single case (`case.viewed`) or a page of a list (`case.listed`)."""

    seq = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    type = serializers.CharField()
    actor = serializers.UUIDField()
    agency = serializers.UUIDField()
    case_type = serializers.CharField(source="target_type")
    via = serializers.CharField(source="payload.via")
    cases = serializers.SerializerMethodField()

    @extend_schema_field(CaseShownOutput(many=True))
    def get_cases(self, event) -> list[dict]:
        case_id = self.context.get("case_id")
        return CaseShownOutput(cases_shown(event, case_id=case_id), many=True).data


class VerificationRunOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.CharField()
    requested_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    events_checked = serializers.IntegerField()
    decisions_checked = serializers.IntegerField()
    checkpoints_checked = serializers.IntegerField()
    head_hash = serializers.CharField()
    findings = serializers.ListField(child=serializers.CharField())


class ChainStatusOutput(serializers.Serializer):
    size = serializers.IntegerField()
    head_hash = serializers.CharField()
    latest_checkpoint_size = serializers.IntegerField(
        source="latest_checkpoint.size", allow_null=True, default=None
    )
    latest_checkpoint_at = serializers.DateTimeField(
        source="latest_checkpoint.created_at", allow_null=True, default=None
    )
    latest_run = VerificationRunOutput(allow_null=True)
