"""Verification bundles: a range of the chain, its decisions and reviews and every known
checkpoint, as one JSON document that audit/offline_verifier.py checks away from the system.

The format is written down in docs/audit-chain.md. Events and decisions are streamed as
tuples and the text is produced piece by piece, so memory stays flat for any range. The text
is ASCII (other characters as \\u escapes) so it survives any terminal or pipe encoding; the
verifier parses the JSON and re-derives the canonical bytes, so escapes never reach a hash.
"""

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from audit.event_types import EventType
from audit.models import AuditEvent, DecisionReview, SharingDecision
from audit.record.canonical import EVENT_FIELDS, canonical_value
from audit.record.checkpoints import known_public_keys, stored_checkpoints
from audit.record.records import DECISION_COLUMNS, REVIEW_COLUMNS, decision_record, review_record
from audit.record.verification import CHUNK_SIZE

# Version 2 added the reviews; the offline verifier still reads bundles of version 1.
BUNDLE_FORMAT = "prevent-audit-bundle/2"


class RangeRefused(ValueError):
    """A range of events that the chain does not hold."""


@dataclass(frozen=True)
class Bundle:
    first: int
    last: int
    chain_size: int
    pieces: Iterator[str]


def _chain_size() -> int:
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    return head or 0


def _checked_range(first: int | None, last: int | None, size: int) -> tuple[int, int]:
    if size == 0:
        raise RangeRefused("The audit chain is empty: there is nothing to export.")
    first = 1 if first is None else first
    last = size if last is None else last
    if first < 1:
        raise RangeRefused(f"--from must be 1 or more, not {first}.")
    if first > last:
        raise RangeRefused(f"--from ({first}) must not be after --to ({last}).")
    if last > size:
        raise RangeRefused(f"--to ({last}) is past the end of the chain, which has {size} events.")
    return first, last


def _event_records(first: int, last: int) -> Iterator[dict[str, Any]]:
    rows = (
        AuditEvent.objects.filter(seq__range=(first, last))
        .order_by("seq")
        .values_list(*EVENT_FIELDS, "hash")
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        yield {**canonical_value(dict(zip(EVENT_FIELDS, row, strict=False))), "hash": row[-1]}


def _decision_records(first: int, last: int) -> Iterator[dict[str, Any]]:
    recorded_in_range = AuditEvent.objects.filter(
        seq__range=(first, last), type=EventType.SHARING_DECISION_RECORDED
    ).values("target_id")
    rows = (
        SharingDecision.objects.filter(id__in=recorded_in_range)
        .order_by("decided_at", "id")
        .values_list(*DECISION_COLUMNS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        yield canonical_value(decision_record(row))


def _review_records(first: int, last: int) -> Iterator[dict[str, Any]]:
    # Reviews recorded before reviews were hashed have no record to check: their events
    # name the decision, not the review.
    reviewed_in_range = AuditEvent.objects.filter(
        seq__range=(first, last), type=EventType.DECISION_REVIEWED, target_type="decision_review"
    ).values("target_id")
    rows = (
        DecisionReview.objects.filter(id__in=reviewed_in_range)
        .order_by("created_at", "id")
        .values_list(*REVIEW_COLUMNS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    for row in rows:
        yield canonical_value(review_record(row))


def _member(name: str, value: Any) -> str:
    return f"{json.dumps(name)}: {json.dumps(value, sort_keys=True)}"


def _array(name: str, items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """One item a line, so a reader can scan a bundle and diff two of them."""
    yield f",\n{json.dumps(name)}: ["
    separator = "\n"
    for item in items:
        yield separator + json.dumps(item, sort_keys=True, separators=(",", ":"))
        separator = ",\n"
    yield "\n]"


def _pieces(
    head: dict[str, Any], checkpoints: list[dict[str, Any]], first: int, last: int
) -> Iterator[str]:
    yield "{" + ",\n".join(_member(name, value) for name, value in head.items())
    yield from _array("checkpoints", checkpoints)
    yield from _array("events", _event_records(first, last))
    yield from _array("decisions", _decision_records(first, last))
    yield from _array("reviews", _review_records(first, last))
    yield "}\n"


def bundle_export(*, first: int | None = None, last: int | None = None) -> Bundle:
    """Check the range now and return the bundle's text, produced as it is read.

    Without a range, the whole chain. Raises RangeRefused before anything is produced.
    """
    # Checkpoints are read before the chain size: the chain only grows, so every checkpoint
    # in the bundle then fits within chain_size, and a verifier that finds one larger has
    # found a cut tail rather than an append made during the export.
    checkpoints = [
        asdict(statement)
        for statement in sorted(stored_checkpoints(), key=lambda s: (s.size, s.created_at))
    ]
    size = _chain_size()
    first, last = _checked_range(first, last, size)
    head = {
        "format": BUNDLE_FORMAT,
        "range": {"from": first, "to": last},
        "chain_size": size,
        "public_keys": {key_id: raw.hex() for key_id, raw in known_public_keys().items()},
    }
    return Bundle(
        first=first, last=last, chain_size=size, pieces=_pieces(head, checkpoints, first, last)
    )
