"""Appending many generated events at once: synthetic regions and benchmarks, never the
services (they append through chain.append_event, under the chain's lock).

Each event is checked against the payload registry, linked after the current head and
hashed exactly as chain.py hashes it, so audit_verify accepts the result. Rows go in with
COPY on PostgreSQL and bulk_create elsewhere, in batches that keep memory modest.
"""

import datetime
import io
import json
import uuid
from typing import Any

from django.db import connection

from audit.models import AuditEvent
from audit.record.canonical import canonical_timestamp, event_body
from audit.record.chain import COPY_ESCAPES, COPY_SQL, chain_head, checked_payload

# Rows per write: large enough to amortise the round trip, small enough to keep the
# generator's own memory modest.
BATCH_ROWS = 50_000


def _json_text(value) -> str:
    return json.dumps(value, separators=(",", ":"), default=str).translate(COPY_ESCAPES)


# By exact type: the generators write millions of values, so one lookup beats a ladder of
# isinstance checks.
_COPY_TEXT = {
    str: lambda value: value.translate(COPY_ESCAPES),
    uuid.UUID: str,
    int: str,
    bool: lambda value: "t" if value else "f",
    datetime.datetime: datetime.datetime.isoformat,
    datetime.date: datetime.date.isoformat,
    dict: _json_text,
    list: _json_text,
    tuple: _json_text,
}


def copy_value(value: Any) -> str:
    """One value in COPY's text format: \\N for null, escapes where the format needs them."""
    if value is None:
        return "\\N"
    text = _COPY_TEXT.get(type(value))
    return text(value) if text is not None else copy_value(str(value))


class BulkChain:
    """Events appended in the order given, written every BATCH_ROWS and by `flush`. Run it
    inside one transaction, with nothing else appending meanwhile."""

    def __init__(self) -> None:
        self.seq, self.prev_hash = chain_head()
        self.added = 0
        self._rows: list = []

    def append(
        self,
        *,
        created_at: datetime.datetime,
        event_type: str,
        actor: uuid.UUID | None,
        agency: uuid.UUID | None,
        target_type: str = "",
        target_id: uuid.UUID | None = None,
        payload: dict[str, Any] | None = None,
    ) -> None:
        checked = checked_payload(event_type, payload or {})
        body = event_body(
            event_type=event_type,
            actor=actor,
            agency=agency,
            target_type=target_type,
            target_id=target_id,
            payload=checked,
        )
        self.seq += 1
        moment = canonical_timestamp(created_at)
        prev_hash = self.prev_hash
        self.prev_hash = body.placed_hash(seq=self.seq, created_at=moment, prev_hash=prev_hash)
        if connection.vendor == "postgresql":
            row = "\t".join(
                (
                    str(self.seq),
                    moment,
                    copy_value(event_type),
                    copy_value(actor),
                    copy_value(agency),
                    copy_value(target_type),
                    copy_value(target_id),
                    body.payload.translate(COPY_ESCAPES),
                    prev_hash,
                    self.prev_hash,
                )
            )
        else:
            row = AuditEvent(
                seq=self.seq,
                created_at=created_at,
                type=event_type,
                actor=actor,
                agency=agency,
                target_type=target_type,
                target_id=target_id,
                payload=checked,
                prev_hash=prev_hash,
                hash=self.prev_hash,
            )
        self._rows.append(row)
        self.added += 1
        if len(self._rows) >= BATCH_ROWS:
            self.flush()

    def flush(self) -> None:
        rows, self._rows = self._rows, []
        if not rows:
            return
        if connection.vendor != "postgresql":
            AuditEvent.objects.bulk_create(rows, batch_size=5_000)
            return
        buffer = io.StringIO("\n".join(rows) + "\n")
        with connection.cursor() as cursor:
            cursor.copy_expert(COPY_SQL, buffer)
