"""Disjoint querysets read as one ordered list, for the pages of a long list.

An agency's list of cases is "those it owns OR those a live grant gives it". No index
serves that OR: PostgreSQL scans every case to find a page of them, and at a region's size
how slow that is depends on the planner's estimate. Split in two, each part is served by
its own index (the owner's cases by owner and sort key, the granted ones from the grants),
so the first rows of a page are the first rows of each part, merged: a page reads at most
a page from each part, however many cases there are.

`MergedRows` takes what keyset pagination does to a queryset (filter, order_by, a slice
from the start) and applies it to every part; nothing else is offered, so a caller that
needs more gets an AttributeError rather than a silently different answer.
"""

import heapq
from collections.abc import Sequence
from operator import attrgetter

from django.db.models import Q, QuerySet


class MergedRows:
    def __init__(self, parts: Sequence[QuerySet], ordering: Sequence[str] = ()) -> None:
        self.parts = tuple(parts)
        self.ordering = tuple(ordering)

    def filter(self, *args: Q, **kwargs) -> "MergedRows":
        return MergedRows([part.filter(*args, **kwargs) for part in self.parts], self.ordering)

    def order_by(self, *fields: str) -> "MergedRows":
        descending = {field.startswith("-") for field in fields}
        if len(descending) != 1:
            raise ValueError("merged rows sort every field in one direction")
        return MergedRows([part.order_by(*fields) for part in self.parts], fields)

    def __getitem__(self, window: slice) -> list:
        if not isinstance(window, slice) or window.step or (window.start or 0) < 0:
            raise TypeError("merged rows are read by a forward slice")
        if window.stop is None or not self.ordering:
            raise TypeError("merged rows are read in pages: order them and give an end")
        reverse = self.ordering[0].startswith("-")
        key = attrgetter(*(field.lstrip("-") for field in self.ordering))
        # Each part is already sorted by the database: merge, never re-sort.
        heads = [list(part[: window.stop]) for part in self.parts]
        merged = heapq.merge(*heads, key=key, reverse=reverse)
        return list(merged)[window]
