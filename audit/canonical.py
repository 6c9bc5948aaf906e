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
from typing import Any

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
