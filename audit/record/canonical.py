"""The canonical form of an audit event and of a sharing decision, and their hashes.

Written down in docs/audit-chain.md with test vectors that this module and the offline
verifier (audit/offline_verifier.py) both pass. JSON with keys sorted, separators "," and
":", UTF-8, no floats; timestamps as YYYY-MM-DDTHH:MM:SS.ffffffZ in UTC; UUIDs lowercase
with hyphens; every field present (null, never absent).
"""

import datetime
import hashlib
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from json.encoder import encode_basestring
from typing import Any

import orjson

GENESIS_HASH = "0" * 64

EVENT_FIELDS = (
    "seq",
    "created_at",
    "type",
    "actor",
    "agency",
    "target_type",
    "target_id",
    "payload",
    "prev_hash",
)


class NotCanonical(ValueError):
    """A value that has no canonical form (a float, a naive time, an unknown type)."""


def canonical_timestamp(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        raise NotCanonical("timestamps must be timezone-aware")
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_value(value: Any) -> Any:
    """Turn a Python value into the JSON-ready value the canonical form uses."""
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        raise NotCanonical("floats have no canonical form; use integers or strings")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime):
        return canonical_timestamp(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): canonical_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [canonical_value(item) for item in value]
    raise NotCanonical(f"no canonical form for {type(value).__name__}")


def canonical_bytes(record: Mapping[str, Any]) -> bytes:
    return json.dumps(
        canonical_value(record), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_hash(event: Mapping[str, Any]) -> str:
    """The hash of an event: SHA-256 of the canonical bytes of every field but `hash`."""
    return sha256_hex(canonical_bytes({field: event[field] for field in EVENT_FIELDS}))


# The fast path for linking a batch of events (EventBody): the canonical form is filled into
# a template whose keys are already in sorted order, with no dict or datetime per event. It
# must give exactly the bytes canonical_bytes gives; the test vectors and verification (which
# renders events its own way, audit.record.event_text) hold both to that.
EVENT_TEMPLATE = (
    '{"actor":%s,"agency":%s,"created_at":"%s","payload":%s,"prev_hash":"%s","seq":%d,'
    '"target_id":%s,"target_type":%s,"type":%s}'
)
# Marks the place in an event's canonical text: JSON escapes every control character in
# the parts around it, so it cannot occur in them.
_PLACE = "\x00"
# Case views repeat a handful of payloads (a few categories and one path), so canonical
# texts are cached by the database's text for them. Most other payloads are unique (each
# names its own record and hash), so a miss must cost little: a plain dict, emptied when it
# reaches the bound (which keeps memory flat), costs a lookup where an LRU cache's upkeep
# cost a third of the conversion itself.
PAYLOAD_CACHE_SIZE = 4096
_payload_texts: dict[str, str] = {}


def _refuse_float(text: str):
    raise NotCanonical(f"floats have no canonical form: {text}")


_parse_payload = json.JSONDecoder(parse_float=_refuse_float).decode
_encode_sorted = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


_SCALARS = (str, int, bool, type(None))


def _exactly_read(value: Any) -> bool:
    """Whether orjson read every number exactly: no float (which has no canonical form, and
    which orjson also makes of an integer wider than 64 bits). Scalars are checked inline,
    since most payloads are one flat object."""
    items = value.values() if type(value) is dict else value
    for item in items:
        kind = type(item)
        if kind in _SCALARS:
            continue
        if kind is float or not _exactly_read(item):
            return False
    return True


def canonical_payload_text(stored_json: str) -> str:
    """The canonical JSON text of a payload stored as JSON text."""
    text = _payload_texts.get(stored_json)
    if text is None:
        if len(_payload_texts) >= PAYLOAD_CACHE_SIZE:
            _payload_texts.clear()
        text = _payload_texts[stored_json] = _canonical_payload_text(stored_json)
    return text


def _canonical_payload_text(stored_json: str) -> str:
    """orjson parses and writes the canonical text about five times faster than the
    standard library. A number orjson would not read exactly (a float, which has no
    canonical form, or an integer wider than 64 bits) sends the payload down the standard
    library's path, which refuses floats."""
    try:
        value = orjson.loads(stored_json)
    except orjson.JSONDecodeError:
        value = None
    if type(value) in (dict, list) and _exactly_read(value):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    return _encode_sorted(_parse_payload(stored_json))


def string_or_null(text: str | None) -> str:
    return "null" if text is None else encode_basestring(text)


@dataclass(frozen=True)
class EventBody:
    """An event's canonical text but for its place in the chain (seq, created_at and
    prev_hash), rendered once, before the chain is locked, so that linking a batch of events
    under the lock costs one template fill and one SHA-256 each."""

    type: str
    actor: str
    agency: str
    target_type: str
    target_id: str
    payload: str  # the payload's canonical JSON text

    def around_place(self) -> list[str]:
        """The canonical text cut where the event's place goes: before its time, between
        its time and the previous hash, between that and its seq, and after. PostgreSQL
        fills in the place under the chain's lock (audit migration 0009) and hashes the
        whole, which must give what placed_hash gives."""
        filled = EVENT_TEMPLATE.replace("%d", "%s") % (
            self.actor,
            self.agency,
            _PLACE,
            self.payload,
            _PLACE,
            _PLACE,
            self.target_id,
            self.target_type,
            self.type,
        )
        return filled.split(_PLACE)

    def placed_hash(self, *, seq: int, created_at: str, prev_hash: str) -> str:
        """The event's hash once it is placed at `seq` after `prev_hash`."""
        canonical = EVENT_TEMPLATE % (
            self.actor,
            self.agency,
            created_at,
            self.payload,
            prev_hash,
            seq,
            self.target_id,
            self.target_type,
            self.type,
        )
        return sha256_hex(canonical.encode("utf-8"))


def event_body(
    *,
    event_type: str,
    actor: uuid.UUID | None,
    agency: uuid.UUID | None,
    target_type: str,
    target_id: uuid.UUID | None,
    payload: Mapping[str, Any],
) -> EventBody:
    """Render the parts of an event that do not depend on its place; `payload` is already in
    canonical values (audit.record.chain checks and converts it)."""
    return EventBody(
        type=encode_basestring(event_type),
        actor=string_or_null(canonical_value(actor)),
        agency=string_or_null(canonical_value(agency)),
        target_type=encode_basestring(target_type),
        target_id=string_or_null(canonical_value(target_id)),
        payload=_encode_sorted(payload),
    )
