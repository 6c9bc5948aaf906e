"""API input and output for the Channel inbox, panel cases and information requests.

Output is minimised exactly like the pages: a block of a category the caller may not see
is an absent key, never a blank field, and a row the caller may not see is not listed.
"""

from dataclasses import dataclass

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audit.vocabulary import Category, ConsentStatus, LegalBasis, Schedule1Condition
from panels.models import Contribution, InformationRequest, StageMove
from panels.models.vocabulary import RequestStatus, Stage
from panels.selectors.cases import AddressedRequest, VisiblePanelCase
from panels.services.requests import REQUESTABLE_CATEGORIES
from prevent_cases.api.serializers import NamedRefOutput
from referrals.api.serializers import CATEGORY_BLOCKS
from referrals.selectors import VisibleReferral

IdentityOutput, _ = CATEGORY_BLOCKS[Category.IDENTITY]


class PanelRefOutput(serializers.Serializer):
    """A panel: its id and what it is called (its area's Channel panel)."""

    id = serializers.UUIDField()
    name = serializers.SerializerMethodField()

    def get_name(self, panel) -> str:
        return str(panel)


class _WithIdentity(serializers.Serializer):
    """Output whose `identity` block (declared by each subclass, with its source) is
    present only where the caller may see the person's identity. Each instance carries
    the caller's view of its referral as `shown` (None: it may see nothing of it)."""

    def to_representation(self, instance) -> dict:
        data = super().to_representation(instance)
        shown: VisibleReferral | None = instance.shown
        if shown is None or not shown.shows(Category.IDENTITY):
            data.pop("identity", None)
        return data


@dataclass(frozen=True)
class WaitingReferral:
    shown: VisibleReferral

    @property
    def days_waiting(self) -> int:
        changed = timezone.localdate(self.shown.referral.status_changed_at)
        return (timezone.localdate() - changed).days


class InboxReferralOutput(_WithIdentity):
    """A referral progressed to the caller's panel and not yet accepted."""

    id = serializers.UUIDField(source="shown.referral.id")
    reference = serializers.CharField(source="shown.referral.reference")
    progressed_at = serializers.DateTimeField(source="shown.referral.status_changed_at")
    days_waiting = serializers.IntegerField()
    identity = IdentityOutput(
        required=False,
        source="shown.referral.subject",
        help_text="Present only where identity is shared.",
    )


@dataclass(frozen=True)
class ListedCase:
    panel_case: object
    shown: VisibleReferral | None


class PanelCaseSummaryOutput(_WithIdentity):
    """One of the panel's open cases, as its chair and coordinators list them."""

    id = serializers.UUIDField(source="panel_case.id")
    referral = serializers.UUIDField(source="panel_case.referral_id")
    reference = serializers.CharField(source="panel_case.referral.reference")
    stage = serializers.ChoiceField(Stage.choices, source="panel_case.stage")
    stage_changed_at = serializers.DateTimeField(source="panel_case.stage_changed_at")
    next_review_on = serializers.DateField(source="panel_case.next_review_on", allow_null=True)
    identity = IdentityOutput(
        required=False,
        source="shown.referral.subject",
        help_text="Present only where identity is shared.",
    )


class StageMoveOutput(serializers.ModelSerializer):
    # Codes of the same stages as a case's `stage`; plain strings so the schema names the
    # stage vocabulary once.
    from_stage = serializers.CharField(help_text="The stage code moved from.")
    to_stage = serializers.CharField(help_text="The stage code moved to.")
    rationale = serializers.CharField(
        required=False, help_text="Present only with the panel's decisions."
    )

    class Meta:
        model = StageMove
        fields = ("id", "from_stage", "to_stage", "event", "created_at", "rationale")
        read_only_fields = fields


class ContributionOutput(serializers.ModelSerializer):
    category = serializers.CharField(help_text="The category code of what was contributed.")
    source_agency = NamedRefOutput()

    class Meta:
        model = Contribution
        fields = ("id", "category", "source_agency", "content", "request", "created_at")
        read_only_fields = fields


class InformationRequestOutput(serializers.ModelSerializer):
    to_agency = NamedRefOutput()
    categories = serializers.ListField(child=serializers.ChoiceField(Category.choices))
    is_overdue = serializers.SerializerMethodField()
    purpose = serializers.CharField(
        required=False, help_text="Present for the panel and for the agency asked."
    )

    class Meta:
        model = InformationRequest
        fields = (
            "id",
            "panel_case",
            "to_agency",
            "categories",
            "purpose",
            "due_on",
            "status",
            "is_overdue",
            "answered_at",
            "created_at",
        )
        read_only_fields = fields

    def get_is_overdue(self, request: InformationRequest) -> bool:
        return request.status == RequestStatus.OPEN and request.due_on < timezone.localdate()


