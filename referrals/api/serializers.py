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
from prevent_cases.api_serializers import NamedRefOutput
from referrals.selectors import VisibleReferral
from referrals.vocabulary import Deconfliction, Sector, Sex, SignpostService
from referrals.workflow import ScreeningOutcome


class IdentityOutput(serializers.Serializer):
    given_names = serializers.CharField()
    family_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    date_of_birth = serializers.DateField(allow_null=True)
    estimated_age = serializers.IntegerField(allow_null=True)
    sex = serializers.ChoiceField(Sex.choices)
    gender_identity = serializers.CharField()
    address = serializers.CharField()
    postcode = serializers.CharField()
    phone = serializers.CharField()
    email = serializers.CharField()
    nationality = serializers.CharField()
    first_language = serializers.CharField()
    interpreter_needed = serializers.BooleanField()
    is_child = serializers.BooleanField()


class ConcernOutput(serializers.Serializer):
    summary = serializers.CharField(source="concern_summary")
    concern_type = serializers.CharField(source="concern_type.code", allow_null=True, default=None)
    existing_involvement = serializers.CharField()
    person_aware = serializers.BooleanField(allow_null=True)
    referrer_name = serializers.CharField()
    referrer_role = serializers.CharField()
    referrer_organisation = serializers.CharField()
    referrer_sector = serializers.ChoiceField(Sector.choices)


class ScreeningOutput(serializers.Serializer):
    deconfliction = serializers.ChoiceField(Deconfliction.choices)
    notes = serializers.CharField(source="screening_notes")
    outcome = serializers.CharField()
    signposted_to = serializers.CharField()
    rationale = serializers.CharField(source="outcome_rationale")
    screened_at = serializers.DateTimeField(allow_null=True)
    screening_due_on = serializers.DateField(allow_null=True)


class HealthOutput(serializers.Serializer):
    send_needs = serializers.BooleanField()
    mental_health = serializers.BooleanField()
    neurodiversity = serializers.BooleanField()


class FamilyOutput(serializers.Serializer):
    parent_guardian_name = serializers.CharField()
    parent_guardian_contact = serializers.CharField()


class EducationOutput(serializers.Serializer):
    school = serializers.CharField()


class CriminalJusticeOutput(serializers.Serializer):
    pnc_number = serializers.CharField()


class ReferralOutput(serializers.Serializer):
    """A referral as the caller may see it. Each category's block is present only when the
    caller's agency holds that category; an absent category is an absent key."""

    id = serializers.UUIDField(source="referral.id")
    reference = serializers.CharField(source="referral.reference")
    status = serializers.CharField(source="referral.status")
    area = NamedRefOutput(source="referral.area")
    owning_agency = NamedRefOutput(source="referral.owning_agency")
    received_on = serializers.DateField(source="referral.received_on")
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    identity = IdentityOutput(source="referral.subject", required=False)
    concern = ConcernOutput(source="referral", required=False)
    screening = ScreeningOutput(source="referral", required=False)
    health = HealthOutput(source="referral", required=False)
    family = FamilyOutput(source="referral.subject", required=False)
    education = EducationOutput(source="referral.subject", required=False)
    criminal_justice = CriminalJusticeOutput(source="referral.subject", required=False)

    CATEGORY_FIELDS = {
        "identity": Category.IDENTITY,
        "concern": Category.CONCERN,
        "screening": Category.SCREENING,
        "health": Category.HEALTH,
        "family": Category.FAMILY,
        "education": Category.EDUCATION,
        "criminal_justice": Category.CRIMINAL_JUSTICE,
    }

    def to_representation(self, shown: VisibleReferral) -> dict:
        data = super().to_representation(shown)
        data["categories"] = sorted(shown.categories)
        for key, category in self.CATEGORY_FIELDS.items():
            if category not in shown.categories:
                del data[key]
        return data


class ReferralCreateInput(serializers.Serializer):
    """A new referral, with the same rules as the intake pages (referrals.intake)."""

    area = serializers.UUIDField()
    received_on = serializers.DateField()
    given_names = serializers.CharField(max_length=150)
    family_name = serializers.CharField(max_length=150)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=300), required=False, default=list, max_length=20
    )
    date_of_birth = serializers.DateField(required=False, allow_null=True, default=None)
    estimated_age = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=1, max_value=120
    )
    sex = serializers.ChoiceField(Sex.choices, required=False, default=Sex.NOT_KNOWN)
    gender_identity = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    address = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    postcode = serializers.CharField(max_length=10, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    nationality = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    first_language = serializers.CharField(
        max_length=80, required=False, allow_blank=True, default=""
    )
    interpreter_needed = serializers.BooleanField(required=False, default=False)
    pnc_number = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    parent_guardian_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    parent_guardian_contact = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    school = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    referrer_name = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    referrer_role = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    referrer_organisation = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )
    referrer_sector = serializers.ChoiceField(Sector.choices, required=False, default=Sector.OTHER)
    concern_summary = serializers.CharField(max_length=20000)
    concern_type = serializers.UUIDField(required=False, allow_null=True, default=None)
    existing_involvement = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    person_aware = serializers.BooleanField(required=False, allow_null=True, default=None)
    send_needs = serializers.BooleanField(required=False, default=False)
    mental_health = serializers.BooleanField(required=False, default=False)
    neurodiversity = serializers.BooleanField(required=False, default=False)
    linked_subject = serializers.UUIDField(required=False, allow_null=True, default=None)


class ScreeningInputSerializer(serializers.Serializer):
    deconfliction = serializers.ChoiceField(Deconfliction.choices)
    notes = serializers.CharField(max_length=20000, required=False, allow_blank=True, default="")
    outcome = serializers.ChoiceField(ScreeningOutcome.choices)
    rationale = serializers.CharField(max_length=5000, allow_blank=True)
    signposted_to = serializers.ChoiceField(
        SignpostService.choices, required=False, allow_blank=True, default=""
    )
    consent_status = serializers.ChoiceField(
        ConsentStatus.choices, required=False, allow_blank=True, default=""
    )
    consent_reason = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    sharing_justification = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )


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
