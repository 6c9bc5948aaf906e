"""Labels for the record's codes, so pages show words rather than stored codes."""

from django import template

from audit import vocabulary
from audit.vocabulary import Category

register = template.Library()


@register.filter
def category_labels(codes: list[str]) -> str:
    """'identity, concern' as 'Identity and contact, Concern narrative'."""
    return ", ".join(Category(code).label for code in codes if code in Category.values)


@register.filter
def role_label(code: str) -> str:
    """'channel_coordinator' as 'Channel coordinator'."""
    return vocabulary.role_label(code)


@register.filter
def review_label(finding: str | None) -> str:
    """'concern' as 'Concern raised'; nothing as 'Not reviewed'."""
    return vocabulary.review_label(finding)
