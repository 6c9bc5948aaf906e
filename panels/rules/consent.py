"""Who may give consent to Channel support, and what a consent record must say.

The person gives consent if they are 18 or over, a parent or guardian if they are under 18
(Channel Duty Guidance); capacity to consent is always considered and noted. Pure Python:
the service reads the person's age and passes it in.
"""

import datetime

from panels.models.vocabulary import ConsentDecision, ConsentGiver, ConsentMethod

MIN_CAPACITY_NOTE_CHARS = 20


def consent_errors(
    *,
    decision: str,
    given_by: str,
    obtained_on: datetime.date | None,
    method: str,
    capacity_considered: bool,
    capacity_note: str,
    child: bool,
    today: datetime.date,
) -> dict[str, list[str]]:
    """Every reason a consent record cannot be kept, keyed by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if decision not in ConsentDecision.values:
        errors["decision"] = ["Say whether consent was given, refused or withdrawn."]
    if given_by not in ConsentGiver.values:
        errors["given_by"] = ["Say who gave or refused consent."]
    elif child and given_by != ConsentGiver.PARENT_GUARDIAN:
        errors["given_by"] = [
            "The person is under 18: a parent or guardian gives or refuses consent."
        ]
    elif not child and given_by != ConsentGiver.PERSON:
        errors["given_by"] = ["The person is 18 or over: they give or refuse consent themselves."]
    if obtained_on is None:
        errors["obtained_on"] = ["Enter the date consent was given, refused or withdrawn."]
    elif obtained_on > today:
        errors["obtained_on"] = ["The date cannot be in the future."]
    if method not in ConsentMethod.values:
        errors["method"] = ["Say how consent was sought."]
    if not capacity_considered and len(" ".join(capacity_note.split())) < MIN_CAPACITY_NOTE_CHARS:
        errors["capacity_considered"] = [
            "Consider capacity to consent, or note why it was not considered."
        ]
    return errors
