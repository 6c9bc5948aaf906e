"""Two decisions on one case at once, on PostgreSQL with real connections: whatever order
their transactions interleave in, one is recorded and the other is told of a conflict."""

import pytest
from django.db import connection

from panels.models import AgendaItem, Meeting, PanelCase, StageMove
from panels.models.vocabulary import DecisionMethod, Stage
from panels.rules.stages import StageEvent
from panels.selectors.meetings import item_for_update
from panels.services.meetings import agenda_decision_record
from prevent_cases.exceptions import ConflictError
from prevent_cases.models import Agency, User
from tests.panels.factories import open_case
from tests.panels.meeting_factories import meeting_with_agenda
from tests.support.concurrency import race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers and row locks are tested on PostgreSQL",
    ),
]

TRIALS = 10
REASONS = "Susceptibility is clear from the referral and partners' information."


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _decide(username: str, meeting_id, item_id, event: str, version: int):
    def decide():
        by = _person(username)
        meeting = Meeting.objects.select_related("panel").get(pk=meeting_id)
        item = item_for_update(meeting=meeting, item_id=item_id)
        return agenda_decision_record(
            actor=by,
            membership=by.membership,
            item=item,
            event=event,
            method=DecisionMethod.UNANIMOUS,
            votes_for=None,
            votes_against=None,
            rationale=REASONS,
            details=None,
            version=version,
        )

    return decide


def test_two_decisions_on_one_case_at_once_one_wins_the_other_conflicts(demo_people):
    officer, chair = _person("northby.officer"), _person("northby.chair")
    police = Agency.objects.get(name="Northby Police Prevent Team")
    for _ in range(TRIALS):
        case = open_case(officer, chair)
        meeting = meeting_with_agenda(chair, police)
        item = AgendaItem.objects.get(meeting=meeting, panel_case=case)

        outcomes = race(
            _decide("northby.chair", meeting.pk, item.pk, StageEvent.ADOPT, 1),
            _decide("northby.coordinator", meeting.pk, item.pk, StageEvent.ADOPT, 1),
        )

        assert sorted(type(outcome).__name__ for outcome in outcomes) == [
            "AgendaItem",
            ConflictError.__name__,
        ], outcomes
        case = PanelCase.objects.get(pk=case.pk)
        assert (case.stage, case.version) == (Stage.ASSESSMENT, 2)
        assert StageMove.objects.filter(panel_case=case).count() == 1
