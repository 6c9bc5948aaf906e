"""Labels for the record's codes, so pages show words rather than stored codes."""

from django import template

from audit.vocabulary import Category

register = template.Library()


@register.filter
def category_labels(codes: list[str]) -> str:
    """'identity, concern' as 'Identity and contact, Concern narrative'."""
    return ", ".join(Category(code).label for code in codes if code in Category.values)
