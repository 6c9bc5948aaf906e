"""Two answers to one request at once, on PostgreSQL with real connections: one is
recorded, the other refused, and the request keeps the one answer."""

import pytest
from django.db import connection

from audit.models import SharingDecision
from audit.vocabulary import DecisionAction
from panels.models import Contribution, InformationRequest
from panels.models.vocabulary import RequestStatus
from prevent_cases.exceptions import ConflictError
from prevent_cases.models import User
from tests.panels.factories import open_case
from tests.panels.request_factories import answer_by_sharing, answer_by_withholding, send_request
from tests.support.concurrency import race

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent answers on separate connections are tested on PostgreSQL",
    ),
]

# A race can pass by luck of scheduling; repeated, only the conditional update makes every
# trial pass.
TRIALS = 5
HEALTH = "Northby NHS Trust"


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _fresh(request_id) -> InformationRequest:
    return InformationRequest.objects.select_related(
        "panel_case__panel", "referral", "source_agency", "to_agency"
    ).get(pk=request_id)


@pytest.mark.parametrize("trial", range(TRIALS))
def test_two_answers_at_once_leave_one(user, agency, trial):
    chair = user("northby.chair")
    case = open_case(user("northby.officer"), chair)
    request = send_request(case, chair, agency(HEALTH))

    outcomes = race(
        lambda: answer_by_sharing(_fresh(request.pk), _person("northby.health")),
        lambda: answer_by_withholding(_fresh(request.pk), _person("northby.health")),
    )

    recorded = [outcome for outcome in outcomes if isinstance(outcome, SharingDecision)]
    refused = [outcome for outcome in outcomes if isinstance(outcome, ConflictError)]
    assert (len(recorded), len(refused)) == (1, 1), outcomes
    (decision,) = recorded
    request.refresh_from_db()
    assert request.answer_id == decision.pk
    shared = decision.action == DecisionAction.SHARE
    expected = RequestStatus.SHARED if shared else RequestStatus.WITHHELD
    assert request.status == expected
    assert SharingDecision.objects.filter(disclosing_agency__name=HEALTH).count() == 1
    assert Contribution.objects.filter(request=request).exists() == shared
