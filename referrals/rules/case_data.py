"""The registry of case data: which information category every field of case data belongs
to, and whose information (which agency is its source) each row is.

Pages, API serializers, the read audit and the case-query lint take their field lists from
here; nothing else names which fields make up a category. It is checked when the app
loads: every concrete field of a registered model is either in exactly one category, part
of the case's framing (what any agency that may see the case at all is shown: reference,
status, dates), or internal (keys, bookkeeping, matching aids that are never shown).
"""

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from audit.vocabulary import Category
from prevent_cases.policy import WHOLE_CASE
from referrals.models import (
    AgeBand,
    AgeBandVersion,
    ConcernType,
    ConcernTypeVersion,
    Correction,
    ImportJob,
    Referral,
    ReferralGrant,
    ReferralResponsibility,
    ReferralSource,
    ReferralTransition,
    Subject,
)


@dataclass(frozen=True)
class CaseModel:
    """How one model's fields divide into categories, and whose information a row is."""

    model: type[models.Model]
    categories: dict[str, tuple[str, ...]]
    framing: tuple[str, ...] = ()
    internal: tuple[str, ...] = ()
    # The field naming the agency whose information a row is; None: the referral's owning
    # agency (what the police logged and screened). Every row of these models is about the
    # whole case; a model of one part of a case (an intervention) names its scope field.
    source_field: str | None = None
    scope_field: str | None = None
    # Rows whose category is data (a partner's contribution names the category it is
    # in): these fields take the category the row's `category_field` holds.
    category_field: str | None = None
    categorised_by_row: tuple[str, ...] = ()

    def fields(self, category: str) -> tuple[str, ...]:
        return self.categories.get(category, ())


REGISTRY: list[CaseModel] = [
    CaseModel(
        Subject,
        categories={
            Category.IDENTITY: (
                "given_names",
                "family_name",
                "aliases",
                "date_of_birth",
                "estimated_age",
                "sex",
                "gender_identity",
                "address",
                "postcode",
                "phone",
                "email",
                "nationality",
                "first_language",
                "interpreter_needed",
                "is_child",
            ),
            Category.FAMILY: ("parent_guardian_name", "parent_guardian_contact"),
            Category.EDUCATION: ("school",),
            Category.CRIMINAL_JUSTICE: ("pnc_number",),
        },
        internal=("id", "created_at", "updated_at", "person", "match_key"),
    ),
    CaseModel(
        Referral,
        categories={
            Category.CONCERN: (
                "referrer_name",
                "referrer_role",
                "referrer_organisation",
                "referrer_sector",
                "concern_summary",
                "concern_type",
                "existing_involvement",
                "person_aware",
            ),
            Category.HEALTH: ("send_needs", "mental_health", "neurodiversity"),
            Category.SCREENING: (
                "deconfliction",
                "screening_notes",
                "outcome",
                "signposted_to",
                "outcome_rationale",
                "screened_at",
            ),
        },
        framing=(
            "reference",
            "status",
            "area",
            "owning_agency",
            "responsible_agency",
            "received_on",
            "screening_due_on",
            "status_changed_at",
        ),
        internal=(
            "id",
            "created_at",
            "updated_at",
            "subject",
            "created_by",
            "screened_by",
            "awaiting_panel",
        ),
        source_field="owning_agency_id",
    ),
    CaseModel(
        ReferralTransition,
        # The reasons for a screening step are the screening's own record.
        categories={Category.SCREENING: ("reason",)},
        framing=("from_status", "to_status", "event", "created_at"),
        internal=("id", "referral", "actor"),
    ),
    CaseModel(
        Correction,
        # A correction is in the category of the field it corrects: the field's name, both
        # values and the reason are shown only to those who may see that category. Its
        # source is the owning force, the only agency that corrects its record.
        categories={},
        category_field="category",
        categorised_by_row=("field", "previous_value", "new_value", "reason", "created_at"),
        internal=("id", "referral", "record", "category", "corrected_by"),
    ),
    CaseModel(
        ReferralResponsibility,
        categories={},
        framing=("agency", "previous_agency", "reason", "created_at"),
        internal=("id", "referral", "changed_by", "note"),
    ),
    CaseModel(
        ReferralSource,
        categories={},
        framing=("agency", "created_at"),
        internal=("id", "referral"),
    ),
]

# Models of the case apps that hold no case data of their own, and why.
NOT_CASE_DATA: dict[type[models.Model], str] = {
    ConcernType: "a published reference list",
    ConcernTypeVersion: "a published reference list",
    AgeBand: "a published reference list",
    AgeBandVersion: "a published reference list",
    ReferralGrant: "access bookkeeping: read only by the selectors, never shown",
    ImportJob: "an upload held for the importing agency alone until the job ends; rows "
    "become referrals through the intake service",
}

CASE_APPS = ("referrals", "panels")


def register(case_models: tuple[CaseModel, ...], not_case_data: dict) -> None:
    """Add a later app's models (the panel's) to the registry; called from its ready()
    and checked with the rest."""
    REGISTRY.extend(case_models)
    NOT_CASE_DATA.update(not_case_data)
    check_registry()


def entry(model: type[models.Model]) -> CaseModel:
    for case_model in REGISTRY:
        if case_model.model is model:
            return case_model
    raise LookupError(f"{model.__name__} is not in the case-data registry")


def fields_of(model: type[models.Model], category: str) -> tuple[str, ...]:
    """The fields of `model` that belong to `category`."""
    return entry(model).fields(category)


def categories_of(model: type[models.Model]) -> tuple[str, ...]:
    """The categories `model` has fields in, in the vocabulary's order."""
    held = entry(model).categories
    return tuple(category for category in Category.values if category in held)


def holding_of(
    model: type[models.Model], row: models.Model, category: str, *, case_source
) -> tuple[str, object, str]:
    """(category, source agency, scope) of one row's fields in `category`; `case_source` is
    the referral's owning agency, the source of rows that name none of their own."""
    case_model = entry(model)
    source = getattr(row, case_model.source_field) if case_model.source_field else case_source
    scope = getattr(row, case_model.scope_field) if case_model.scope_field else WHOLE_CASE
    return (category, source, scope)


def sensitive_model_names() -> tuple[str, ...]:
    """Names of every model holding case data, for the case-query lint."""
    return tuple(sorted(case_model.model.__name__ for case_model in REGISTRY))


def check_registry() -> None:
    """Every field of a registered model is placed exactly once, under a real category."""
    for case_model in REGISTRY:
        model = case_model.model
        placed = [name for names in case_model.categories.values() for name in names]
        placed += [*case_model.framing, *case_model.internal, *case_model.categorised_by_row]
        concrete = {f.name for f in model._meta.concrete_fields}
        unknown_categories = set(case_model.categories) - set(Category.values)
        if unknown_categories:
            raise ImproperlyConfigured(f"{model.__name__}: no categories {unknown_categories}")
        duplicated = {name for name in placed if placed.count(name) > 1}
        if duplicated:
            raise ImproperlyConfigured(f"{model.__name__}: {sorted(duplicated)} placed twice")
        if set(placed) != concrete:
            missing, extra = concrete - set(placed), set(placed) - concrete
            raise ImproperlyConfigured(
                f"{model.__name__}: fields without a category {sorted(missing)}, "
                f"unknown fields {sorted(extra)}; see referrals/rules/case_data.py"
            )
