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
from prevent_cases.api.serializers import NamedRefOutput
from referrals.models import Referral, Subject
from referrals.rules.case_data import categories_of, fields_of
from referrals.rules.vocabulary import Deconfliction, ScreeningOutcome, Sector, Sex, SignpostService
from referrals.selectors import VisibleReferral

# A related object is named by its code, not its database id.
FIELD_OVERRIDES = {
    "concern_type": lambda: serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    ),
}


def _category_output(model, category: str) -> type[serializers.ModelSerializer]:
    """A read-only serializer of the fields the case-data registry puts in `category`."""
    names = fields_of(model, category)
    # A choice not yet made is blank; read-only fields drop allow_blank unless told, and the
    # schema would then not admit the blank it is answered with.
    blank_choices = {
        name: {"allow_blank": True}
        for name in names
        if (field := model._meta.get_field(name)).choices and field.blank
    }
    meta = type(
        "Meta",
        (),
        {"model": model, "fields": names, "read_only_fields": names, "extra_kwargs": blank_choices},
    )
    overrides = {name: FIELD_OVERRIDES[name]() for name in names if name in FIELD_OVERRIDES}
    name = f"{Category(category).name.title().replace('_', '')}Output"
    return type(name, (serializers.ModelSerializer,), {"Meta": meta, **overrides})


# One block per category a referral's record holds, read from its subject or the referral.
CATEGORY_BLOCKS = {
    category: (_category_output(model, category), source)
    for model, source in ((Subject, "referral.subject"), (Referral, "referral"))
    for category in categories_of(model)
}


class ReferralOutput(serializers.Serializer):
    """A referral as the caller may see it. Each category's block is present only when the
    caller's agency may see that category; an absent category is an absent key."""

    id = serializers.UUIDField(source="referral.id")
    reference = serializers.CharField(source="referral.reference")
    status = serializers.CharField(source="referral.status")
    area = NamedRefOutput(source="referral.area")
    owning_agency = NamedRefOutput(source="referral.owning_agency")
    responsible_agency = NamedRefOutput(source="referral.responsible_agency", allow_null=True)
    received_on = serializers.DateField(source="referral.received_on")
    screening_due_on = serializers.DateField(source="referral.screening_due_on", allow_null=True)
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))

    def get_fields(self) -> dict:
        blocks = {
            category: block(source=source, required=False)
            for category, (block, source) in CATEGORY_BLOCKS.items()
        }
        return {**super().get_fields(), **blocks}

    def to_representation(self, shown: VisibleReferral) -> dict:
        data = super().to_representation(shown)
        data["categories"] = sorted(shown.categories)
        for category in CATEGORY_BLOCKS:
            if category not in shown.categories:
                del data[category]
        return data


class ReferralCreateInput(serializers.Serializer):
    """A new referral, with the same rules as the intake pages (referrals.rules.intake)."""

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
    source_agency = NamedRefOutput(allow_null=True)
    scope = serializers.CharField()


class SharingDecisionInput(serializers.Serializer):
    receiving_agency = serializers.UUIDField()
    action = serializers.ChoiceField(
        [(DecisionAction.SHARE, "Share"), (DecisionAction.WITHHOLD, "Withhold")]
    )
    categories = serializers.ListField(
        child=serializers.ChoiceField(Category.choices),
        allow_empty=False,
        max_length=len(Category.values),
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
    source_agency = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Whose information is shared: your agency's own by default; the "
        "responsible panel names the agency that shared it with the panel.",
    )


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=4000)
