"""The panel's models, by what they hold."""

from panels.models.assessment import (
    Assessment,
    AssessmentDimension,
    AssessmentEntry,
    AssessmentFactor,
    AssessmentFramework,
)
from panels.models.cases import (
    CLOSED_STAGES,
    Contribution,
    InformationRequest,
    Panel,
    PanelAction,
    PanelCase,
    PostExitReview,
    ReminderSent,
    StageMove,
)
from panels.models.delivery import (
    ConcernReview,
    GoalProgress,
    InterventionStatusChange,
    ProgressEntry,
)
from panels.models.meetings import AgendaItem, Meeting, MeetingAttendance
from panels.models.support import (
    Consent,
    Intervention,
    InterventionGoal,
    SupportPlan,
    intervention_scope,
)

__all__ = [
    "CLOSED_STAGES",
    "AgendaItem",
    "Assessment",
    "AssessmentDimension",
    "AssessmentEntry",
    "AssessmentFactor",
    "AssessmentFramework",
    "ConcernReview",
    "Consent",
    "Contribution",
    "GoalProgress",
    "InformationRequest",
    "Intervention",
    "InterventionGoal",
    "InterventionStatusChange",
    "Meeting",
    "MeetingAttendance",
    "Panel",
    "PanelAction",
    "PanelCase",
    "PostExitReview",
    "ProgressEntry",
    "ReminderSent",
    "StageMove",
    "SupportPlan",
    "intervention_scope",
]
