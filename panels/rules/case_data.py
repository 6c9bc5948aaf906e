"""The panel's place in the case-data registry (referrals.rules.case_data): the category of
every field, whose information each row is and, for an intervention, its scope.

The panel's local authority is the source of what the panel records (stage decisions,
minutes, the agreed assessment, consent, the plan); a partner is the source of what it
contributes and of its own assessment entries.
"""

from audit.vocabulary import Category
from panels.models import (
    AgendaItem,
    Assessment,
    AssessmentDimension,
    AssessmentEntry,
    AssessmentFactor,
    AssessmentFramework,
    ConcernReview,
    Consent,
    Contribution,
    GoalProgress,
    InformationRequest,
    Intervention,
    InterventionGoal,
    InterventionStatusChange,
    Meeting,
    MeetingAttendance,
    Panel,
    PanelAction,
    PanelCase,
    PostExitReview,
    ProgressEntry,
    ReminderSent,
    StageMove,
    SupportPlan,
)
from referrals.rules.case_data import CaseModel

PANEL_REGISTRY: tuple[CaseModel, ...] = (
    CaseModel(
        PanelCase,
        categories={
            Category.PANEL: ("not_adopted_route", "onward_service", "exit_outcome", "exited_on")
        },
        framing=("panel", "stage", "stage_changed_at", "next_review_on", "reassess_on"),
        internal=(
            "id",
            "created_at",
            "updated_at",
            "referral",
            "source_agency",
            "previous_case",
            "accepted_by",
            "version",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        StageMove,
        categories={Category.PANEL: ("rationale",)},
        framing=("from_stage", "to_stage", "event", "created_at"),
        internal=("id", "panel_case", "referral", "source_agency", "actor"),
        source_field="source_agency_id",
    ),
    CaseModel(
        InformationRequest,
        # The request is the panel's; its addressee is shown it because the request was
        # sent to it, together with the identity decision that came with it.
        categories={Category.PANEL: ("purpose",)},
        framing=("to_agency", "categories", "due_on", "status", "answered_at", "created_at"),
        internal=(
            "id",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "requested_by",
            "answered_by",
            "answer",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        Contribution,
        categories={},
        categorised_by_row=("content",),
        category_field="category",
        framing=("category", "created_at"),
        internal=(
            "id",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "request",
            "contributed_by",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        PanelAction,
        # An action is shown to the agency it is given to; otherwise it is panel
        # information like the minutes it comes from.
        categories={Category.PANEL: ("description",)},
        framing=("owner_agency", "due_on", "done_at", "created_at"),
        internal=(
            "id",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "agenda_item",
            "done_by",
            "created_by",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        PostExitReview,
        categories={Category.PANEL: ("outcome", "rationale")},
        framing=("months_after_exit", "due_on", "done_at"),
        internal=(
            "id",
            "created_at",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "done_by",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        Meeting,
        categories={Category.PANEL: ("minutes",)},
        framing=("panel", "starts_at", "location", "papers_confirmed_at", "closed_at"),
        internal=(
            "id",
            "created_at",
            "updated_at",
            "source_agency",
            "papers_confirmed_by",
            "created_by",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        AgendaItem,
        categories={
            Category.PANEL: (
                "decision_event",
                "decision_method",
                "votes_for",
                "votes_against",
                "decision_rationale",
                "minutes",
                "decided_at",
            )
        },
        framing=("meeting", "reason", "position"),
        internal=(
            "id",
            "created_at",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "decided_by",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        Assessment,
        categories={Category.ASSESSMENT: ("summary", "management_plan", "agreed_at")},
        framing=("framework", "number", "created_at"),
        internal=(
            "id",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "previous",
            "agreed_by",
            "started_by",
        ),
        source_field="source_agency_id",
    ),
    CaseModel(
        AssessmentEntry,
        categories={Category.ASSESSMENT: ("factor", "rating", "evidence", "created_at")},
        internal=("id", "updated_at", "assessment", "referral", "source_agency", "entered_by"),
        source_field="source_agency_id",
    ),
    CaseModel(
        Consent,
        categories={
            Category.SUPPORT: (
                "decision",
                "given_by",
                "obtained_on",
                "method",
                "capacity_considered",
                "capacity_note",
                "note",
                "created_at",
            )
        },
        internal=("id", "updated_at", "panel_case", "referral", "source_agency", "recorded_by"),
        source_field="source_agency_id",
    ),
    CaseModel(
        SupportPlan,
        categories={
            Category.SUPPORT: (
                "consent_approach",
                "consent_sought_by",
                "consent_sought_on",
                "support_summary",
                "created_at",
            )
        },
        internal=("id", "updated_at", "panel_case", "referral", "source_agency", "recorded_by"),
        source_field="source_agency_id",
    ),
    CaseModel(
        Intervention,
        categories={
            Category.SUPPORT: (
                "type",
                "delivering_agency",
                "practitioner",
                "start_on",
                "planned_sessions",
                "contact_every_days",
                "status",
                # When the person was last seen and is next due: the panel's scheduling of
                # its intervention, kept up to date from the provider's entries.
                "last_contact_on",
                "next_contact_due_on",
                "created_at",
            )
        },
        internal=(
            "id",
            "updated_at",
            "panel_case",
            "referral",
            "source_agency",
            "plan",
            "version",
        ),
        source_field="source_agency_id",
        scope_field="scope",
    ),
    CaseModel(
        InterventionGoal,
        categories={Category.SUPPORT: ("description",)},
        framing=("position",),
        internal=("id", "intervention"),
        source_field="source_agency_id",
        scope_field="scope",
    ),
    CaseModel(
        InterventionStatusChange,
        categories={
            Category.SUPPORT: ("event", "from_status", "to_status", "reason", "created_at")
        },
        internal=(
            "id",
            "updated_at",
            "intervention",
            "referral",
            "source_agency",
            "decision",
            "made_version",
            "changed_by",
        ),
        source_field="source_agency_id",
        scope_field="scope",
    ),
    CaseModel(
        ProgressEntry,
        categories={
            Category.SUPPORT: (
                "occurred_on",
                "contact_type",
                "attended",
                "duration_minutes",
                "notes",
                "concern",
                "corrects",
                "created_at",
            )
        },
        internal=(
            "id",
            "updated_at",
            "intervention",
            "referral",
            "source_agency",
            "made_version",
            "recorded_by",
            # The dashboard's marker of a concern still open: read by no page, only to find
            # the open concerns (whose correction and review are the record).
            "concern_open",
        ),
        source_field="source_agency_id",
        scope_field="scope",
    ),
    CaseModel(
        GoalProgress,
        categories={Category.SUPPORT: ("rating",)},
        internal=("id", "entry", "goal"),
        source_field="source_agency_id",
        scope_field="scope",
    ),
    CaseModel(
        ConcernReview,
        categories={Category.SUPPORT: ("note", "created_at")},
        internal=(
            "id",
            "updated_at",
            "intervention",
            "referral",
            "source_agency",
            "entry",
            "reviewed_by",
        ),
        source_field="source_agency_id",
        scope_field="scope",
    ),
)

NOT_PANEL_CASE_DATA = {
    Panel: "the panel's standing set-up: its area, agency and members",
    MeetingAttendance: "which agencies attended a meeting; no case data",
    AssessmentFramework: "a published framework, held as data",
    AssessmentDimension: "a published framework, held as data",
    AssessmentFactor: "a published framework, held as data",
    ReminderSent: "bookkeeping that a reminder went out: ids and dates only",
}
