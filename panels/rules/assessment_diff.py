"""What changed between two assessments of a case, factor by factor: pure Python over the
panel's agreed ratings, so the page, the API and the tests share one answer.

The framework may change between assessments (an administrator loads a new version), so
factors are matched by their code, and a factor only one assessment rates is "added" or
"removed" rather than changed.
"""

from dataclasses import dataclass
from enum import StrEnum


class Change(StrEnum):
    CHANGED = "changed"
    ADDED = "added"
    REMOVED = "removed"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FactorChange:
    factor: str
    before: str | None
    after: str | None
    change: Change


def assessment_diff(
    before: dict[str, str], after: dict[str, str], *, order: list[str] | None = None
) -> list[FactorChange]:
    """Each factor's rating before and after, keyed by factor code; in `order` (the
    current framework's factor order) where given, then any factor rated only before."""
    codes = list(order or after)
    codes += [code for code in after if code not in codes]
    codes += [code for code in before if code not in codes]
    changes = []
    for code in codes:
        old, new = before.get(code), after.get(code)
        if old is None and new is None:
            continue
        if old is None:
            change = Change.ADDED
        elif new is None:
            change = Change.REMOVED
        elif old == new:
            change = Change.UNCHANGED
        else:
            change = Change.CHANGED
        changes.append(FactorChange(factor=code, before=old, after=new, change=change))
    return changes
