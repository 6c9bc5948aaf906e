"""Two support plans written at once from the same version of a case leave one: the
case's version is raised by a conditional update, which PostgreSQL serialises on the row."""

from audit.models import SharingDecision
from panels.models import SupportPlan
from prevent_cases.exceptions import ConflictError
from prevent_cases.models import Agency, User
from tests.panels.factories import open_case
from tests.panels.support_steps import adopt_and_assess, fresh, intervention, record_plan
from tests.support.concurrency import CONCURRENT_WRITERS, race

pytestmark = CONCURRENT_WRITERS

TRIALS = 5


def _person(username: str) -> User:
    return User.objects.select_related("membership__agency").get(username=username)


def _write(case_id, version: int, provider: Agency):
    def write():
        case = fresh(case_id)
        return record_plan(_person("northby.chair"), case, intervention(provider), version=version)

    return write


def test_two_plan_writes_from_one_version_leave_one(demo_people):
    officer, chair = _person("northby.officer"), _person("northby.chair")
    provider = Agency.objects.get(name="Northby Mentoring Partnership")
    for _ in range(TRIALS):
        case = adopt_and_assess(chair, open_case(officer, chair))
        version = fresh(case).version

        outcomes = race(_write(case.pk, version, provider), _write(case.pk, version, provider))

        assert sum(isinstance(o, ConflictError) for o in outcomes) == 1, outcomes
        assert SupportPlan.objects.filter(panel_case=case).count() == 1
        # The losing write shared nothing: one intervention, one decision for its scope.
        assert (
            SharingDecision.objects.filter(
                case_id=case.referral_id, scope__startswith="intervention:"
            ).count()
            == 1
        )
