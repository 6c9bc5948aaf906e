"""The panel's decisions at a meeting: who must be present (CTSA s.37), how the panel
decides, and what happens when two people decide on one case at once."""

import pytest
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent
from panels.models import AgendaItem
from panels.models.vocabulary import DecisionMethod, Stage
from panels.rules.stages import StageEvent
from panels.selectors.meetings import item_for_update
from panels.services.meetings import agenda_decision_record, panel_member_add
from prevent_cases.exceptions import AccessDenied, ConflictError
from tests.panels.factories import open_case
from tests.panels.meeting_factories import attend, meeting_with_agenda

pytestmark = pytest.mark.django_db

POLICE = "Northby Police Prevent Team"
REASONS = "Susceptibility is clear from the referral and partners' information."


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _decide(by, item, **overrides):
    item = item_for_update(meeting=item.meeting, item_id=item.pk)
    values = {
        "event": StageEvent.ADOPT,
        "method": DecisionMethod.UNANIMOUS,
        "votes_for": None,
        "votes_against": None,
        "rationale": REASONS,
        "minutes": "Discussed; all agreed.",
        "version": item.panel_case.version,
    }
    values.update(overrides)
    return agenda_decision_record(actor=by, membership=by.membership, item=item, **values)


def test_a_decision_is_refused_until_the_areas_police_are_present(officer, chair, agency):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair)
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)

    with pytest.raises(ValidationError) as refused:
        _decide(chair, item)
    (message,) = refused.value.message_dict["attendance"]
    assert "police force for the area where the person lives (Northby)" in message
    case.refresh_from_db()
    assert case.stage == Stage.IDENTIFICATION

    attend(chair, meeting, agency(POLICE))
    decided = _decide(chair, item)

    assert decided.decision_event == StageEvent.ADOPT
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT
    assert AuditEvent.objects.filter(type=EventType.PANEL_DECISION).count() == 1


def test_another_areas_police_do_not_count(officer, chair, agency):
    """Another force added to the panel for the case is welcome, but is not the force for
    the area where the person lives."""
    case = open_case(officer, chair)
    other_force = agency("Southmere Police Prevent Team")
    panel_member_add(actor=chair, membership=chair.membership, panel_case=case, agency=other_force)
    meeting = meeting_with_agenda(chair, other_force)
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    with pytest.raises(ValidationError) as refused:
        _decide(chair, item)
    assert "attendance" in refused.value.message_dict


def test_majority_needs_votes_and_more_for_than_against(officer, chair, agency):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)

    with pytest.raises(ValidationError) as refused:
        _decide(chair, item, method=DecisionMethod.MAJORITY)
    assert set(refused.value.message_dict) == {"votes_for", "votes_against"}
    with pytest.raises(ValidationError):
        _decide(chair, item, method=DecisionMethod.MAJORITY, votes_for=2, votes_against=2)

    decided = _decide(chair, item, method=DecisionMethod.MAJORITY, votes_for=4, votes_against=1)
    assert (decided.votes_for, decided.votes_against) == (4, 1)


def test_only_the_chair_casts_a_decision_on_a_tie(officer, chair, user, agency):
    coordinator = user("northby.coordinator")
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    tie = {"method": DecisionMethod.CASTING, "votes_for": 3, "votes_against": 3}

    with pytest.raises(ValidationError) as refused:
        _decide(coordinator, item, **tie)
    assert "Only the panel chair" in refused.value.message_dict["method"][0]
    with pytest.raises(ValidationError):
        _decide(chair, item, method=DecisionMethod.CASTING, votes_for=3, votes_against=1)

    decided = _decide(chair, item, **tie)
    assert decided.decision_method == DecisionMethod.CASTING


def test_every_problem_is_reported_at_once_and_nothing_is_written(officer, chair):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair)
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    events = AuditEvent.objects.count()

    with pytest.raises(ValidationError) as refused:
        _decide(
            chair, item, event=StageEvent.NOT_ADOPT, method=DecisionMethod.MAJORITY, rationale=""
        )

    assert {"attendance", "votes_for", "votes_against", "rationale", "not_adopted_route"} <= set(
        refused.value.message_dict
    )
    case.refresh_from_db()
    assert case.stage == Stage.IDENTIFICATION
    assert case.version == 1
    assert AuditEvent.objects.count() == events


def test_a_move_the_stage_does_not_allow_is_refused_clearly(officer, chair, agency):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    with pytest.raises(ValidationError) as refused:
        _decide(chair, item, event=StageEvent.EXIT)
    (message,) = refused.value.message_dict["event"]
    assert message == (
        "The panel cannot decide 'Exit Channel' on a case at identification. It may decide: "
        "adopt as a channel case, do not adopt: record the onward route."
    )


@pytest.mark.parametrize("username", ["northby.health", "northby.officer", "southmere.chair"])
def test_only_the_cases_panel_records_decisions(officer, chair, user, agency, username):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    with pytest.raises(AccessDenied):
        _decide(user(username), item)
    assert _decide(chair, item).decided_at is not None


def test_a_decision_from_a_stale_version_is_a_conflict(officer, chair, user, agency):
    coordinator = user("northby.coordinator")
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair, agency(POLICE))
    item = AgendaItem.objects.get(meeting=meeting, panel_case=case)
    stale = item_for_update(meeting=meeting, item_id=item.pk)

    _decide(chair, item, version=1)
    with pytest.raises(ConflictError):
        agenda_decision_record(
            actor=coordinator,
            membership=coordinator.membership,
            item=stale,
            event=StageEvent.NOT_ADOPT,
            method=DecisionMethod.UNANIMOUS,
            votes_for=None,
            votes_against=None,
            rationale=REASONS,
            version=1,
        )
    case.refresh_from_db()
    assert case.stage == Stage.ASSESSMENT
    assert case.version == 2
