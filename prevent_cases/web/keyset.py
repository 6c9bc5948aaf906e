"""Keyset pagination for HTML lists: "next page" is "rows after this one", so a page costs
the same however deep it is, and rows added meanwhile never shift what comes next."""

import base64
import binascii
import datetime
import uuid
from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class KeysetPage:
    rows: list
    next_cursor: str | None


def _encode(day: datetime.date | None, row_id: uuid.UUID) -> str:
    text = f"{day.isoformat() if day else ''}|{row_id}"
    return base64.urlsafe_b64encode(text.encode()).decode()


def _decode(cursor: str) -> tuple[datetime.date | None, uuid.UUID] | None:
    try:
        day, row_id = base64.urlsafe_b64decode(cursor.encode()).decode().split("|")
        return (datetime.date.fromisoformat(day) if day else None), uuid.UUID(row_id)
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None


def page_after(rows: QuerySet, *, cursor: str | None, date_field: str, size: int) -> KeysetPage:
    """The page of `rows` (ordered by date_field then id, ascending) after `cursor`.

    A cursor that cannot be read starts from the first page rather than failing.
    """
    position = _decode(cursor) if cursor else None
    if position is not None:
        day, row_id = position
        rows = rows.filter(
            Q(**{f"{date_field}__gt": day}) | Q(**{date_field: day, "id__gt": row_id})
        )
    batch = list(rows[: size + 1])
    has_more = len(batch) > size
    batch = batch[:size]
    last = batch[-1] if batch and has_more else None
    return KeysetPage(
        rows=batch,
        next_cursor=_encode(getattr(last, date_field), last.pk) if last else None,
    )
