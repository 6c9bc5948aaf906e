"""Read auditing: the record of who was shown which case, which categories of whose
information, and through which path. Written by the case apps' one read path, never by
views. See docs/adr/0009-read-auditing.md."""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.record.chain import append_event
from prevent_cases.models import Membership, User

# Views of the same case by the same user, showing the same information through the same
# path, within this many seconds are one view: a reload or a return from a form is not a
# second disclosure, and a chain of reloads would drown the views an auditor looks for.
REPEAT_VIEW_SECONDS = 300


@dataclass(frozen=True)
class CaseShown:
    """One case as shown to a viewer: its id, and the categories and sources displayed."""

    case_id: uuid.UUID
    categories: frozenset[str]
    sources: frozenset[uuid.UUID]

    def as_payload(self) -> dict:
        return {
            "id": self.case_id,
            "categories": sorted(self.categories),
            "sources": sorted(str(source) for source in self.sources),
        }


def _repeated(actor: User, case_type: str, payload: dict, case_id: uuid.UUID) -> bool:
    since = timezone.now() - datetime.timedelta(seconds=REPEAT_VIEW_SECONDS)
    last = (
        AuditEvent.objects.filter(
            target_type=case_type, target_id=case_id, type=EventType.CASE_VIEWED
        )
        .filter(actor=actor.pk, created_at__gte=since)
        .order_by("-seq")
        .values_list("payload", flat=True)
        .first()
    )
    return last == payload


def case_viewed_recorded(
    *, actor: User, membership: Membership, case_type: str, shown: CaseShown, via: str
) -> AuditEvent | None:
    """Record that one case was shown; None when it repeats the viewer's last view of it."""
    payload = {
        "categories": sorted(shown.categories),
        "sources": sorted(str(source) for source in shown.sources),
        "via": via,
    }
    if _repeated(actor, case_type, payload, shown.case_id):
        return None
    return append_event(
        event_type=EventType.CASE_VIEWED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=case_type,
        target_id=shown.case_id,
        payload=payload,
    )


def cases_listed_recorded(
    *, actor: User, membership: Membership, case_type: str, shown: Iterable[CaseShown], via: str
) -> AuditEvent | None:
    """Record one page of a list of cases (dashboard, search, API list) as one event."""
    cases = [case.as_payload() for case in shown]
    if not cases:
        return None
    return append_event(
        event_type=EventType.CASES_LISTED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=case_type,
        payload={"cases": cases, "via": via},
    )
