"""A long synthetic chain, generated in bulk with COPY rather than through the services.

Every event is linked and hashed by audit.record.bulk as the chain links it, so the chain is
one audit_verify must accept. Payloads carry ids and codes only, in the shapes
the services write; none of these event types has a decision row to match.
"""

import datetime
import random
import uuid
from collections.abc import Iterator

from django.db import connection, transaction

from audit.event_types import EventType
from audit.record.bulk import BulkChain
from audit.vocabulary import Category
from prevent_cases.models import Membership
from referrals.models import Referral

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


def _events(first_seq: int, last_seq: int) -> Iterator[dict]:
    rng = random.Random(SEED + first_seq)
    people = list(Membership.objects.values_list("user_id", "agency_id"))
    # Run without the writers part the database holds no referrals: the chain is checked
    # for its links and hashes, not for what its targets point at, so ids of none will do.
    referrals = list(Referral.objects.values_list("pk", flat=True)) or [
        uuid.UUID(int=rng.getrandbits(128)) for _ in range(1_000)
    ]
    types, weights = zip(*EVENT_MIX, strict=True)
    moment = datetime.datetime(2026, 11, 23, tzinfo=datetime.UTC)
    for _ in range(first_seq, last_seq + 1):
        event_type = rng.choices(types, weights)[0]
        actor, agency = rng.choice(people)
        on_case = event_type in (EventType.CASE_VIEWED, EventType.REFERRAL_TRANSITIONED)
        moment += datetime.timedelta(microseconds=rng.randint(1, 2_000_000))
        yield {
            "created_at": moment,
            "event_type": str(event_type),
            "actor": actor,
            "agency": agency,
            "target_type": "referral" if on_case else "",
            "target_id": rng.choice(referrals) if on_case else None,
            "payload": _payload(event_type, rng),
        }


def extend_chain(to_events: int) -> int:
    """Append synthetic events after the current head until the chain holds `to_events`;
    return how many were added."""
    with transaction.atomic():
        chain = BulkChain()
        for event in _events(chain.seq + 1, to_events):
            chain.append(**event)
        chain.flush()
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE audit_auditevent")
    return chain.added
