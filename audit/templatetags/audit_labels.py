"""Labels for the record's codes, so pages show words rather than stored codes."""

from django import template

from audit.event_types import EventType
from audit.vocabulary import Category

register = template.Library()


@register.filter
def category_labels(codes: list[str]) -> str:
    """'identity, concern' as 'Identity and contact, Concern narrative'."""
    return ", ".join(Category(code).label for code in codes if code in Category.values)


@register.filter
def event_label(code: str) -> str:
    return EventType(code).label if code in EventType.values else code
