"""The one registry of pages that need no agency membership. Keep it short and greppable."""

from collections.abc import Callable
from typing import TypeVar

ViewFunc = TypeVar("ViewFunc", bound=Callable)


def membership_not_required(view: ViewFunc) -> ViewFunc:
    """Mark a view as reachable by a signed-in user who has no active agency membership."""
    view.membership_not_required = True  # type: ignore[attr-defined]
    return view
