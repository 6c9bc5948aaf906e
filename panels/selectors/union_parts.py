"""Work queues read as one UNION of their lists' first rows, each list a part with the same
few columns: one query for a page of several lists, and no model rows built."""

from collections import defaultdict

from django.db.models import CharField, Field, QuerySet, Value
from django.db.models.functions import Cast

# Annotation names must not clash with the models' own field names.
PREFIX = "u_"


def union_part(rows: QuerySet, section: str, *, columns: dict[str, Field], **values) -> QuerySet:
    """One list's rows as the shared `columns`, typed: a column it lacks is a typed null."""
    annotations = {
        # Cast, so PostgreSQL matches the parts' column types whichever part has a value.
        f"{PREFIX}{name}": values.get(name, Cast(Value(None), output_field=field))
        for name, field in columns.items()
    }
    annotations[f"{PREFIX}section"] = Value(section, output_field=CharField())
    return rows.order_by().annotate(**annotations).values(*annotations)


def rows_by_section(parts: list[QuerySet], row_type) -> dict[str, list]:
    """The union of `parts` read in one query, each row a `row_type` made from its columns,
    by the section its part named (in no particular order)."""
    rows: dict[str, list] = defaultdict(list)
    for values in parts[0].union(*parts[1:], all=True):
        row = row_type(**{name.removeprefix(PREFIX): value for name, value in values.items()})
        rows[row.section].append(row)
    return rows
