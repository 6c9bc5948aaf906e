"""Panel reminders: who gets which, when a date counts as due or overdue, that nothing of
the case leaves in the email, and that running them again sends nothing twice."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models import ReminderSent
from panels.services.reminders import (
    REMINDER_SUBJECT,
    SOURCES,
    ReminderKind,
    panel_reminders_send,
)
from panels.tasks import panel_reminders_send_task
from tests.panels.stand_in_rows import (
    action_row,
    case_in_review,
    exited_case,
    meeting_row,
    new_case,
    request_row,
    stopped_case,
)

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
TODAY = datetime.date(2026, 12, 1)
CONCERN = "Synthetic concern: shared extremist material in class."
# The panel's chair and coordinator and the content users of its standing member agencies
# (every Northby partner but the mentoring provider, which delivers but does not sit).
NORTHBY_CONTENT = {
    "northby.chair",
    "northby.coordinator",
    "northby.officer",
    "northby.probation",
    "northby.health",
    "northby.education",
    "northby.childrens",
}
PANEL_RUNNERS = {"northby.chair", "northby.coordinator"}


def at(day: datetime.date, hour: int = 10):
    moment = datetime.datetime.combine(day, datetime.time(hour), LONDON)
    return time_machine.travel(moment, tick=False)


def days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def starts(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), LONDON)


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def provider(agency):
    return agency("Northby Mentoring Partnership")


def send(day: datetime.date = TODAY):
    with at(day, 7):
        return panel_reminders_send()


def recipients(kind: str, subject_id) -> set[str]:
    return set(
        ReminderSent.objects.filter(kind=kind, subject_id=subject_id).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_meeting_is_reminded_to_the_panel_and_its_member_agencies(officer, chair):
    with at(TODAY - days(10)):
        meeting = meeting_row(chair, starts(TODAY + days(3)), [new_case(officer, chair)])
    send()
    assert recipients(ReminderKind.MEETING, meeting.pk) == NORTHBY_CONTENT
    assert {message.to[0] for message in mail.outbox} == {
        f"{username}@example.org" for username in NORTHBY_CONTENT
    }


def test_a_meeting_is_reminded_only_within_the_days_set(officer, chair, settings):
    settings.PANEL_REMINDER_MEETING_DAYS = 3
    with at(TODAY - days(10)):
        near = meeting_row(chair, starts(TODAY + days(3), 18))
        far = meeting_row(chair, starts(TODAY + days(4), 9))
    send()
    assert recipients(ReminderKind.MEETING, near.pk) == NORTHBY_CONTENT
    assert recipients(ReminderKind.MEETING, far.pk) == set()
    # The day after, the further meeting falls within the three days.
    send(TODAY + days(1))
    assert recipients(ReminderKind.MEETING, far.pk) == NORTHBY_CONTENT


def test_reviews_are_reminded_to_the_chair_and_coordinators(officer, chair, provider, settings):
    settings.PANEL_REMINDER_REVIEW_DAYS = 7
    # Reviews every 28 days from the start of support: due in 7 days and in 8 days.
    with at(TODAY - days(21)):
        due = case_in_review(officer, chair, provider)
    with at(TODAY - days(20)):
        not_yet = case_in_review(officer, chair, provider)
    send()
    assert recipients(ReminderKind.REVIEW, due.pk) == PANEL_RUNNERS
    assert recipients(ReminderKind.REVIEW, not_yet.pk) == set()


def test_post_exit_reviews_and_reassessments_go_to_the_panel(officer, chair, provider):
    with at(datetime.date(2026, 6, 3)):
        exited = exited_case(officer, chair, provider)
    with at(TODAY - days(30)):
        stopped = stopped_case(officer, chair, reassess_on=TODAY + days(2))
        later = stopped_case(officer, chair, reassess_on=TODAY + days(30))
    send()
    six_months = exited.post_exit_reviews.get(months_after_exit=6)
    assert six_months.due_on == datetime.date(2026, 12, 3)
    assert recipients(ReminderKind.POST_EXIT_REVIEW, six_months.pk) == PANEL_RUNNERS
    twelve = exited.post_exit_reviews.get(months_after_exit=12)
    assert recipients(ReminderKind.POST_EXIT_REVIEW, twelve.pk) == set()
    assert recipients(ReminderKind.REASSESSMENT, stopped.pk) == PANEL_RUNNERS
    assert recipients(ReminderKind.REASSESSMENT, later.pk) == set()


def test_an_action_is_reminded_to_its_owner_once_overdue(officer, chair, agency):
    health = agency("Northby NHS Trust")
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        late = action_row(case, chair, health, TODAY - days(1))
        due_today = action_row(case, chair, health, TODAY)
        done = action_row(case, chair, health, TODAY - days(3), done=True)
    send()
    assert recipients(ReminderKind.ACTION, late.pk) == {"northby.health"}
    assert recipients(ReminderKind.ACTION, due_today.pk) == set()
    assert recipients(ReminderKind.ACTION, done.pk) == set()
    # Tomorrow the one due today is overdue too.
    send(TODAY + days(1))
    assert recipients(ReminderKind.ACTION, due_today.pk) == {"northby.health"}


def test_a_request_is_reminded_to_the_addressee_and_the_coordinator_who_asked(
    officer, chair, user, agency
):
    coordinator = user("northby.coordinator")
    college = agency("Northby College")
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        late = request_row(case, coordinator, college, TODAY - days(1))
        answered = request_row(case, coordinator, college, TODAY - days(4), status="shared")
        due_today = request_row(case, coordinator, college, TODAY)
    send()
    assert recipients(ReminderKind.REQUEST, late.pk) == {"northby.education", "northby.coordinator"}
    assert recipients(ReminderKind.REQUEST, answered.pk) == set()
    assert recipients(ReminderKind.REQUEST, due_today.pk) == set()


def test_southmere_hears_nothing_of_northbys_work(officer, chair, agency):
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        action_row(case, chair, agency("Northby NHS Trust"), TODAY - days(1))
        meeting_row(chair, starts(TODAY + days(1)), [case])
    send()
    assert mail.outbox
    assert not [message for message in mail.outbox if "southmere" in message.to[0]]


def _everything_due(officer, chair, provider, agency, user) -> None:
    with at(datetime.date(2026, 6, 3)):
        exited_case(officer, chair, provider, family_name="Exited")
    with at(TODAY - days(27)):
        case = case_in_review(officer, chair, provider, family_name="Quennell")
        stopped_case(officer, chair, reassess_on=TODAY + days(1), family_name="Stopped")
        action_row(case, chair, agency("Northby NHS Trust"), TODAY - days(1))
        request_row(case, user("northby.coordinator"), agency("Northby College"), TODAY - days(1))
        meeting_row(chair, starts(TODAY + days(2)), [case])


def test_running_twice_sends_each_reminder_once(officer, chair, provider, agency, user):
    _everything_due(officer, chair, provider, agency, user)
    first = send()
    sent = len(mail.outbox)
    rows = ReminderSent.objects.count()
    events = AuditEvent.objects.filter(type=EventType.REMINDER_SENT).count()
    # Every kind the daily run sends (a concern alert goes when the concern is raised).
    scheduled = [kind for kind, _ in SOURCES]
    assert all(first.sent[kind] for kind in scheduled)
    assert sent == rows == first.total
    assert events == len(scheduled)

    again = send()

    assert again.total == 0
    assert len(mail.outbox) == sent
    assert ReminderSent.objects.count() == rows
    assert AuditEvent.objects.filter(type=EventType.REMINDER_SENT).count() == events


def test_each_subject_is_audited_once_with_its_recipient_count(officer, chair, agency):
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        action = action_row(case, chair, agency("Northby NHS Trust"), TODAY - days(2))
    send()
    event = AuditEvent.objects.get(type=EventType.REMINDER_SENT)
    assert event.payload == {
        "kind": ReminderKind.ACTION,
        "subject": str(action.pk),
        "due_on": (TODAY - days(2)).isoformat(),
        "recipients": 1,
    }
    assert event.target_id == case.referral_id
    assert event.agency == chair.membership.agency_id


def test_the_email_carries_no_case_content(officer, chair, provider, agency, user, settings):
    settings.SITE_URL = "https://channel.example.org"
    _everything_due(officer, chair, provider, agency, user)
    send()
    assert mail.outbox
    for message in mail.outbox:
        text = f"{message.subject}\n{message.body}"
        assert message.subject == REMINDER_SUBJECT
        for content in ("Quennell", "Exited", "Stopped", "Alex", CONCERN, "Synthetic"):
            assert content not in text
        assert "https://channel.example.org/" in message.body


def test_the_task_and_the_command_send_what_is_due_once(officer, chair, agency, capsys):
    with at(TODAY - days(10)):
        case = new_case(officer, chair)
        action_row(case, chair, agency("Northby NHS Trust"), TODAY - days(1))
    with at(TODAY, 7):
        assert panel_reminders_send_task.delay().get() == 1
        call_command("send_panel_reminders")
    assert len(mail.outbox) == 1
    assert "Panel reminders sent: 0" in capsys.readouterr().out
