"""The support plan and its interventions: each intervention is given to its delivering
agency alone, in its own scope, by the panel's sharing decision."""

import pytest
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from audit.vocabulary import Category, LegalBasis
from panels.models import Intervention, SupportPlan
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import interventions_for_case, plan_for_case
from panels.services.cases import IDENTITY_PURPOSE
from panels.services.support import intervention_assign
from prevent_cases.exceptions import AccessDenied, TransitionNotAllowed
from referrals.selectors import holdings
from tests.panels.factories import open_case
from tests.panels.support_steps import (
    adopt_and_assess,
    fresh,
    intervention,
    move,
    record_plan,
)

pytestmark = pytest.mark.django_db

PROVIDER = "Northby Mentoring Partnership"
PROBATION = "Northby Probation Service"


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def case(officer, chair):
    return adopt_and_assess(chair, open_case(officer, chair))


def test_the_chair_records_a_plan_and_each_provider_is_given_its_own_intervention(
    case, chair, user, agency
):
    provider, probation = agency(PROVIDER), agency(PROBATION)
    plan = record_plan(
        chair,
        case,
        intervention(provider, practitioner=user("northby.provider")),
        intervention(probation, type="life_skills", goals=("Manage anger",), planned_sessions=4),
    )
    life_skills, mentoring = Intervention.objects.filter(plan=plan).order_by("type")
    assert [goal.description for goal in mentoring.goals.all()] == [
        "Attend sessions",
        "Build a positive peer network",
    ]

    decision = SharingDecision.objects.get(receiving_agency=provider, scope=mentoring.scope)
    assert decision.categories == [Category.SUPPORT]
    assert decision.source_agency_id == chair.membership.agency_id
    assert decision.legal_basis == LegalBasis.CTSA_S38

    for username, own in (("northby.provider", mentoring), ("northby.probation", life_skills)):
        viewer = user(username)
        shown = panel_case_get_for_user(membership=viewer.membership, panel_case_id=case.pk)
        assert interventions_for_case(case=shown) == [own]
        # The plan as a whole is the panel's whole-case information: not theirs.
        assert plan_for_case(case=shown) is None
        # They know who they support: the police's identity, passed on by the panel.
        held = holdings(agency=viewer.membership.agency, referral=case.referral)
        assert (Category.IDENTITY, case.referral.owning_agency_id, "") in held

    chair_view = panel_case_get_for_user(membership=chair.membership, panel_case_id=case.pk)
    assert set(interventions_for_case(case=chair_view)) == {mentoring, life_skills}
    assert plan_for_case(case=chair_view) == plan
    assert AuditEvent.objects.filter(type=EventType.INTERVENTION_ASSIGNED).count() == 2
    recorded = AuditEvent.objects.get(type=EventType.SUPPORT_PLAN_RECORDED)
    assert sorted(recorded.payload["interventions"]) == sorted(
        [str(mentoring.pk), str(life_skills.pk)]
    )


def test_identity_is_passed_on_once_per_provider(case, chair, agency):
    provider = agency(PROVIDER)
    plan = record_plan(chair, case, intervention(provider))
    intervention_assign(
        actor=chair,
        membership=chair.membership,
        panel_case=fresh(case),
        plan=plan,
        data=intervention(provider, type="civic"),
    )
    identity = SharingDecision.objects.filter(receiving_agency=provider, purpose=IDENTITY_PURPOSE)
    assert identity.count() == 1


def test_an_intervention_needs_goals_sessions_and_a_practitioner_of_its_agency(
    case, chair, user, agency
):
    with pytest.raises(ValidationError) as refused:
        record_plan(
            chair,
            case,
            intervention(
                agency(PROVIDER),
                practitioner=user("northby.probation"),
                goals=("  ",),
                planned_sessions=0,
            ),
        )
    assert set(refused.value.message_dict) == {
        "interventions.0.practitioner",
        "interventions.0.goals",
        "interventions.0.planned_sessions",
    }
    assert not SupportPlan.objects.exists()
    assert not SharingDecision.objects.filter(scope__startswith="intervention:").exists()


def test_a_plan_is_recorded_at_the_support_plan_stage(officer, chair, agency):
    case = move(chair, open_case(officer, chair), "adopt")
    with pytest.raises(TransitionNotAllowed):
        record_plan(chair, case, intervention(agency(PROVIDER)))


@pytest.mark.parametrize(
    "username", ["southmere.chair", "northby.probation", "northby.health", "northby.officer"]
)
def test_only_the_case_panel_chair_or_coordinator_records_the_plan(case, user, agency, username):
    with pytest.raises(AccessDenied):
        record_plan(user(username), case, intervention(agency(PROVIDER)))
    assert record_plan(user("northby.coordinator"), case, intervention(agency(PROVIDER)))
