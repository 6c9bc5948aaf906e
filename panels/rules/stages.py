"""The four stages of a panel case as one transition table, in the shape of the screening
workflow: which event moves a case from which stage, who may fire it and whether it needs
a decision of the panel in a meeting (CTSA s.37) or is recorded between meetings.

Pure Python, no database: panels.services apply it inside a transaction.
"""

from dataclasses import dataclass

from django.db import models

from panels.models.vocabulary import Stage
from prevent_cases.exceptions import TransitionNotAllowed
from prevent_cases.roles import Role


class StageEvent(models.TextChoices):
    ADOPT = "adopt", "Adopt as a Channel case"
    NOT_ADOPT = "not_adopt", "Do not adopt: record the onward route"
    AGREE_ASSESSMENT = "agree_assessment", "Agree the needs assessment"
    START_SUPPORT = "start_support", "Start support under the plan"
    CONTINUE = "continue_support", "Continue support and review again"
    REASSESS = "reassess", "Re-assess needs"
    EXIT = "exit", "Exit Channel"
    STOP_WITHOUT_CONSENT = "stop_without_consent", "Stop: consent refused or withdrawn"
    TRANSFER = "transfer", "Transfer to another area's panel"


@dataclass(frozen=True)
class Move:
    to_stage: str
    # Panel decisions are taken in a meeting with the police area's representative present
    # and recorded from the agenda; the others are recorded by the chair or coordinator.
    in_meeting: bool = True


OPEN_STAGES = (Stage.IDENTIFICATION, Stage.ASSESSMENT, Stage.SUPPORT_PLAN, Stage.REVIEW)
SUPPORT_STAGES = (Stage.ASSESSMENT, Stage.SUPPORT_PLAN, Stage.REVIEW)

TRANSITIONS: dict[tuple[str, str], Move] = {
    (Stage.IDENTIFICATION, StageEvent.ADOPT): Move(Stage.ASSESSMENT),
    (Stage.IDENTIFICATION, StageEvent.NOT_ADOPT): Move(Stage.NOT_ADOPTED),
    (Stage.ASSESSMENT, StageEvent.AGREE_ASSESSMENT): Move(Stage.SUPPORT_PLAN),
    (Stage.SUPPORT_PLAN, StageEvent.START_SUPPORT): Move(Stage.REVIEW),
    (Stage.REVIEW, StageEvent.CONTINUE): Move(Stage.REVIEW),
    (Stage.REVIEW, StageEvent.REASSESS): Move(Stage.ASSESSMENT),
    (Stage.REVIEW, StageEvent.EXIT): Move(Stage.EXITED),
    **{
        (stage, StageEvent.STOP_WITHOUT_CONSENT): Move(Stage.EXITED, in_meeting=False)
        for stage in SUPPORT_STAGES
    },
    **{(stage, StageEvent.TRANSFER): Move(Stage.EXITED, in_meeting=False) for stage in OPEN_STAGES},
}

PANEL_ROLES = frozenset({Role.PANEL_CHAIR, Role.CHANNEL_COORDINATOR})
EVENT_ROLES: dict[str, frozenset[str]] = dict.fromkeys(StageEvent.values, PANEL_ROLES)


def decision_events(stage: str) -> list[str]:
    """The decisions a panel may take on a case in this stage at a meeting."""
    return [
        event
        for (from_stage, event), move in TRANSITIONS.items()
        if from_stage == stage and move.in_meeting
    ]


def move_for(stage: str, event: str) -> Move:
    """Where an event takes a case; TransitionNotAllowed, saying why, if not from here."""
    try:
        return TRANSITIONS[(stage, event)]
    except KeyError:
        allowed = ", ".join(StageEvent(e).label.lower() for e in decision_events(stage))
        raise TransitionNotAllowed(
            f"A case at {Stage(stage).label.lower()} cannot be moved by "
            f"'{StageEvent(event).label if event in StageEvent.values else event}'."
            + (f" From here the panel may: {allowed}." if allowed else "")
        ) from None


if {event for _, event in TRANSITIONS} != set(StageEvent.values):
    raise ValueError("every stage event needs a move")
