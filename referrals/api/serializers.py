"""API input and output for referrals. Output carries only the categories the caller's
agency holds: an absent category is an absent key, never a blank field."""

from rest_framework import serializers

from audit.vocabulary import (
    Category,
    ConsentStatus,
    DecisionAction,
    LegalBasis,
    Schedule1Condition,
)
from referrals.selectors import VisibleReferral


class NamedRefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class IdentityOutput(serializers.Serializer):
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    date_of_birth = serializers.DateField(allow_null=True)


class ConcernOutput(serializers.Serializer):
    summary = serializers.CharField(source="concern_summary")


class ReferralOutput(serializers.Serializer):
    """A referral as the caller may see it. `identity` and `concern` are present only when
    the caller's agency holds those categories."""

    id = serializers.UUIDField(source="referral.id")
    reference = serializers.CharField(source="referral.reference")
    status = serializers.CharField(source="referral.status")
    area = NamedRefOutput(source="referral.area")
    owning_agency = NamedRefOutput(source="referral.owning_agency")
    received_on = serializers.DateField(source="referral.received_on")
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    identity = IdentityOutput(source="referral.subject", required=False)
    concern = ConcernOutput(source="referral", required=False)

    CATEGORY_FIELDS = {"identity": Category.IDENTITY, "concern": Category.CONCERN}

    def to_representation(self, shown: VisibleReferral) -> dict:
        data = super().to_representation(shown)
        data["categories"] = sorted(shown.categories)
        for key, category in self.CATEGORY_FIELDS.items():
            if category not in shown.categories:
                del data[key]
        return data


class SharingDecisionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    action = serializers.ChoiceField(DecisionAction.choices)
    disclosing_agency = NamedRefOutput()
    receiving_agency = NamedRefOutput()
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    purpose = serializers.CharField()
    legal_basis = serializers.ChoiceField(LegalBasis.choices)
    legal_basis_other = serializers.CharField()
    schedule1_condition = serializers.CharField()
    consent_status = serializers.ChoiceField(ConsentStatus.choices)
    consent_reason = serializers.CharField()
    justification = serializers.CharField()
    decided_by_role = serializers.CharField()
    decided_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    supersedes = serializers.UUIDField(source="supersedes_id", allow_null=True)


class SharingDecisionInput(serializers.Serializer):
    receiving_agency = serializers.UUIDField()
    action = serializers.ChoiceField(
        [(DecisionAction.SHARE, "Share"), (DecisionAction.WITHHOLD, "Withhold")]
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(Category.choices), allow_empty=False, max_length=9
    )
    purpose = serializers.CharField(max_length=2000)
    legal_basis = serializers.ChoiceField(LegalBasis.choices)
    legal_basis_other = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    schedule1_condition = serializers.ChoiceField(
        Schedule1Condition.choices, required=False, allow_blank=True, default=""
    )
    consent_status = serializers.ChoiceField(ConsentStatus.choices)
    consent_reason = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    justification = serializers.CharField(max_length=4000)
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    supersedes = serializers.UUIDField(required=False, allow_null=True, default=None)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
