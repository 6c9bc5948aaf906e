"""A long synthetic chain, generated in bulk with COPY rather than through the services.

Every event is hashed with audit.record.canonical.event_hash and linked to the one before it, so
the chain is one audit_verify must accept. Payloads carry ids and codes only, in the shapes
the services write; none of these event types has a decision row to match.
"""

import datetime
import io
import json
import random
from collections.abc import Iterator

from django.db import connection, transaction

from audit.event_types import EventType
from audit.record.canonical import GENESIS_HASH, event_hash
from audit.vocabulary import Category
from prevent_cases.models import Membership
from referrals.models import Referral

# Rows per COPY buffer: large enough to amortise the round trip, small enough to keep the
# generator's own memory modest.
COPY_BATCH = 50_000
SEED = 2026
# Viewing dominates a case management system's audit log; the rest is sign-ins, exports
# and status changes.
EVENT_MIX = (
    (EventType.CASE_VIEWED, 80),
    (EventType.SIGN_IN, 8),
    (EventType.SIGN_OUT, 6),
    (EventType.REFERRAL_TRANSITIONED, 4),
    (EventType.EXPORT_PRODUCED, 2),
)
VIEW_PATHS = ("page", "api", "export", "search")
TRANSITIONS = (("new", "screening", "screen"), ("screening", "progressed", "progress"))
COPY_SQL = (
    "COPY audit_auditevent (seq, created_at, type, actor, agency, target_type, target_id, "
    "payload, prev_hash, hash) FROM STDIN"
)


def _payload(event_type: str, rng: random.Random) -> dict:
    if event_type == EventType.CASE_VIEWED:
        categories = rng.sample(Category.values, rng.randint(1, 4))
        return {"categories": sorted(categories), "via": rng.choice(VIEW_PATHS)}
    if event_type == EventType.REFERRAL_TRANSITIONED:
        before, after, event = rng.choice(TRANSITIONS)
        return {"from": before, "to": after, "event": event}
    if event_type == EventType.EXPORT_PRODUCED:
        return {
            "export": "caseload",
            "rows": rng.randint(1, 400),
            "filters": {"status": "progressed"},
            "format": "csv",
        }
    return {}


def _copy_field(value) -> str:
    # COPY's text format: \N for null. No generated value contains a tab, newline or
    # backslash, so nothing needs escaping.
    if value is None:
        return "\\N"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _events(first_seq: int, prev_hash: str, last_seq: int) -> Iterator[dict]:
    rng = random.Random(SEED + first_seq)
    people = list(Membership.objects.values_list("user_id", "agency_id"))
    referrals = list(Referral.objects.values_list("pk", flat=True))
    types, weights = zip(*EVENT_MIX, strict=True)
    moment = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)
    for seq in range(first_seq, last_seq + 1):
        event_type = rng.choices(types, weights)[0]
        actor, agency = rng.choice(people)
        on_case = event_type in (EventType.CASE_VIEWED, EventType.REFERRAL_TRANSITIONED)
        moment += datetime.timedelta(microseconds=rng.randint(1, 2_000_000))
        event = {
            "seq": seq,
            "created_at": moment,
            "type": str(event_type),
            "actor": actor,
            "agency": agency,
            "target_type": "referral" if on_case else "",
            "target_id": rng.choice(referrals) if on_case else None,
            "payload": _payload(event_type, rng),
            "prev_hash": prev_hash,
        }
        event["hash"] = prev_hash = event_hash(event)
        yield event


def _chain_head() -> tuple[int, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT seq, hash FROM audit_auditevent ORDER BY seq DESC LIMIT 1")
        row = cursor.fetchone()
    return row if row else (0, GENESIS_HASH)


def extend_chain(to_events: int) -> int:
    """Append synthetic events after the current head until the chain holds `to_events`;
    return how many were added."""
    head_seq, head_hash = _chain_head()
    buffer = io.StringIO()
    with transaction.atomic(), connection.cursor() as cursor:
        for count, event in enumerate(_events(head_seq + 1, head_hash, to_events), start=1):
            buffer.write("\t".join(_copy_field(value) for value in event.values()) + "\n")
            if count % COPY_BATCH == 0:
                buffer.seek(0)
                cursor.copy_expert(COPY_SQL, buffer)
                buffer = io.StringIO()
        buffer.seek(0)
        cursor.copy_expert(COPY_SQL, buffer)
        cursor.execute("ANALYZE audit_auditevent")
    return max(to_events - head_seq, 0)
