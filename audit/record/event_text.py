"""Audit events read as text, on PostgreSQL, and hashed from it.

Verification hashes every event of the chain, well over a million in a region. Reading each
through the ORM builds a UUID or datetime object per column only to turn it back into text;
here PostgreSQL renders UUIDs and UTC timestamps in their canonical text itself, and Python
fills them into the event's canonical form, whose keys are already in sorted order, with the
payload's canonical text (jsonb's own text is not canonical: it puts a space after each
separator and orders keys by length). Concatenating in SQL instead costs PostgreSQL more
than it saves Python, and the two share the machine. It must give exactly the bytes
canonical_bytes gives: the test vectors, the tamper tests and a test of awkward text hold
both paths to that.
"""

import functools
import hashlib

from audit.record.canonical import canonical_payload_text, string_or_null

# The walk reads each event's place, link and stored hash first (audit.record.verification).
EVENTS_SQL = """
SELECT seq, prev_hash, hash,
       to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       actor::text, agency::text, payload::text, target_id::text, target_type, type
FROM audit_auditevent ORDER BY seq
"""
# Types and target types are a few codes repeated a million times; the bound keeps memory
# flat whatever the table holds.
CODE_CACHE_SIZE = 1024

_code_text = functools.lru_cache(maxsize=CODE_CACHE_SIZE)(string_or_null)


def _uuid_text(text: str | None) -> str:
    # uuid::text is hex digits and hyphens, which JSON writes as they are.
    return "null" if text is None else '"' + text + '"'


def event_hash_from_text(row: tuple) -> str:
    """The hash of an event read by EVENTS_SQL. Called once the walk has found `prev_hash`
    equal to the hash before it, so it is 64 hex digits, written as they are."""
    seq, prev_hash, _, created_at, actor, agency, payload, target_id, target_type, kind = row
    canonical = (
        f'{{"actor":{_uuid_text(actor)},"agency":{_uuid_text(agency)},'
        f'"created_at":"{created_at}","payload":{canonical_payload_text(payload)},'
        f'"prev_hash":"{prev_hash}","seq":{seq},"target_id":{_uuid_text(target_id)},'
        f'"target_type":{_code_text(target_type)},"type":{_code_text(kind)}}}'
    )
    return hashlib.sha256(canonical.encode()).hexdigest()
