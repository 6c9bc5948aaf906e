"""Verification bundles: a range of the chain, its decisions and reviews and every known
checkpoint, as one JSON document that audit/offline_verifier.py checks away from the system.

A bundle is either full (what the operator exports with `manage.py audit_export`) or limited
to an area (what an auditor downloads): every event either way, since the chain needs every
one, but the decision and review records of other areas withheld, listed by id only.

The format is written down in docs/audit-chain.md. Events and decisions are streamed as
tuples and the text is produced piece by piece, so memory stays flat for any range. The text
is ASCII (other characters as \\u escapes) so it survives any terminal or pipe encoding; the
verifier parses the JSON and re-derives the canonical bytes, so escapes never reach a hash.
"""

import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet

from audit.event_types import EventType
from audit.models import AuditEvent, DecisionReview, SharingDecision
from audit.record.canonical import EVENT_FIELDS, canonical_value
from audit.record.checkpoints import known_public_keys, stored_checkpoints
from audit.record.records import DECISION_COLUMNS, REVIEW_COLUMNS, decision_record, review_record
from audit.record.verification import CHUNK_SIZE

# Version 2 added the reviews, version 3 the area and the withheld records; the offline
# verifier still reads bundles of versions 1 and 2.
BUNDLE_FORMAT = "prevent-audit-bundle/3"


class RangeRefused(ValueError):
    """A range of events that the chain does not hold."""


@dataclass(frozen=True)
class AreaLimit:
    """The area a bundle is limited to, and its decisions: a query of the ids of the
    decisions whose records (and reviews) the bundle may carry. Every other decision and
    review recorded in the range is withheld."""

    area_id: uuid.UUID
    area_name: str
    decisions: QuerySet


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


def _decisions_in_range(first: int, last: int) -> QuerySet[SharingDecision]:
    recorded_in_range = AuditEvent.objects.filter(
        seq__range=(first, last), type=EventType.SHARING_DECISION_RECORDED
    ).values("target_id")
    return SharingDecision.objects.filter(id__in=recorded_in_range).order_by("decided_at", "id")


def _reviews_in_range(first: int, last: int) -> QuerySet[DecisionReview]:
    # Reviews recorded before reviews were hashed have no record to check: their events
    # name the decision, not the review.
    reviewed_in_range = AuditEvent.objects.filter(
        seq__range=(first, last), type=EventType.DECISION_REVIEWED, target_type="decision_review"
    ).values("target_id")
    return DecisionReview.objects.filter(id__in=reviewed_in_range).order_by("created_at", "id")


def _decision_records(decisions: QuerySet[SharingDecision]) -> Iterator[dict[str, Any]]:
    for row in decisions.values_list(*DECISION_COLUMNS).iterator(chunk_size=CHUNK_SIZE):
        yield canonical_value(decision_record(row))


def _review_records(reviews: QuerySet[DecisionReview]) -> Iterator[dict[str, Any]]:
    for row in reviews.values_list(*REVIEW_COLUMNS).iterator(chunk_size=CHUNK_SIZE):
        yield canonical_value(review_record(row))


def _ids(rows: QuerySet) -> Iterator[str]:
    for row_id in rows.values_list("id", flat=True).iterator(chunk_size=CHUNK_SIZE):
        yield str(row_id)


def _member(name: str, value: Any) -> str:
    return f"{json.dumps(name)}: {json.dumps(value, sort_keys=True)}"


def _array(name: str, items: Iterable[Any], *, lead: str = ",\n") -> Iterator[str]:
    """One item a line, so a reader can scan a bundle and diff two of them."""
    yield f"{lead}{json.dumps(name)}: ["
    separator = "\n"
    for item in items:
        yield separator + json.dumps(item, sort_keys=True, separators=(",", ":"))
        separator = ",\n"
    yield "\n]"


def _pieces(
    head: dict[str, Any],
    checkpoints: list[dict[str, Any]],
    first: int,
    last: int,
    limit: AreaLimit | None,
) -> Iterator[str]:
    decisions, reviews = _decisions_in_range(first, last), _reviews_in_range(first, last)
    if limit is None:
        shown, withheld = (decisions, reviews), (decisions.none(), reviews.none())
    else:
        # A review's note is about its decision: it is shown where the decision is.
        shown = (
            decisions.filter(id__in=limit.decisions),
            reviews.filter(decision_id__in=limit.decisions),
        )
        withheld = (
            decisions.exclude(id__in=limit.decisions),
            reviews.exclude(decision_id__in=limit.decisions),
        )
    yield "{" + ",\n".join(_member(name, value) for name, value in head.items())
    yield from _array("checkpoints", checkpoints)
    yield from _array("events", _event_records(first, last))
    yield from _array("decisions", _decision_records(shown[0]))
    yield from _array("reviews", _review_records(shown[1]))
    yield ',\n"withheld": {'
    yield from _array("decisions", _ids(withheld[0]), lead="\n")
    yield from _array("reviews", _ids(withheld[1]))
    yield "}}\n"


def bundle_export(
    *, first: int | None = None, last: int | None = None, limit: AreaLimit | None = None
) -> Bundle:
    """Check the range now and return the bundle's text, produced as it is read.

    Without a range, the whole chain. Without a limit, every record: the full bundle; with
    one, the records of other areas' decisions and their reviews are withheld. Raises
    RangeRefused before anything is produced.
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
        "area": None if limit is None else {"id": str(limit.area_id), "name": limit.area_name},
        "public_keys": {key_id: raw.hex() for key_id, raw in known_public_keys().items()},
    }
    return Bundle(
        first=first,
        last=last,
        chain_size=size,
        pieces=_pieces(head, checkpoints, first, last, limit),
    )
