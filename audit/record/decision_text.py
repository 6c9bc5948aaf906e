"""Sharing decisions read as their canonical text, on PostgreSQL.

A region's chain carries hundreds of thousands of decisions. Reading each through the ORM
builds a UUID or datetime object per column only to turn it back into text; here
PostgreSQL renders every column in its canonical JSON text itself (as the event walk does,
see audit.record.canonical.event_hash_from_text), and Python only fills in the categories
list and hashes. It must give exactly the bytes decision_hash_from_values gives: the
tamper tests and the test vectors hold both paths to that.
"""

import hashlib

from django.db import models

from audit.models import SharingDecision
from audit.record.canonical import NotCanonical, canonical_payload_text
from audit.record.records import DECISION_COLUMNS, DECISION_COLUMNS_BY_VERSION

# The one column left to Python: jsonb's own text is not canonical (it puts a space after
# each comma), and the few distinct lists are cached by canonical_payload_text.
LIST_COLUMN = "categories"
UTC_MICROSECONDS = 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'


def _canonical_sql(column: str) -> str:
    """SQL giving the column's canonical JSON text ("null" for a null)."""
    field = SharingDecision._meta.get_field(column)
    name = field.column
    if isinstance(field, models.ForeignKey | models.UUIDField):
        rendered = f"'\"' || {name}::text || '\"'"
    elif isinstance(field, models.DateTimeField):
        rendered = f"'\"' || to_char({name} AT TIME ZONE 'UTC', '{UTC_MICROSECONDS}') || '\"'"
    elif isinstance(field, models.IntegerField):
        rendered = f"{name}::text"
    elif isinstance(field, models.CharField | models.TextField):
        rendered = f"to_json({name})::text"
    else:
        raise TypeError(f"no canonical text for {column}")
    return f"COALESCE({rendered}, 'null')"


def _literal(text: str) -> str:
    return "'" + text + "'"  # keys and punctuation only: no quote to escape


def _around_list(columns: tuple[str, ...]) -> tuple[str, str]:
    """SQL for the record's canonical text before and after the list column's value: the
    keys in sorted order, as canonical_bytes writes them."""
    keys = sorted(columns)
    at = keys.index(LIST_COLUMN)
    head: list[str] = []
    for position, name in enumerate(keys[:at]):
        head += [_literal(("{" if position == 0 else ",") + f'"{name}":'), _canonical_sql(name)]
    head.append(_literal(("," if at else "{") + f'"{LIST_COLUMN}":'))
    tail: list[str] = []
    for name in keys[at + 1 :]:
        tail += [_literal(f',"{name}":'), _canonical_sql(name)]
    tail.append(_literal("}"))
    return " || ".join(head), " || ".join(tail)


# Both streams are sorted by the uuid columns themselves, which their indexes serve. (Bare
# `ORDER BY id` would name the selected text `id::text` and sort every row on disk.) A uuid
# sorts as its bytes, and its text is lower-case hex digits and hyphens in fixed places, so
# the order is the one Python's comparison of the text, in the merge, expects.


def _decisions_sql() -> str:
    # A row's version picks its columns; a row claiming a version there is none of keeps
    # every column read, as audit.record.records does, so its hash matches no event.
    head_one, tail_one = _around_list(DECISION_COLUMNS_BY_VERSION[1])
    head_all, tail_all = _around_list(DECISION_COLUMNS)
    # Built once at import from the model's own column names: no input reaches it.
    return (
        "SELECT id::text, "  # noqa: S608
        f"CASE WHEN canonical_version = 1 THEN {head_one} ELSE {head_all} END, "
        f"{LIST_COLUMN}::text, "
        f"CASE WHEN canonical_version = 1 THEN {tail_one} ELSE {tail_all} END "
        f"FROM {SharingDecision._meta.db_table} ORDER BY {SharingDecision._meta.db_table}.id"
    )


DECISIONS_SQL = _decisions_sql()
DECISION_EVENTS_SQL = (
    "SELECT target_id::text, seq, payload ->> %s FROM audit_auditevent "
    "WHERE type = %s AND target_type = %s "
    "ORDER BY audit_auditevent.target_id, audit_auditevent.seq"
)


def decision_hash_from_text(row: tuple[str, str, str, str]) -> str | None:
    """The hash of a decision read by DECISIONS_SQL; None if it has no canonical form."""
    _, head, listed, tail = row
    try:
        canonical = head + canonical_payload_text(listed) + tail
    except NotCanonical:
        return None
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
