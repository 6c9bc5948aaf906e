"""Post-exit reviews 6 and 12 months after exit, extendable to two years, and a review
that finds concern reopening the case as a new episode linked to its history."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models import PanelCase, PostExitReview
from panels.models.vocabulary import ExitOutcome, PostExitOutcome, Stage
from panels.rules.stages import StageEvent
from panels.services.post_exit import post_exit_review_record, post_exit_reviews_extend
from prevent_cases.exceptions import AccessDenied, ConflictError
from tests.panels.factories import open_case
from tests.panels.support_steps import move, to_review

pytestmark = pytest.mark.django_db

EXIT_DAY = datetime.datetime(2027, 1, 15, 11, 0, tzinfo=datetime.UTC)
WHY = "Checked with partners: no further terrorism-related concern reported."


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def exited(officer, chair, agency):
    with time_machine.travel(EXIT_DAY, tick=False):
        case = to_review(chair, open_case(officer, chair), agency("Northby Mentoring Partnership"))
        return move(chair, case, StageEvent.EXIT, exit_outcome=ExitOutcome.NO_FURTHER_CONCERN)


def _review(case, months) -> PostExitReview:
    return PostExitReview.objects.select_related("panel_case__referral", "panel_case__panel").get(
        panel_case=case, months_after_exit=months
    )


def _record(by, review, outcome=PostExitOutcome.NO_FURTHER_CONCERN, rationale=WHY):
    return post_exit_review_record(
        actor=by, membership=by.membership, review=review, outcome=outcome, rationale=rationale
    )


def test_an_exit_schedules_reviews_at_6_and_12_months(exited):
    assert exited.exited_on == datetime.date(2027, 1, 15)
    assert list(
        PostExitReview.objects.filter(panel_case=exited).values_list("months_after_exit", "due_on")
    ) == [(6, datetime.date(2027, 7, 15)), (12, datetime.date(2028, 1, 15))]


def test_no_further_concern_closes_the_review(exited, chair):
    with time_machine.travel(datetime.datetime(2027, 7, 16, 9, 0, tzinfo=datetime.UTC)):
        assert _record(chair, _review(exited, 6)) is None
    review = _review(exited, 6)
    assert review.outcome == PostExitOutcome.NO_FURTHER_CONCERN
    assert review.done_at.date() == datetime.date(2027, 7, 16)
    assert review.done_by == chair
    event = AuditEvent.objects.get(type=EventType.POST_EXIT_REVIEW_RECORDED)
    assert event.payload == {
        "panel_case": str(exited.pk),
        "review": str(review.pk),
        "months": 6,
        "outcome": "no_further_concern",
    }
    with pytest.raises(ConflictError):
        _record(chair, _review(exited, 6))


def test_concern_at_12_months_reopens_the_case_as_a_new_episode(exited, chair):
    with time_machine.travel(datetime.datetime(2027, 7, 16, 9, 0, tzinfo=datetime.UTC)):
        _record(chair, _review(exited, 6))
    with time_machine.travel(datetime.datetime(2028, 1, 17, 9, 0, tzinfo=datetime.UTC)):
        reopened = _record(
            chair,
            _review(exited, 12),
            PostExitOutcome.REOPENED,
            "The school reports renewed contact with the same online group.",
        )
    assert reopened.stage == Stage.IDENTIFICATION
    assert reopened.previous_case == exited
    assert reopened.referral_id == exited.referral_id
    assert PanelCase.objects.filter(referral=exited.referral).count() == 2
    assert _review(exited, 12).done_at is not None


def test_reviews_extend_to_two_years(exited, chair):
    post_exit_reviews_extend(actor=chair, membership=chair.membership, panel_case=exited)
    assert list(
        PostExitReview.objects.filter(panel_case=exited).values_list("months_after_exit", "due_on")
    ) == [
        (6, datetime.date(2027, 7, 15)),
        (12, datetime.date(2028, 1, 15)),
        (18, datetime.date(2028, 7, 15)),
        (24, datetime.date(2029, 1, 15)),
    ]
    with pytest.raises(ConflictError):
        post_exit_reviews_extend(actor=chair, membership=chair.membership, panel_case=exited)


def test_a_review_needs_an_outcome_and_reasons(exited, chair):
    with pytest.raises(ValidationError) as refused:
        _record(chair, _review(exited, 6), outcome="maybe", rationale="Fine.")
    assert set(refused.value.message_dict) == {"outcome", "rationale"}


@pytest.mark.parametrize(
    "username", ["southmere.chair", "northby.provider", "northby.health", "northby.officer"]
)
def test_only_the_case_panel_chair_or_coordinator_records_or_extends(exited, user, username):
    other = user(username)
    with pytest.raises(AccessDenied):
        _record(other, _review(exited, 6))
    with pytest.raises(AccessDenied):
        post_exit_reviews_extend(actor=other, membership=other.membership, panel_case=exited)
    assert _record(user("northby.coordinator"), _review(exited, 6)) is None
