"""Appending to the hash chain: one writer at a time, no gaps, no forks."""

import uuid
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from audit.canonical import GENESIS_HASH, NotCanonical, canonical_value, event_hash
from audit.event_types import PAYLOAD_KEYS
from audit.models import AuditEvent

# pg_advisory_xact_lock key that serialises appends; any constant unique to this purpose.
CHAIN_LOCK_KEY = 7_305_024_818


class PayloadRejected(ValueError):
    """An event payload with a key its type does not declare, or a value with no canonical
    form. Payloads carry identifiers and codes only."""


def _checked_payload(event_type: str, payload: dict[str, Any]) -> dict[str, Any]:
    unknown = set(payload) - PAYLOAD_KEYS[event_type]
    if unknown:
        raise PayloadRejected(f"{event_type} payload may not carry {sorted(unknown)}")
    try:
        return canonical_value(payload)
    except NotCanonical as error:
        raise PayloadRejected(str(error)) from error


def _lock_chain_head() -> None:
    # SQLite needs nothing here: its IMMEDIATE transactions already serialise writers.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def append_event(
    *,
    event_type: str,
    actor: uuid.UUID | None,
    agency: uuid.UUID | None,
    target_type: str = "",
    target_id: uuid.UUID | None = None,
    payload: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    Call it as the last write of a service: the chain lock is held until the outer
    transaction commits, so the shorter the rest of the transaction after it, the better.
    """
    checked = _checked_payload(event_type, payload or {})
    # No savepoint: a failed append fails the caller's whole transaction anyway.
    with transaction.atomic(savepoint=False):
        _lock_chain_head()
        head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
        fields = {
            "seq": seq,
            "created_at": timezone.now(),
            "type": event_type,
            "actor": actor,
            "agency": agency,
            "target_type": target_type,
            "target_id": target_id,
            "payload": checked,
            "prev_hash": prev_hash,
        }
        return AuditEvent.objects.create(**fields, hash=event_hash(fields))
