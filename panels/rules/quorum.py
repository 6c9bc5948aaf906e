"""Who must be present and how the panel decides (CTSA 2015 s.37): pure rules over what a
meeting recorded, answered in words the page shows beside a case before anyone types."""

from collections.abc import Collection

from panels.models.vocabulary import DecisionMethod
from panels.rules.stages import PANEL_ROLES
from prevent_cases.models import Membership
from prevent_cases.policy import handles_case_content
from prevent_cases.roles import Role

POLICE_ABSENT = (
    "The panel cannot decide on this case: no representative of the police force for the "
    "area where the person lives ({area}) is recorded as present at this meeting "
    "(CTSA 2015 s.37). Record their attendance first."
)
NO_AREA_FORCE = (
    "The panel cannot decide on this case: no police force is set up for the area where the "
    "person lives ({area}), so its representative cannot be recorded as present "
    "(CTSA 2015 s.37)."
)


def police_presence_problem(*, area_name: str, area_forces: Collection, present: Collection) -> str:
    """Why the panel may not decide on a case, or "" when the force for the area where the
    person lives (any of `area_forces`) is among the agencies recorded `present`."""
    if not area_forces:
        return NO_AREA_FORCE.format(area=area_name)
    if not set(area_forces) & set(present):
        return POLICE_ABSENT.format(area=area_name)
    return ""


def _majority_errors(votes_for: int, votes_against: int) -> dict[str, list[str]]:
    if votes_for + votes_against == 0:
        return {"votes_for": ["A majority decision needs at least one vote."]}
    if votes_for <= votes_against:
        return {
            "votes_for": [
                "A majority decision needs more votes for than against; on a tie the chair decides."
            ]
        }
    return {}


def _casting_errors(votes_for: int, votes_against: int, role: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if role != Role.PANEL_CHAIR:
        errors["method"] = ["Only the panel chair may record a casting decision."]
    if votes_for != votes_against:
        errors["votes_for"] = [
            "The chair's casting decision is for a tied vote: record equal votes for and against."
        ]
    return errors


def method_errors(
    *, method: str, votes_for: int | None, votes_against: int | None, role: str
) -> dict[str, list[str]]:
    """What is wrong with how the decision was reached: unanimously (no votes), by majority
    (both counts, more for than against) or by the chair's casting decision on a tie."""
    if method not in DecisionMethod.values:
        return {"method": ["Say how the panel reached the decision."]}
    if method == DecisionMethod.UNANIMOUS:
        return {}
    missing = {
        name: [f"Record the votes {label}."]
        for name, label, value in (
            ("votes_for", "for", votes_for),
            ("votes_against", "against", votes_against),
        )
        if value is None
    }
    if missing:
        return missing
    if method == DecisionMethod.MAJORITY:
        return _majority_errors(votes_for, votes_against)
    return _casting_errors(votes_for, votes_against, role)


def runs_meeting(membership: Membership | None, meeting) -> bool:
    """The member is the chair or a coordinator of the panel holding the meeting."""
    return (
        handles_case_content(membership)
        and membership.role in PANEL_ROLES
        and membership.agency_id == meeting.panel.agency_id
    )
