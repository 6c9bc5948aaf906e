"""What makes a sharing decision complete and lawful enough to record.

Each failure is reported against the field it concerns, so the form and the API can show
the message next to the right input. Nothing is written when any rule fails.
"""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, fields

from django.core.exceptions import ValidationError

from audit.vocabulary import (
    Category,
    ConsentStatus,
    DecisionAction,
    LegalBasis,
    Schedule1Condition,
)

# Categories that are special category or criminal offence data under UK GDPR, so a
# public-task basis needs a Data Protection Act 2018 Schedule 1 condition as well.
SPECIAL_CATEGORIES = frozenset({Category.HEALTH, Category.CRIMINAL_JUSTICE})

# Each vocabulary's codes, once: Django's `.values` builds a new list on every use, and every
# decision checked asks for four of them.
CATEGORIES = frozenset(Category.values)
LEGAL_BASES = frozenset(LegalBasis.values)
SCHEDULE1_CONDITIONS = frozenset(Schedule1Condition.values)
CONSENT_STATUSES = frozenset(ConsentStatus.values)

MIN_JUSTIFICATION_CHARS = 40
MIN_JUSTIFICATION_WORDS = 6
MIN_REASON_CHARS = 20


@dataclass(frozen=True)
class DecisionInput:
    action: str
    categories: tuple[str, ...]
    purpose: str
    legal_basis: str
    legal_basis_other: str
    schedule1_condition: str
    consent_status: str
    consent_reason: str
    justification: str
    expires_at: datetime.datetime | None


def decision_input_from(data: Mapping) -> DecisionInput:
    """A DecisionInput from parsed form or API data that uses the same field names."""
    values = {field.name: data[field.name] for field in fields(DecisionInput)}
    return DecisionInput(**{**values, "categories": tuple(values["categories"])})


def _substantial(text: str, *, chars: int, words: int = 1) -> bool:
    stripped = " ".join(text.split())
    return len(stripped) >= chars and len(stripped.split(" ")) >= words


def _category_errors(data: DecisionInput, held: frozenset[str]) -> list[str]:
    if not data.categories:
        return ["Choose at least one category of information."]
    unknown = [code for code in data.categories if code not in CATEGORIES]
    if unknown:
        return [f"Unknown category: {', '.join(sorted(unknown))}."]
    not_held = sorted(set(data.categories) - held)
    if not_held:
        labels = ", ".join(Category(code).label.lower() for code in not_held)
        return [f"Your agency does not hold {labels} for this case, so it cannot share it."]
    return []


def _legal_basis_errors(data: DecisionInput) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if data.legal_basis not in LEGAL_BASES:
        return {"legal_basis": ["Choose the legal basis for this decision."]}
    if data.legal_basis == LegalBasis.OTHER and not data.legal_basis_other.strip():
        errors["legal_basis_other"] = ["State the legal basis."]
    if data.schedule1_condition not in SCHEDULE1_CONDITIONS:
        errors["schedule1_condition"] = ["Choose a Schedule 1 condition from the list."]
    special = SPECIAL_CATEGORIES & set(data.categories)
    if (
        data.action == DecisionAction.SHARE
        and data.legal_basis == LegalBasis.PUBLIC_TASK
        and special
        and not data.schedule1_condition
    ):
        errors["schedule1_condition"] = [
            "Health and criminal justice information is special category or criminal "
            "offence data: name the Data Protection Act 2018 Schedule 1 condition."
        ]
    if data.legal_basis == LegalBasis.CONSENT and data.consent_status != ConsentStatus.GIVEN:
        errors["legal_basis"] = ["Consent cannot be the legal basis when consent was not given."]
    return errors


def _consent_errors(data: DecisionInput) -> dict[str, list[str]]:
    if data.consent_status not in CONSENT_STATUSES:
        return {"consent_status": ["Say whether consent was given, refused or not sought."]}
    sharing_without_consent = (
        data.action == DecisionAction.SHARE and data.consent_status != ConsentStatus.GIVEN
    )
    if sharing_without_consent and not _substantial(data.consent_reason, chars=MIN_REASON_CHARS):
        return {
            "consent_reason": [
                "Explain why information is shared without consent (for example, seeking "
                "consent would prejudice the outcome, or a child is at risk of harm)."
            ]
        }
    return {}


def decision_errors(
    data: DecisionInput, *, held_categories: frozenset[str], now: datetime.datetime
) -> dict[str, list[str]]:
    """Every reason the decision cannot be recorded, keyed by field; empty when it can."""
    errors: dict[str, list[str]] = {}
    if data.action not in (DecisionAction.SHARE, DecisionAction.WITHHOLD):
        errors["action"] = ["Say whether the information is shared or withheld."]
    category_errors = _category_errors(data, held_categories)
    if category_errors:
        errors["categories"] = category_errors
    if not _substantial(data.purpose, chars=10, words=2):
        errors["purpose"] = ["Say why: the purpose of sharing and the outcome expected."]
    errors.update(_legal_basis_errors(data))
    errors.update(_consent_errors(data))
    if not _substantial(
        data.justification, chars=MIN_JUSTIFICATION_CHARS, words=MIN_JUSTIFICATION_WORDS
    ):
        errors["justification"] = [
            "Explain why this sharing, or withholding, is necessary and proportionate "
            f"(at least {MIN_JUSTIFICATION_WORDS} words)."
        ]
    if data.expires_at is not None and data.expires_at <= now:
        errors["expires_at"] = ["The expiry must be in the future."]
    return errors


def raise_if_invalid(
    data: DecisionInput, *, held_categories: frozenset[str], now: datetime.datetime
) -> None:
    errors = decision_errors(data, held_categories=held_categories, now=now)
    if errors:
        raise ValidationError(errors)
