"""What the delivery pages show, worked out before the template: progress entries as the
intervention page shows them (each correction together with the entries it puts right, so
a reader sees what was said first and what stands now), and the rows of the practitioner's
list."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist
from django.utils import formats, timezone

from panels.models import ConcernReview, Intervention, ProgressEntry
from panels.models.vocabulary import InterventionStatus, InterventionType
from panels.selectors.delivery import DeliveryRow
from prevent_cases.web.links import IdPath


@dataclass(frozen=True)
class ShownEntry:
    entry: ProgressEntry
    # The entry this one corrects, and the one that corrects it, if any.
    corrects: ProgressEntry | None
    corrected_by: ProgressEntry | None
    review: ConcernReview | None


def _review(entry: ProgressEntry) -> ConcernReview | None:
    # Read with the entry (select_related); an entry nobody reviewed has none.
    try:
        return entry.review
    except ObjectDoesNotExist:
        return None


def entry_threads(entries: list[ProgressEntry]) -> list[list[ShownEntry]]:
    """The entries (newest first) as threads: the entry that stands, then each entry it
    corrects in turn. Threads follow the order of the entries that stand. Uses only the
    entries given, so it adds no query."""
    by_id = {entry.pk: entry for entry in entries}
    corrected_by = {entry.corrects_id: entry for entry in entries if entry.corrects_id}
    threads = []
    for entry in entries:
        if entry.pk in corrected_by:
            continue
        thread = []
        current: ProgressEntry | None = entry
        while current is not None:
            earlier = by_id.get(current.corrects_id) if current.corrects_id else None
            thread.append(
                ShownEntry(
                    entry=current,
                    corrects=earlier,
                    corrected_by=corrected_by.get(current.pk),
                    review=_review(current),
                )
            )
            current = earlier
        threads.append(thread)
    return threads


def correction_of(entry: ProgressEntry) -> ProgressEntry | None:
    """The entry that corrects this one, if any (read with the entry)."""
    try:
        return entry.correction
    except ObjectDoesNotExist:
        return None


@dataclass(frozen=True)
class ListRow:
    """One row of the practitioner's list with the text of each cell, worked out here once
    a row (and each date and label once a page): a page of a hundred rows otherwise spends
    most of its time in template lookups, filters and a link reversed per row."""

    intervention: Intervention
    url: str
    type: str  # the label of its type and of its status
    status: str
    # "Given Family" where identity was shared with the agency; None otherwise.
    person: str | None
    start_on: str
    planned_sessions: int
    assigned_on: str
    next_due_on: str
    overdue: bool
    last_contact: str
    practitioner: str | None


class _Days:
    """Dates as the template's `date:"j M Y"` shows them (a time in the current time zone),
    each formatted once a page."""

    def __init__(self):
        self._texts: dict[datetime.date, str] = {}
        # Looked up once a page: each lookup reads the request's thread-local state.
        self._zone = timezone.get_current_timezone()

    def __call__(self, value: datetime.date | datetime.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime.datetime):
            value = timezone.localtime(value, self._zone).date()
        if value not in self._texts:
            self._texts[value] = formats.date_format(value, DAY_FORMAT)
        return self._texts[value]


DAY_FORMAT = "j M Y"
TYPE_LABELS = dict(InterventionType.choices)
STATUS_LABELS = dict(InterventionStatus.choices)


def _last_contact(days: int | None) -> str:
    if days is None:
        return "No contact yet"
    if days == 0:
        return "Today"
    return f"{days} day{'' if days == 1 else 's'} ago"


def listed_interventions(rows: list[DeliveryRow]) -> list[ListRow]:
    """The practitioner's list as its table shows it."""
    day = _Days()
    link = IdPath("panels:intervention", "intervention_id")
    listed = []
    for row in rows:
        intervention = row.intervention
        subject = row.subject
        practitioner = intervention.practitioner
        listed.append(
            ListRow(
                intervention=intervention,
                url=link(intervention.pk),
                type=TYPE_LABELS.get(intervention.type, intervention.type),
                status=STATUS_LABELS.get(intervention.status, intervention.status),
                person=f"{subject.given_names} {subject.family_name}" if subject else None,
                start_on=day(intervention.start_on),
                planned_sessions=intervention.planned_sessions,
                assigned_on=day(intervention.created_at),
                next_due_on=day(intervention.next_contact_due_on) or "Not set",
                overdue=row.overdue,
                last_contact=_last_contact(row.days_since_contact),
                practitioner=(
                    (practitioner.get_full_name() or practitioner.username)
                    if practitioner
                    else None
                ),
            )
        )
    return listed
