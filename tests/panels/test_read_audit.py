"""The read of a panel case is recorded with what the viewer is shown: for a partner, what
its grants give and what it sees by no grant (its own contributions and assessment
entries, the panel's requests addressed to it)."""

import pytest

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from panels.rules.stages import StageEvent
from panels.selectors.support import framework_factors
from panels.services.assessment import assessment_entry_record, assessment_start
from tests.factories import share
from tests.panels.factories import open_case
from tests.panels.request_factories import answer_by_sharing, send_request
from tests.panels.support_steps import move

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"


def _viewed(client, path: str) -> AuditEvent:
    assert client.get(path).status_code == 200
    return AuditEvent.objects.filter(type=EventType.CASE_VIEWED).order_by("-seq").first()


def test_a_partner_s_read_names_its_own_contributions_and_the_request_to_it(sign_in, user, agency):
    """The trust answered the panel's request: its page read names the panel's request
    (panel, the panel's) and its own answer and entry (health, assessment: the trust's),
    beside what the panel passed on (identity, the police's); it names nothing it is not
    shown, such as the police's concern."""
    officer, chair, health = user("northby.officer"), user("northby.chair"), user("northby.health")
    case = open_case(officer, chair)
    answer_by_sharing(send_request(case, chair, agency(HEALTH)), health)
    case = move(chair, case, StageEvent.ADOPT)
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    assessment_entry_record(
        actor=health,
        membership=health.membership,
        assessment=assessment,
        factor=framework_factors(assessment.framework_id)[0].code,
        rating="present",
        evidence="Synthetic evidence the trust holds.",
    )
    client = sign_in("northby.health")

    for path, via in (
        (f"/panels/cases/{case.pk}/", "page"),
        (f"/api/panels/cases/{case.pk}/", "api"),
    ):
        event = _viewed(client, path)
        assert event.target_id == case.referral_id
        assert event.payload["via"] == via
        assert event.payload["categories"] == sorted(
            {Category.IDENTITY, Category.PANEL, Category.HEALTH, Category.ASSESSMENT}
        )
        assert event.payload["sources"] == sorted(
            str(pk)
            for pk in (
                case.referral.owning_agency_id,
                case.source_agency_id,
                health.membership.agency_id,
            )
        )


def test_a_partner_with_nothing_of_its_own_on_the_case_reads_only_its_grants(sign_in, user, agency):
    """The college was asked nothing and contributed nothing: its read names only what the
    police shared with it."""
    officer, chair = user("northby.officer"), user("northby.chair")
    case = open_case(officer, chair)
    share(case.referral, officer, agency("Northby College"), categories=("identity",))

    event = _viewed(sign_in("northby.education"), f"/panels/cases/{case.pk}/")

    assert event.payload["categories"] == [Category.IDENTITY]
    assert event.payload["sources"] == [str(case.referral.owning_agency_id)]
