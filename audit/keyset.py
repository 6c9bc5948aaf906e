"""Keyset pages for the auditors' long lists, with Previous and Next and no count.

A region's record holds hundreds of thousands of decisions and millions of events: counting
them for a pager would read every row on every page. A page here is "the rows after (or
before) this one in the list's order", found through the index that backs that order, and
one row more than the page is read to know whether another page follows.
"""

import base64
import binascii
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Ordering:
    """Columns a list is ordered by, all in one direction, the last one unique."""

    fields: tuple[str, ...]
    descending: bool

    def order_by(self, *, reverse: bool = False) -> list[str]:
        descending = self.descending != reverse
        return [f"-{name}" if descending else name for name in self.fields]

    def beyond(self, values: list, *, reverse: bool = False) -> Q:
        """Rows strictly after `values` in this order (before them when `reverse`)."""
        lookup = "lt" if self.descending != reverse else "gt"
        condition = Q()
        for index, name in enumerate(self.fields):
            ties = dict(zip(self.fields[:index], values, strict=False))
            condition |= Q(**ties, **{f"{name}__{lookup}": values[index]})
        # The bound on the first column alone is implied by the rest; it is spelled out so
        # the database starts its index scan at the cursor instead of filtering up to it.
        return Q(**{f"{self.fields[0]}__{lookup}e": values[0]}) & condition

    def key(self, row) -> list:
        return [getattr(row, name) for name in self.fields]


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    previous_cursor: str | None
    next_cursor: str | None

    @property
    def has_other_pages(self) -> bool:
        return bool(self.previous_cursor or self.next_cursor)


def encode_cursor(values: list, *, before: bool = False) -> str:
    text = json.dumps({"before": before, "key": [str(value) for value in values]})
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode(rows: QuerySet, ordering: Ordering, cursor: str) -> tuple[bool, list] | None:
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        texts = data["key"]
        if len(texts) != len(ordering.fields):
            return None
        fields = [rows.model._meta.get_field(name) for name in ordering.fields]
        values = [field.to_python(text) for field, text in zip(fields, texts, strict=True)]
        return bool(data["before"]), values
    except (binascii.Error, ValueError, TypeError, KeyError, ValidationError):
        return None


def keyset_page(rows: QuerySet, *, ordering: Ordering, cursor: str | None, size: int) -> KeysetPage:
    """One page of `rows` in `ordering`, after or before `cursor` (from an earlier page's
    links). A cursor that cannot be read starts from the first page rather than failing."""
    position = _decode(rows, ordering, cursor) if cursor else None
    before = position is not None and position[0]
    if position is not None:
        rows = rows.filter(ordering.beyond(position[1], reverse=before))
    batch = list(rows.order_by(*ordering.order_by(reverse=before))[: size + 1])
    more = len(batch) > size
    batch = batch[:size]
    if before:
        batch.reverse()
    # Going forward, a page exists before this one exactly when a cursor brought us here;
    # going back, one exists after it by the same token.
    has_next = more if not before else True
    has_previous = (position is not None) if not before else more
    return KeysetPage(
        rows=batch,
        previous_cursor=encode_cursor(ordering.key(batch[0]), before=True)
        if batch and has_previous
        else None,
        next_cursor=encode_cursor(ordering.key(batch[-1])) if batch and has_next else None,
    )
