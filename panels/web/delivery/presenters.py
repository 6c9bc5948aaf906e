"""Progress entries as the intervention page shows them: each correction together with the
entries it puts right, so a reader sees what was said first and what stands now."""

from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from panels.models import ConcernReview, ProgressEntry


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
