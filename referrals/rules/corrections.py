"""Which recorded fields the owning force may correct, how each is written in a record's
history, and what a correction must say. Pure rules: the service reads and writes.

Every field of the referral's own record that the case-data registry places in a category
is correctable, but those the service derives or the workflow stamps:
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.utils.formats import date_format

from referrals.models import Correction, Referral, Subject
from referrals.rules.case_data import categories_of, fields_of
from referrals.rules.intake import identifier_errors
from referrals.rules.vocabulary import ScreeningOutcome

NOT_CORRECTABLE = {
    # Follows from the date of birth or estimated age; corrected along with them.
    "is_child": "derived",
    # A choice from the published list in force when the referral was logged.
    "concern_type": "published list",
    # The outcome and its moment are the workflow's record of a screening decision: a
    # different outcome is a new decision, not a correction of what was typed.
    "outcome": "workflow",
    "screened_at": "workflow",
}
# Fields a record cannot be without.
REQUIRED = {"given_names", "family_name", "concern_summary"}
MIN_REASON_CHARS = 10
MAX_AGE = 120
# As long as a name: an alias is another name or spelling.
MAX_ALIAS_CHARS = 150

TEXT, LONG_TEXT, EMAIL, DATE, AGE, YES_NO, KNOWN, CHOICE, LINES = (
    "text",
    "long_text",
    "email",
    "date",
    "age",
    "yes_no",
    "known",
    "choice",
    "lines",
)
RECORDS = {Correction.Record.SUBJECT: Subject, Correction.Record.REFERRAL: Referral}
# The words the record uses for a question that has no yes or no answer.
NOT_KNOWN = "Not known"
LABELS = {
    "aliases": "Other names or spellings",
    "sex": "Sex",
    "pnc_number": "Police National Computer (PNC) number",
    "interpreter_needed": "Needs an interpreter",
    "is_child": "Under 18 when referred",
    "parent_guardian_name": "Parent or guardian",
    "parent_guardian_contact": "Parent or guardian's contact details",
    "school": "School or college",
    "referrer_name": "Referrer's name",
    "referrer_role": "Referrer's role",
    "referrer_organisation": "Referrer's organisation",
    "referrer_sector": "Referrer's sector",
    "concern_summary": "The concern",
    "concern_type": "Type of concern",
    "existing_involvement": "Other agencies involved",
    "person_aware": "Does the person know about the referral",
    "send_needs": "Special educational needs and disabilities (SEND)",
    "mental_health": "Mental health needs",
    "neurodiversity": "Neurodiversity",
    "deconfliction": "Deconfliction check",
    "screening_notes": "Screening notes",
    "outcome": "Outcome of screening",
    "signposted_to": "Signposted to",
    "outcome_rationale": "Reasons for the outcome",
    "screened_at": "Screened",
}


@dataclass(frozen=True)
class CorrectableField:
    record: str
    name: str
    category: str
    kind: str

    @property
    def model_field(self) -> models.Field:
        return RECORDS[self.record]._meta.get_field(self.name)

    @property
    def label(self) -> str:
        return label_of(self.model_field)


def label_of(field: models.Field) -> str:
    """How the record names a field: in plain words for the referral's own record."""
    if field.model in (Subject, Referral) and field.name in LABELS:
        return LABELS[field.name]
    return str(field.verbose_name).capitalize()


def _kind(field: models.Field) -> str:
    if isinstance(field, models.BooleanField):
        return KNOWN if field.null else YES_NO
    if field.choices:
        return CHOICE
    if isinstance(field, models.DateField):
        return DATE
    if isinstance(field, models.IntegerField):
        return AGE
    if isinstance(field, models.JSONField):
        return LINES
    if isinstance(field, models.EmailField):
        return EMAIL
    if isinstance(field, models.TextField):
        return LONG_TEXT
    return TEXT


def _correctable() -> dict[str, CorrectableField]:
    fields = {}
    for record, model in RECORDS.items():
        for category in categories_of(model):
            for name in fields_of(model, category):
                if name not in NOT_CORRECTABLE:
                    kind = _kind(model._meta.get_field(name))
                    fields[name] = CorrectableField(record, name, category, kind)
    return fields


