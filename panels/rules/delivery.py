"""The rules of delivering an intervention: the status table, and what a progress entry
must say. Pure functions over plain values; the services (panels.services.delivery) apply
them.
"""

import datetime
from dataclasses import dataclass

from panels.models.vocabulary import ContactType, DeliveryEvent, GoalRating, InterventionStatus

Status = InterventionStatus
Event = DeliveryEvent

# Every status move the delivering agency may make: (event, from) -> to. Accepting starts
# delivery; declining ends the assignment before it starts. Completed and withdrawn are
# final: the panel assigns a new intervention if support is to go on.
TRANSITIONS: dict[tuple[str, str], str] = {
    (Event.ACCEPT, Status.PLANNED): Status.ACTIVE,
    (Event.DECLINE, Status.PLANNED): Status.WITHDRAWN,
    (Event.PAUSE, Status.ACTIVE): Status.PAUSED,
    (Event.RESUME, Status.PAUSED): Status.ACTIVE,
    (Event.COMPLETE, Status.ACTIVE): Status.COMPLETED,
    (Event.COMPLETE, Status.PAUSED): Status.COMPLETED,
    (Event.WITHDRAW, Status.ACTIVE): Status.WITHDRAWN,
    (Event.WITHDRAW, Status.PAUSED): Status.WITHDRAWN,
}
# Accepting and declining answer the panel's assignment; the other events are status
# changes of an intervention already accepted.
ANSWERS = frozenset({Event.ACCEPT, Event.DECLINE})
# While delivery is under way (or paused) sessions are recorded; a completed intervention
# may still have an entry corrected, a withdrawn one is closed.
RECORDING_STATUSES = frozenset({Status.ACTIVE, Status.PAUSED})
CORRECTING_STATUSES = frozenset({Status.ACTIVE, Status.PAUSED, Status.COMPLETED})
MIN_REASON_CHARS = 10
MAX_DURATION_MINUTES = 24 * 60


def status_after(event: str, status: str) -> str | None:
    """The status `event` leads to from `status`, or None if the move is not allowed."""
    return TRANSITIONS.get((event, status))


def events_from(status: str) -> list[str]:
    """The events the delivering agency may take from `status`, in the table's order."""
    return [event for (event, origin) in TRANSITIONS if origin == status]


def move_refusal(event: str, status: str) -> str:
    """Why a move is refused, in the user's words."""
    allowed = [Event(e).label.lower() for e in events_from(status) if e not in ANSWERS]
    label = Status(status).label.lower()
    if event in ANSWERS and status != Status.PLANNED:
        return f"This intervention has already been answered: it is {label}."
    article = "An" if label[0] in "aeiou" else "A"
    if not allowed:
        return f"{article} {label} intervention cannot change status."
    return f"{article} {label} intervention can only be: {', '.join(allowed)}."


def reason_errors(reason: str) -> dict[str, list[str]]:
    if len(" ".join(reason.split())) < MIN_REASON_CHARS:
        return {"reason": [f"Give the reason (at least {MIN_REASON_CHARS} characters)."]}
    return {}


@dataclass(frozen=True)
class ProgressInput:
    """One session or contact as the practitioner describes it, with ratings by goal id."""

    occurred_on: datetime.date | None
    contact_type: str
    attended: bool | None
    duration_minutes: int | None
    notes: str
    concern: bool
    ratings: dict[int, str]


def progress_errors(
    data: ProgressInput, *, goal_ids: set[int], start_on: datetime.date, today: datetime.date
) -> dict[str, list[str]]:
    """What is wrong with a progress entry, by field; empty if nothing."""
    errors: dict[str, list[str]] = {}
    if data.occurred_on is None:
        errors["occurred_on"] = ["Enter the date of the session or contact."]
    elif data.occurred_on > today:
        errors["occurred_on"] = ["The date of a session cannot be in the future."]
    elif data.occurred_on < start_on:
        errors["occurred_on"] = [
            "The date of a session cannot be before the intervention started "
            f"({start_on.day} {start_on:%B %Y})."
        ]
    if data.contact_type not in ContactType.values:
        errors["contact_type"] = ["Choose how the session or contact took place."]
    if data.attended is None:
        errors["attended"] = ["Say whether the person attended."]
    if data.duration_minutes is not None and not 1 <= data.duration_minutes <= MAX_DURATION_MINUTES:
        errors["duration_minutes"] = [
            f"Enter the length in minutes, between 1 and {MAX_DURATION_MINUTES}."
        ]
    if data.concern and not data.notes.strip():
        errors["notes"] = ["Describe the concern in the notes: the panel acts on what you write."]
    unknown = set(data.ratings) - goal_ids
    if unknown:
        errors["ratings"] = ["Rate only this intervention's goals."]
    elif any(rating not in GoalRating.values for rating in data.ratings.values()):
        errors["ratings"] = ["Choose a rating for each goal from the list."]
    return errors


def next_contact_due(
    *, last_contact_on: datetime.date | None, start_on: datetime.date, every_days: int
) -> datetime.date:
    """When the person is next due to be seen: the set interval after the last attended
    contact, or the start date if there has been none."""
    if last_contact_on is None:
        return start_on
    return last_contact_on + datetime.timedelta(days=every_days)
