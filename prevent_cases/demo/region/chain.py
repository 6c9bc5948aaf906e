"""The region's audit events: each part adds the events its services would have appended,
at the moment they happened; they are put in time order, linked and hashed in one pass
(audit.record.bulk), with the everyday activity (cases viewed, sign-ins) that fills the log
around them."""

import datetime
import random
import uuid
from operator import itemgetter

from audit.event_types import EventType
from audit.record.bulk import BulkChain
from audit.vocabulary import Category

# Whatever the target, at least this share of the log is everyday activity: a real log is
# mostly reads.
MIN_ACTIVITY_SHARE = 0.1
VIEW_PATHS = ("page", "page", "page", "api", "search")


class Timeline:
    """Events collected as (moment, type, actor, agency, target type, target id, payload)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def add(
        self,
        moment: datetime.datetime,
        event_type: str,
        actor: uuid.UUID | None,
        agency: uuid.UUID | None,
        *,
        target_type: str = "",
        target_id: uuid.UUID | None = None,
        payload: dict | None = None,
    ) -> None:
        self.events.append(
            (moment, event_type, actor, agency, target_type, target_id, payload or {})
        )

    def on_referral(self, moment, event_type, actor, agency, referral_id, payload) -> None:
        self.add(
            moment,
            event_type,
            actor,
            agency,
            target_type="referral",
            target_id=referral_id,
            payload=payload,
        )

    def __len__(self) -> int:
        return len(self.events)


def add_activity(
    timeline: Timeline,
    *,
    target: int,
    viewers: list[tuple[uuid.UUID, uuid.UUID, uuid.UUID]],
    people: list[tuple[uuid.UUID, uuid.UUID]],
    start: datetime.datetime,
    now: datetime.datetime,
    rng: random.Random,
) -> int:
    """Add case views and sign-ins until the log holds `target` events (and at least
    MIN_ACTIVITY_SHARE of it is activity); return how many were added. `viewers` are
    (referral, user, agency) who may see the referral, `people` (user, agency)."""
    activity = max(target - len(timeline), round(len(timeline) * MIN_ACTIVITY_SHARE))
    span = (now - start).total_seconds() - 3600
    categories = (Category.IDENTITY, Category.CONCERN, Category.SCREENING)
    for _ in range(activity):
        moment = start + datetime.timedelta(seconds=rng.uniform(0, span))
        if rng.random() < 0.85:
            referral, user, agency = rng.choice(viewers)
            timeline.on_referral(
                moment,
                EventType.CASE_VIEWED,
                user,
                agency,
                referral,
                {
                    "categories": sorted(rng.sample(categories, rng.randint(1, 3))),
                    "via": rng.choice(VIEW_PATHS),
                },
            )
        else:
            user, agency = rng.choice(people)
            kind = EventType.SIGN_IN if rng.random() < 0.55 else EventType.SIGN_OUT
            timeline.add(moment, kind, user, agency)
    return activity


def write_chain(timeline: Timeline) -> int:
    """Put every event in time order (events of one moment keep the order they were added
    in, as a unit of work appends them) and append them to the chain."""
    events = timeline.events
    events.sort(key=itemgetter(0))
    chain = BulkChain()
    append = chain.append
    for moment, event_type, actor, agency, target_type, target_id, payload in events:
        append(
            created_at=moment,
            event_type=event_type,
            actor=actor,
            agency=agency,
            target_type=target_type,
            target_id=target_id,
            payload=payload,
        )
    chain.flush()
    timeline.events = []
    return chain.added
