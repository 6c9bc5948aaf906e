"""What the Channel inbox reads: the first rows of its three lists (referrals waiting to be
accepted, cases gathering information, cases due at the next meeting) in one query, as the
few columns the page shows, whatever the length of the panel's queues."""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    F,
    IntegerField,
    Q,
    QuerySet,
    UUIDField,
)
from django.utils import timezone

from panels.models import PanelCase
from panels.models.vocabulary import RequestStatus, Stage
from panels.selectors.cases import cases_due_by, cases_gathering_information, channel_inbox
from panels.selectors.union_parts import rows_by_section, union_part
from prevent_cases.models import Membership
from referrals.models import Referral

# Rows shown of each list; one more is read to know whether the list holds more.
INBOX_LIMIT = 25

COLUMNS = {
    "section": CharField(),
    "referral_id": UUIDField(),
    "panel_case_id": UUIDField(),
    "reference": CharField(),
    "stage": CharField(),
    "changed_at": DateTimeField(),
    "next_review_on": DateField(),
    "open_requests": IntegerField(),
    "overdue_requests": IntegerField(),
}


@dataclass(frozen=True)
class InboxItem:
    """One row of an inbox list: a referral waiting (no panel case), or a panel case."""

    section: str
    referral_id: uuid.UUID
    reference: str
    # When the referral was progressed, or the case reached its stage.
    changed_at: datetime.datetime
    panel_case_id: uuid.UUID | None = None
    stage: str = ""
    next_review_on: datetime.date | None = None
    open_requests: int = 0
    overdue_requests: int = 0

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label


def _case_part(cases: QuerySet[PanelCase], section: str) -> QuerySet:
    # The first rows by the list's own query (as a subquery: SQLite takes no LIMIT in the
    # parts of a union), then their open and overdue requests counted for those alone.
    first = PanelCase.objects.filter(pk__in=cases.values("pk")[: INBOX_LIMIT + 1])
    open_requests = Q(information_requests__status=RequestStatus.OPEN)
    overdue = open_requests & Q(information_requests__due_on__lt=timezone.localdate())
    return union_part(
        first,
        section,
        columns=COLUMNS,
        referral_id=F("referral_id"),
        panel_case_id=F("pk"),
        reference=F("referral__reference"),
        stage=F("stage"),
        changed_at=F("stage_changed_at"),
        next_review_on=F("next_review_on"),
        open_requests=Count("information_requests", filter=open_requests),
        overdue_requests=Count("information_requests", filter=overdue),
    )


# Each list's order, as its selector sorts it.
ORDER = {
    "waiting": lambda row: (row.changed_at, row.referral_id),
    "gathering": lambda row: (row.changed_at, row.panel_case_id),
    "due": lambda row: (row.next_review_on, row.panel_case_id),
}


def inbox_rows(*, membership: Membership, due_by: datetime.date) -> dict[str, list[InboxItem]]:
    """The first INBOX_LIMIT + 1 rows of each inbox list, each in its own order, in one
    query: what each list holds is decided by its selector in panels.selectors.cases."""
    waiting = Referral.objects.filter(
        pk__in=channel_inbox(membership=membership).values("pk")[: INBOX_LIMIT + 1]
    )
    parts = [
        union_part(
            waiting,
            "waiting",
            columns=COLUMNS,
            referral_id=F("pk"),
            reference=F("reference"),
            changed_at=F("status_changed_at"),
        ),
        _case_part(cases_gathering_information(membership=membership), "gathering"),
        _case_part(cases_due_by(membership=membership, due_by=due_by), "due"),
    ]
    lists = rows_by_section(parts, InboxItem)
    return {name: sorted(lists[name], key=key) for name, key in ORDER.items()}
