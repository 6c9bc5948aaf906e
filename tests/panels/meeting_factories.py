"""Meetings for tests, built through the real services."""

import datetime

from django.utils import timezone

from panels.models import Meeting
from panels.models.vocabulary import Attendance
from panels.selectors.meetings import papers_proposal
from panels.services.meetings import (
    AttendanceEntry,
    agenda_build,
    meeting_attendance_record,
    meeting_schedule,
)
from panels.services.papers import papers_confirm
from prevent_cases.models import Agency, User


def scheduled_meeting(chair: User, *, days: int = 7) -> Meeting:
    return meeting_schedule(
        actor=chair,
        membership=chair.membership,
        starts_at=timezone.now() + datetime.timedelta(days=days),
        location="Council offices, room 2",
    )


def attend(chair: User, meeting: Meeting, *present: Agency, apologies: tuple = ()) -> None:
    meeting_attendance_record(
        actor=chair,
        membership=chair.membership,
        meeting=meeting,
        entries=[AttendanceEntry(agency.pk, Attendance.PRESENT) for agency in present]
        + [AttendanceEntry(agency.pk, Attendance.APOLOGIES) for agency in apologies],
    )


def meeting_with_agenda(chair: User, *present: Agency) -> Meeting:
    meeting = scheduled_meeting(chair)
    agenda_build(actor=chair, membership=chair.membership, meeting=meeting)
    if present:
        attend(chair, meeting, *present)
    return meeting


def confirm_all(chair: User, meeting: Meeting):
    """The chair confirms the proposal as it stands."""
    rows = papers_proposal(meeting=meeting)
    return papers_confirm(
        actor=chair,
        membership=chair.membership,
        meeting=meeting,
        selections=[row.key for row in rows],
    )
