"""What a new referral must say, checked the same way for the pages, the API and CSV.

Rules are reported by field, so each message appears next to the input it concerns.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from referrals.rules.identifiers import (
    normalise_pnc,
    normalise_postcode,
    pnc_error,
    postcode_error,
)
from referrals.rules.vocabulary import Sector, Sex

CHILD_AGE = 18

# Answers an officer must give even though the record has a value for "not said": the
# intake pages and a CSV file both refuse to go on without them, so a blank is never read
# as "no interpreter", "no type of concern" or "not known". (The record's own defaults
# stand for the API, whose clients send what they know.)
REQUIRED_ANSWERS: dict[str, str] = {
    "interpreter_needed": "Select yes if the person needs an interpreter.",
    "concern_type": "Choose the type of concern.",
    "person_aware": "Select whether the person knows about the referral.",
}


@dataclass(frozen=True)
class ReferralIntake:
    given_names: str
    family_name: str
    received_on: datetime.date
    concern_summary: str
    area_id: object
    date_of_birth: datetime.date | None = None
    estimated_age: int | None = None
    aliases: tuple[str, ...] = ()
    sex: str = Sex.NOT_KNOWN
    gender_identity: str = ""
    address: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    nationality: str = ""
    first_language: str = ""
    interpreter_needed: bool = False
    pnc_number: str = ""
    parent_guardian_name: str = ""
    parent_guardian_contact: str = ""
    school: str = ""
    referrer_name: str = ""
    referrer_role: str = ""
    referrer_organisation: str = ""
    referrer_sector: str = Sector.OTHER
    concern_type_id: object = None
    existing_involvement: str = ""
    person_aware: bool | None = None
    send_needs: bool = False
    mental_health: bool = False
    neurodiversity: bool = False
    linked_subject_id: object = None


def age_on(date_of_birth: datetime.date, day: datetime.date) -> int:
    return (
        day.year
        - date_of_birth.year
        - ((day.month, day.day) < (date_of_birth.month, date_of_birth.day))
    )


def is_child_on(
    day: datetime.date,
    *,
    date_of_birth: datetime.date | None,
    estimated_age: int | None,
    recorded_as_child: bool = False,
) -> bool:
    """Under 18 on `day`: by date of birth where known, else by estimated age, else as the
    referral recorded it."""
    if date_of_birth is not None:
        return age_on(date_of_birth, day) < CHILD_AGE
    if estimated_age is not None:
        return estimated_age < CHILD_AGE
    return recorded_as_child


def is_child(intake: ReferralIntake) -> bool:
    """Under 18 on the day the referral was received, by date of birth or estimated age."""
    return is_child_on(
        intake.received_on,
        date_of_birth=intake.date_of_birth,
        estimated_age=intake.estimated_age,
    )


def _person_errors(intake: ReferralIntake, today: datetime.date) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not intake.given_names.strip():
        errors["given_names"] = ["Enter the person's given names."]
    if not intake.family_name.strip():
        errors["family_name"] = ["Enter the person's family name."]
    if intake.date_of_birth is None and intake.estimated_age is None:
        errors["date_of_birth"] = ["Enter a date of birth, or an estimated age if it is not known."]
    if intake.date_of_birth and intake.date_of_birth > today:
        errors["date_of_birth"] = ["Date of birth must be in the past."]
    if intake.date_of_birth and intake.date_of_birth.year < today.year - 120:
        errors["date_of_birth"] = ["Enter a date of birth within the last 120 years."]
    if intake.estimated_age is not None and not 0 < intake.estimated_age <= 120:
        errors["estimated_age"] = ["Enter an estimated age between 1 and 120."]
    elif intake.date_of_birth and intake.estimated_age is not None:
        errors["estimated_age"] = ["Enter a date of birth or an estimated age, not both."]
    if intake.sex not in Sex.values:
        errors["sex"] = ["Choose female, male or not known."]
    errors.update(identifier_errors(postcode=intake.postcode, pnc_number=intake.pnc_number))
    return errors


def identifier_errors(*, postcode: str = "", pnc_number: str = "") -> dict[str, list[str]]:
    """A postcode or PNC number that is given but is not one, keyed by field."""
    errors: dict[str, list[str]] = {}
    if postcode.strip() and (error := postcode_error(normalise_postcode(postcode))):
        errors["postcode"] = [error]
    if pnc_number.strip() and (error := pnc_error(normalise_pnc(pnc_number))):
        errors["pnc_number"] = [error]
    return errors


def intake_errors(intake: ReferralIntake, *, today: datetime.date) -> dict[str, list[str]]:
    """Every reason the referral cannot be logged, keyed by field."""
    errors = _person_errors(intake, today)
    if intake.received_on > today:
        errors["received_on"] = ["The date received cannot be in the future."]
    if not intake.concern_summary.strip():
        errors["concern_summary"] = ["Describe the concern as it was told."]
    if intake.referrer_sector not in Sector.values:
        errors["referrer_sector"] = ["Choose the referrer's sector."]
    if intake.area_id is None:
        errors["area"] = ["Choose the area (local authority) responsible."]
    return errors


def raise_if_invalid(intake: ReferralIntake, *, today: datetime.date) -> None:
    errors = intake_errors(intake, today=today)
    if errors:
        raise ValidationError(errors)
