"""Referral data laid out for pages: one section per category the viewer may see, with the
fields the case-data registry puts in it. No template names a category's fields itself."""

from dataclasses import dataclass

from django.db import models
from django.utils.formats import date_format

from audit.vocabulary import Category
from referrals.models import Referral, Subject
from referrals.rules.case_data import fields_of
from referrals.selectors import VisibleReferral

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Row:
    label: str
    value: str


@dataclass(frozen=True)
class Section:
    category: str
    title: str
    rows: list[Row]


def _display(row: models.Model, field: models.Field) -> str:
    value = getattr(row, field.name)
    if field.choices and value not in (None, ""):
        return str(getattr(row, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value in ("", []):
        return NOT_RECORDED
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if isinstance(field, models.DateTimeField):
        return date_format(value, "j F Y H:i")
    if isinstance(field, models.DateField):
        return date_format(value, "j F Y")
    return str(value)


def _rows(row: models.Model, category: str) -> list[Row]:
    meta = type(row)._meta
    return [
        Row(
            str(meta.get_field(name).verbose_name).capitalize(), _display(row, meta.get_field(name))
        )
        for name in fields_of(type(row), category)
    ]


def case_sections(shown: VisibleReferral) -> list[Section]:
    """The referral's own record, one section per category the viewer may see."""
    referral: Referral = shown.referral
    subject: Subject = referral.subject
    sections = []
    for category, title in Category.choices:
        if not shown.shows(category):
            continue
        rows = _rows(subject, category) + _rows(referral, category)
        if rows:
            sections.append(Section(category, str(title), rows))
    return sections


def person_name(shown: VisibleReferral) -> str:
    """Who the referral is about, as one line, where the viewer may see identity."""
    if not shown.shows(Category.IDENTITY):
        return ""
    subject = shown.referral.subject
    return f"{subject.given_names} {subject.family_name}".strip()
