"""Two coordinators accepting the same referral at once leave one panel case, and the
referral out of the inbox: taking it out of the inbox locks its row, so the second waits
for the first and then finds its case."""

from panels.models import PanelCase
from panels.selectors.cases import channel_inbox
from panels.services.cases import panel_case_open
from prevent_cases.exceptions import ConflictError
from prevent_cases.models import User
from referrals.models import Referral
from tests.factories import progressed_referral
from tests.support.concurrency import CONCURRENT_WRITERS, race

pytestmark = CONCURRENT_WRITERS

TRIALS = 5


def _accept(username: str, referral_id):
    def accept():
        person = User.objects.select_related("membership__agency").get(username=username)
        referral = Referral.objects.get(pk=referral_id)
        return panel_case_open(actor=person, membership=person.membership, referral=referral)

    return accept


def test_two_coordinators_accepting_at_once_open_one_case(demo_people):
    officer = User.objects.select_related("membership__agency").get(username="northby.officer")
    chair = User.objects.select_related("membership__agency").get(username="northby.chair")
    for _ in range(TRIALS):
        referral = progressed_referral(officer)

        outcomes = race(
            _accept("northby.chair", referral.pk), _accept("northby.coordinator", referral.pk)
        )

        assert sum(isinstance(o, PanelCase) for o in outcomes) == 1, outcomes
        assert sum(isinstance(o, ConflictError) for o in outcomes) == 1, outcomes
        assert PanelCase.objects.filter(referral=referral).count() == 1
        assert Referral.objects.get(pk=referral.pk).awaiting_panel is False
        assert referral not in channel_inbox(membership=chair.membership)