@dataclass(frozen=True)
class PanelCaseShown:
    """A panel case with the rows the caller may see of it, and what each shows."""

    case: VisiblePanelCase
    moves: list[tuple[StageMove, bool]]
    contributions: list[Contribution]
    requests: list[tuple[InformationRequest, bool]]


class PanelRecordOutput(serializers.Serializer):
    """The panel's outcome fields: present only where the caller sees its decisions."""

    not_adopted_route = serializers.CharField()
    onward_service = serializers.CharField()
    exit_outcome = serializers.CharField()
    exited_on = serializers.DateField(allow_null=True)


class PanelCaseOutput(serializers.Serializer):
    """A panel case as the caller may see it: absent keys for what it may not see."""

    id = serializers.UUIDField(source="case.panel_case.id")
    referral = serializers.UUIDField(source="case.panel_case.referral_id")
    reference = serializers.CharField(source="case.referral.reference")
    panel = PanelRefOutput(source="case.panel_case.panel")
    stage = serializers.ChoiceField(Stage.choices, source="case.panel_case.stage")
    stage_changed_at = serializers.DateTimeField(source="case.panel_case.stage_changed_at")
    next_review_on = serializers.DateField(source="case.panel_case.next_review_on", allow_null=True)
    referral_categories = serializers.SerializerMethodField()
    identity = IdentityOutput(required=False, source="case.referral.subject")
    panel_record = PanelRecordOutput(required=False, source="case.panel_case")
    stage_history = serializers.SerializerMethodField()
    contributions = ContributionOutput(many=True)
    information_requests = serializers.SerializerMethodField()

    def get_referral_categories(self, shown: PanelCaseShown) -> list[str]:
        return [code for code in Category.values if shown.case.shown.shows(code)]

    @extend_schema_field(StageMoveOutput(many=True))
    def get_stage_history(self, shown: PanelCaseShown) -> list[dict]:
        rows = []
        for move, rationale_shown in shown.moves:
            row = StageMoveOutput(move).data
            if not rationale_shown:
                del row["rationale"]
            rows.append(row)
        return rows

    @extend_schema_field(InformationRequestOutput(many=True))
    def get_information_requests(self, shown: PanelCaseShown) -> list[dict]:
        return [request_output(request, purpose_shown) for request, purpose_shown in shown.requests]

    def to_representation(self, shown: PanelCaseShown) -> dict:
        data = super().to_representation(shown)
        if not shown.case.shown.shows(Category.IDENTITY):
            data.pop("identity", None)
        if not shown.case.sees_panel():
            del data["panel_record"]
        return data


def request_output(request: InformationRequest, purpose_shown: bool) -> dict:
    row = InformationRequestOutput(request).data
    if not purpose_shown:
        del row["purpose"]
    return row


class AddressedRequestOutput(_WithIdentity):
    """A request addressed to the caller's agency: what is asked, why, by when, by which
    panel, and who it is about where the agency may see that. Nothing else of the case."""

    id = serializers.UUIDField(source="request.id")
    panel = PanelRefOutput(source="request.panel_case.panel")
    categories = serializers.ListField(
        child=serializers.ChoiceField(Category.choices), source="request.categories"
    )
    purpose = serializers.CharField(source="request.purpose")
    due_on = serializers.DateField(source="request.due_on")
    status = serializers.ChoiceField(RequestStatus.choices, source="request.status")
    is_overdue = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(source="request.created_at")
    identity = IdentityOutput(
        required=False,
        source="shown.referral.subject",
        help_text="Present only where identity is shared.",
    )

    def get_is_overdue(self, addressed: AddressedRequest) -> bool:
        request = addressed.request
        return request.status == RequestStatus.OPEN and request.due_on < timezone.localdate()


class InformationRequestInput(serializers.Serializer):
    to_agency = serializers.UUIDField()
    # The whole vocabulary, so the schema names one set of categories; the service refuses
    # the panel's own category.
    categories = serializers.ListField(
        child=serializers.ChoiceField(Category.choices),
        allow_empty=False,
        max_length=len(REQUESTABLE_CATEGORIES),
        help_text="Any category but the panel's own decisions and minutes.",
    )
    purpose = serializers.CharField(max_length=2000)
    due_on = serializers.DateField()


class _DecisionFieldsInput(serializers.Serializer):
    """The answering agency's own sharing decision, as for any decision."""

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
    justification = serializers.CharField(
        max_length=4000, help_text="Why sharing, or withholding, is necessary and proportionate."
    )
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)


class ContributionInput(serializers.Serializer):
    # A plain code: the schema names the category vocabulary once (as `categories`), and
    # the service refuses any category the request did not ask for.
    category = serializers.CharField(max_length=24, help_text="A category the request asked for.")
    content = serializers.CharField(max_length=20000)


class RequestShareInput(_DecisionFieldsInput):
    contributions = ContributionInput(many=True, allow_empty=False)


class RequestWithholdInput(_DecisionFieldsInput):
    pass
