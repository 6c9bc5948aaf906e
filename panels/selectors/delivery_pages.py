"""Cursor pages of the delivering agency's interventions, for the API.

The open list is two lists one after the other, each in its own order: assignments awaiting
the agency's answer (oldest first), then those it delivers (next session due first). A
cursor names the list the last row came from and that row's key, so a page is "the rows
after this one": nothing counts the agency's interventions, and a page costs the same
however deep it is. The first rows of the cursor's list and of each list after it are
found by their own indexes and read in one query.
"""

import base64
import binascii
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from audit.keyset import Ordering
from panels.models import Intervention
from prevent_cases.exceptions import NotFound

INVALID_CURSOR = "Invalid cursor."


@dataclass(frozen=True)
class Part:
    """One of the lists a page runs through: its rows, their order, and the statuses that
    put an intervention in it (the lists are told apart by status)."""

    rows: QuerySet[Intervention]
    ordering: Ordering
    statuses: frozenset[str]


@dataclass(frozen=True)
class CursorPage:
    rows: list[Intervention]
    next_cursor: str | None


def _encode(part: int, key: list) -> str:
    text = json.dumps({"part": part, "key": [str(value) for value in key]})
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode(cursor: str, parts: Sequence[Part]) -> tuple[int, list]:
    """The list and key a cursor names; NotFound for one this list never issued."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        part, texts = data["part"], data["key"]
        if not isinstance(part, int) or not 0 <= part < len(parts):
            raise ValueError(cursor)
        fields = [Intervention._meta.get_field(name) for name in parts[part].ordering.fields]
        if len(texts) != len(fields):
            raise ValueError(cursor)
        return part, [field.to_python(text) for field, text in zip(fields, texts, strict=True)]
    except (binascii.Error, ValueError, TypeError, KeyError, ValidationError):
        raise NotFound(INVALID_CURSOR) from None


def consecutive_page(
    parts: Sequence[Part], *, scoped: QuerySet[Intervention], cursor: str | None, size: int
) -> CursorPage:
    """One page through `parts` after `cursor`, read from `scoped` (the caller's whole list,
    its permission checks and all) in one query."""
    start, key = _decode(cursor, parts) if cursor else (0, None)
    # Each list's first rows after the cursor, by its own index; as a subquery each, since
    # SQLite takes no LIMIT in the parts of a union.
    heads = []
    for index in range(start, len(parts)):
        part = parts[index]
        rows = part.rows
        if index == start and key is not None:
            rows = rows.filter(part.ordering.beyond(key))
        ids = rows.order_by(*part.ordering.order_by()).values("pk")[: size + 1]
        heads.append(Intervention.objects.filter(pk__in=ids).order_by().values("pk"))
    found = list(scoped.order_by().filter(pk__in=heads[0].union(*heads[1:], all=True)))
    page: list[tuple[int, Intervention]] = []
    for index in range(start, len(parts)):
        ordering = parts[index].ordering
        rows = [row for row in found if row.status in parts[index].statuses]
        rows.sort(key=ordering.key, reverse=ordering.descending)
        page += [(index, row) for row in rows]
    next_cursor = None
    if len(page) > size:
        index, last = page[size - 1]
        next_cursor = _encode(index, parts[index].ordering.key(last))
    return CursorPage(rows=[row for _, row in page[:size]], next_cursor=next_cursor)
