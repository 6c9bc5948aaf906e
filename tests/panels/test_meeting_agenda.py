"""Scheduling a meeting, recording attendance, adding a member for one case, and the
agenda the panel's cases make."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models import AgendaItem, MeetingAttendance, PanelCase, PostExitReview
from panels.models.vocabulary import AgendaReason, Attendance, DecisionMethod, Stage
from panels.rules.stages import StageEvent
from panels.selectors.meetings import item_for_update
from panels.services.meetings import (
    AttendanceEntry,
    agenda_build,
    agenda_decision_record,
    meeting_attendance_record,
    meeting_close,
    meeting_schedule,
    panel_member_add,
)
from prevent_cases.exceptions import AccessDenied, ConflictError
from tests.panels.factories import open_case
from tests.panels.meeting_factories import confirm_all, meeting_with_agenda, scheduled_meeting

pytestmark = pytest.mark.django_db

POLICE = "Northby Police Prevent Team"
REASONS = "Susceptibility is clear from the referral and partners' information."


@pytest.fixture
def chair(user):
    return user("northby.chair")


def test_a_meeting_is_scheduled_in_the_future_by_the_panels_chair_or_coordinator(chair, user):
    with pytest.raises(ValidationError) as refused:
        meeting_schedule(
            actor=chair,
            membership=chair.membership,
            starts_at=timezone.now() - datetime.timedelta(hours=1),
            location="",
        )
    assert set(refused.value.message_dict) == {"starts_at", "location"}
    member = user("northby.health")
    with pytest.raises(AccessDenied):
        meeting_schedule(
            actor=member,
            membership=member.membership,
            starts_at=timezone.now() + datetime.timedelta(days=1),
            location="Room 1",
        )
    meeting = scheduled_meeting(user("northby.coordinator"))
    assert AuditEvent.objects.filter(type=EventType.MEETING_SCHEDULED, target_id=meeting.pk)


def test_the_schedule_page_keeps_what_was_typed(sign_in):
    client = sign_in("northby.chair")
    response = client.post(
        reverse("panels:meeting-new"),
        {"starts_on": "01/01/2020", "starts_time": "10:00", "location": "Civic centre"},
    )
    assert response.status_code == 400
    assert "The meeting must start in the future." in response.content.decode()
    assert 'value="Civic centre"' in response.content.decode()
    later = (timezone.localdate() + datetime.timedelta(days=9)).strftime("%d/%m/%Y")
    created = client.post(
        reverse("panels:meeting-new"),
        {"starts_on": later, "starts_time": "10:00", "location": "Civic centre"},
    )
    assert created.status_code == 302
    assert "Civic centre" in client.get(reverse("panels:meetings")).content.decode()


def test_attendance_names_someone_of_the_agency_and_only_agencies_on_the_panel(chair, user, agency):
    meeting = scheduled_meeting(chair)
    police, health = agency(POLICE), agency("Northby NHS Trust")
    with pytest.raises(ValidationError) as refused:
        meeting_attendance_record(
            actor=chair,
            membership=chair.membership,
            meeting=meeting,
            entries=[
                AttendanceEntry(police.pk, Attendance.PRESENT, user("northby.health").pk),
                AttendanceEntry(agency("Southmere NHS Trust").pk, Attendance.PRESENT),
            ],
        )
    assert len(refused.value.message_dict) == 2
    meeting_attendance_record(
        actor=chair,
        membership=chair.membership,
        meeting=meeting,
        entries=[
            AttendanceEntry(police.pk, Attendance.PRESENT, user("northby.officer").pk),
            AttendanceEntry(health.pk, Attendance.APOLOGIES),
        ],
    )
    assert set(MeetingAttendance.objects.values_list("agency__name", "status")) == {
        (POLICE, Attendance.PRESENT),
        ("Northby NHS Trust", Attendance.APOLOGIES),
    }
    event = AuditEvent.objects.get(type=EventType.MEETING_ATTENDANCE_RECORDED)
    assert event.payload == {"present": [str(police.pk)], "apologies": [str(health.pk)]}


def test_an_agency_is_added_to_the_panel_for_one_case(officer, chair, agency):
    case = open_case(officer, chair)
    housing = agency("Southmere NHS Trust")
    panel_member_add(actor=chair, membership=chair.membership, panel_case=case, agency=housing)
    assert list(case.added_members.all()) == [housing]
    assert AuditEvent.objects.filter(type=EventType.PANEL_MEMBER_ADDED).exists()
    with pytest.raises(ValidationError):
        panel_member_add(actor=chair, membership=chair.membership, panel_case=case, agency=housing)


def test_the_agenda_takes_new_cases_reviews_post_exit_reviews_and_reassessments(
    officer, chair, agency
):
    new = open_case(officer, chair)
    review = open_case(officer, chair)
    post_exit = open_case(officer, chair)
    reassess = open_case(officer, chair)
    meeting = scheduled_meeting(chair, days=7)
    on = timezone.localtime(meeting.starts_at).date()
    PanelCase.objects.filter(pk=review.pk).update(stage=Stage.REVIEW, next_review_on=on)
    PanelCase.objects.filter(pk=post_exit.pk).update(stage=Stage.EXITED)
    PostExitReview.objects.create(
        panel_case=post_exit,
        referral=post_exit.referral,
        source_agency=post_exit.source_agency,
        months_after_exit=6,
        due_on=on,
    )
    PanelCase.objects.filter(pk=reassess.pk).update(stage=Stage.EXITED, reassess_on=on)

    added = agenda_build(actor=chair, membership=chair.membership, meeting=meeting)

    assert [(item.panel_case_id, item.reason, item.position) for item in added] == [
        (new.pk, AgendaReason.NEW, 0),
        (review.pk, AgendaReason.REVIEW, 1),
        (post_exit.pk, AgendaReason.POST_EXIT, 2),
        (reassess.pk, AgendaReason.REASSESSMENT, 3),
    ]
    assert agenda_build(actor=chair, membership=chair.membership, meeting=meeting) == []
    later = scheduled_meeting(chair, days=40)
    again = agenda_build(actor=chair, membership=chair.membership, meeting=later)
    # The re-assessment was taken at the first meeting; the rest are still due.
    assert reassess.pk not in {item.panel_case_id for item in again}


def test_a_case_not_yet_due_stays_off_the_agenda(officer, chair):
    case = open_case(officer, chair)
    later = timezone.localdate() + datetime.timedelta(days=60)
    PanelCase.objects.filter(pk=case.pk).update(stage=Stage.REVIEW, next_review_on=later)
    meeting = scheduled_meeting(chair, days=7)
    assert agenda_build(actor=chair, membership=chair.membership, meeting=meeting) == []


def test_confirmed_papers_fix_the_agenda_and_a_closed_meeting_takes_no_decision(
    officer, chair, agency
):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    confirm_all(chair, meeting)
    with pytest.raises(ConflictError):
        agenda_build(actor=chair, membership=chair.membership, meeting=meeting)

    meeting_close(actor=chair, membership=chair.membership, meeting=meeting, minutes="Closed.")
    event = AuditEvent.objects.get(type=EventType.MEETING_CLOSED)
    assert event.payload == {"decided": 0, "undecided": 1}
    item = item_for_update(meeting=meeting, item_id=AgendaItem.objects.get(panel_case=case).pk)
    with pytest.raises(ConflictError):
        agenda_decision_record(
            actor=chair,
            membership=chair.membership,
            item=item,
            event=StageEvent.ADOPT,
            method=DecisionMethod.UNANIMOUS,
            votes_for=None,
            votes_against=None,
            rationale=REASONS,
            version=1,
        )
