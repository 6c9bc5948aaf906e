"""A case walked through the four stages to every way out, and a case not adopted with
each onward route. The panel's in-meeting decisions are made through panel_case_move."""

import pytest
from django.core.exceptions import ValidationError

from panels.models import Intervention, PostExitReview, StageMove
from panels.models.vocabulary import (
    ConsentDecision,
    ExitOutcome,
    InterventionStatus,
    NotAdoptedRoute,
    Stage,
)
from panels.rules.stages import StageEvent
from panels.selectors.support import assessment_latest_agreed
from referrals.models import ReferralGrant
from tests.panels.factories import open_case
from tests.panels.support_steps import (
    adopt_and_assess,
    agree_assessment,
    consent,
    fresh,
    intervention,
    move,
    record_plan,
    to_review,
    transfer,
)

pytestmark = pytest.mark.django_db

PROVIDER = "Northby Mentoring Partnership"


@pytest.fixture
def chair(user):
    return user("northby.chair")


def test_a_case_walks_all_four_stages_round_a_reassessment_and_out(officer, chair, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    assert case.stage == Stage.REVIEW
    assert case.next_review_on is not None
    case = move(chair, case, StageEvent.CONTINUE)
    case = move(chair, case, StageEvent.REASSESS)
    assert case.stage == Stage.ASSESSMENT
    second = agree_assessment(chair, case)
    assert second.number == 2
    assert assessment_latest_agreed(case) == second
    case = move(chair, case, StageEvent.AGREE_ASSESSMENT)
    case = move(chair, case, StageEvent.START_SUPPORT)
    case = move(chair, case, StageEvent.EXIT, exit_outcome=ExitOutcome.NO_FURTHER_CONCERN)
    assert case.stage == Stage.EXITED
    assert list(StageMove.objects.filter(panel_case=case).values_list("event", flat=True)) == [
        "adopt",
        "agree_assessment",
        "start_support",
        "continue_support",
        "reassess",
        "agree_assessment",
        "start_support",
        "exit",
    ]


@pytest.mark.parametrize(
    "outcome", [ExitOutcome.NO_FURTHER_CONCERN, ExitOutcome.OTHER_SERVICES, ExitOutcome.OTHER]
)
def test_a_panel_exit_with_each_outcome_schedules_post_exit_reviews(
    officer, chair, agency, outcome
):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    case = move(chair, case, StageEvent.EXIT, exit_outcome=outcome)
    assert (case.stage, case.exit_outcome) == (Stage.EXITED, outcome)
    assert PostExitReview.objects.filter(panel_case=case).count() == 2


def test_an_exit_by_consent_withdrawn(officer, chair, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    consent(chair, case, decision=ConsentDecision.WITHDRAWN)
    case = fresh(case)
    assert (case.stage, case.exit_outcome) == (Stage.EXITED, ExitOutcome.CONSENT_WITHDRAWN)


def test_an_exit_by_transfer(officer, chair, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    transfer(chair, case)
    case = fresh(case)
    assert (case.stage, case.exit_outcome) == (Stage.EXITED, ExitOutcome.TRANSFERRED)


@pytest.mark.parametrize(
    ("route", "service"),
    [
        (NotAdoptedRoute.HEALTH, "Community mental health team"),
        (NotAdoptedRoute.SOCIAL_CARE, "Early help"),
        (NotAdoptedRoute.POLICE, ""),
    ],
)
def test_a_case_not_adopted_goes_on_by_each_route(officer, chair, route, service):
    case = move(
        chair,
        open_case(officer, chair),
        StageEvent.NOT_ADOPT,
        not_adopted_route=route,
        onward_service=service,
    )
    assert (case.stage, case.not_adopted_route, case.onward_service) == (
        Stage.NOT_ADOPTED,
        route,
        service,
    )


def test_support_starts_only_with_consent_given_and_an_intervention(officer, chair, agency):
    case = adopt_and_assess(chair, open_case(officer, chair))
    with pytest.raises(ValidationError) as refused:
        move(chair, case, StageEvent.START_SUPPORT)
    assert len(refused.value.message_dict["event"]) == 2
    record_plan(chair, case, intervention(agency(PROVIDER)))
    consent(chair, case)
    assert move(chair, case, StageEvent.START_SUPPORT).stage == Stage.REVIEW


@pytest.mark.parametrize(
    ("outcome", "closed_as"),
    [
        (ExitOutcome.NO_FURTHER_CONCERN, InterventionStatus.COMPLETED),
        (ExitOutcome.OTHER_SERVICES, InterventionStatus.WITHDRAWN),
    ],
)
def test_exit_ends_the_providers_access_with_the_support(
    officer, chair, agency, outcome, closed_as
):
    provider = agency(PROVIDER)
    case = to_review(chair, open_case(officer, chair), provider)
    assert ReferralGrant.objects.filter(content_object=case.referral, group=provider.group).exists()

    move(chair, case, StageEvent.EXIT, exit_outcome=outcome)

    assert not ReferralGrant.objects.filter(
        content_object=case.referral, group=provider.group
    ).exists()
    assert set(Intervention.objects.filter(panel_case=case).values_list("status", flat=True)) == {
        closed_as
    }