CORRECTABLE: dict[str, CorrectableField] = _correctable()


def shown_value(field: models.Field, value: object) -> str:
    """A value as the record shows it; "" for one not recorded."""
    if field.choices and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return NOT_KNOWN if value is None else ("Yes" if value else "No")
    if value is None or value in ("", []):
        return ""
    if isinstance(value, list):
        return "\n".join(str(item) for item in value)
    if isinstance(value, datetime.datetime):
        return date_format(value, "j F Y H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    return str(value)


def correction_errors(
    spec: CorrectableField,
    *,
    value: object,
    current: object,
    reason: str,
    row: models.Model,
    referral: Referral,
    today: datetime.date,
) -> dict[str, list[str]]:
    """Every reason this correction cannot be made, keyed by "value" or "reason"."""
    errors: dict[str, list[str]] = {}
    problem = _value_error(spec, value, row=row, referral=referral, today=today)
    if problem:
        errors["value"] = [problem]
    elif value == current:
        errors["value"] = [
            f"The new value is the same as the recorded one: change the {spec.label.lower()} "
            "or cancel"
        ]
    if len(" ".join(reason.split())) < MIN_REASON_CHARS:
        errors["reason"] = ["Say why the record was wrong, for the record's history."]
    return errors


def _value_error(
    spec: CorrectableField,
    value: object,
    *,
    row: models.Model,
    referral: Referral,
    today: datetime.date,
) -> str | None:
    for check in (_presence_error, _choice_error, _length_error, _format_error):
        problem = check(spec, value)
        if problem:
            return problem
    if spec.name == "date_of_birth":
        return _date_of_birth_error(value, row=row, today=today)
    if spec.name == "estimated_age":
        return _estimated_age_error(value, row=row)
    if spec.name == "signposted_to" and value and referral.outcome != ScreeningOutcome.SIGNPOSTED:
        return "Only a referral signposted to another service records where it went."
    return None


def _presence_error(spec: CorrectableField, value: object) -> str | None:
    if spec.name in REQUIRED and not str(value or "").strip():
        return f"Enter the {spec.label.lower()}."
    return None


def _choice_error(spec: CorrectableField, value: object) -> str | None:
    if spec.kind != CHOICE:
        return None
    field = spec.model_field
    if value == "":
        return None if field.blank else f"Choose the {spec.label.lower()}."
    if value not in [code for code, _ in field.choices]:
        return f"Choose the {spec.label.lower()} from the list."
    return None


def _length_error(spec: CorrectableField, value: object) -> str | None:
    limit = spec.model_field.max_length
    if isinstance(value, str) and limit and len(value) > limit:
        return f"{spec.label} must be {limit} characters or fewer (it has {len(value)})."
    if spec.kind == LINES and any(len(line) > MAX_ALIAS_CHARS for line in value):
        return f"Each other name must be {MAX_ALIAS_CHARS} characters or fewer."
    return None


def _format_error(spec: CorrectableField, value: object) -> str | None:
    if spec.kind == EMAIL and value:
        try:
            validate_email(value)
        except ValidationError:
            return "Enter an email address in the right format, like name@example.com."
    if spec.name in ("postcode", "pnc_number"):
        found = identifier_errors(**{spec.name: value})
        if found:
            return found[spec.name][0]
    return None


def _estimated_age_error(value, *, row: models.Model) -> str | None:
    if value is None and row.date_of_birth is None:
        return "Enter an estimated age: there is no date of birth on the record."
    if value is not None and not 0 < value <= MAX_AGE:
        return f"Enter an estimated age between 1 and {MAX_AGE}."
    return None


def _date_of_birth_error(value, *, row: models.Model, today: datetime.date) -> str | None:
    if value is None:
        if row.estimated_age is None:
            return "Enter a date of birth: there is no estimated age on the record."
        return None
    if value > today:
        return "Date of birth must be in the past."
    if value.year < today.year - MAX_AGE:
        return f"Enter a date of birth within the last {MAX_AGE} years."
    return None
