"""Two consent records made at once from the same version of a case leave one: the case's
version is raised by a conditional update, which PostgreSQL serialises on the row."""

from panels.models import Consent
from panels.models.vocabulary import ConsentDecision
from prevent_cases.exceptions import ConflictError
from prevent_cases.models import Agency, User
from tests.panels.factories import open_case
from tests.panels.support_steps import (
    adopt_and_assess,
    consent,
    fresh,
    intervention,
    record_plan,
)
from tests.support.concurrency import CONCURRENT_WRITERS, race

pytestmark = CONCURRENT_WRITERS

TRIALS = 5


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _record(case_id, version: int, decision: str):
    def record():
        case = fresh(case_id)
        return consent(_person("northby.chair"), case, decision=decision, version=version)

    return record


def test_two_consent_records_from_one_version_leave_one(demo_people):
    officer, chair = _person("northby.officer"), _person("northby.chair")
    provider = Agency.objects.get(name="Northby Mentoring Partnership")
    for _ in range(TRIALS):
        case = adopt_and_assess(chair, open_case(officer, chair))
        record_plan(chair, case, intervention(provider))
        version = fresh(case).version

        outcomes = race(
            _record(case.pk, version, ConsentDecision.GIVEN),
            _record(case.pk, version, ConsentDecision.REFUSED),
        )

        assert sum(isinstance(o, ConflictError) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, Consent) for o in outcomes) == 1, outcomes
        assert Consent.objects.filter(panel_case=case).count() == 1
        assert fresh(case).version == version + 1
