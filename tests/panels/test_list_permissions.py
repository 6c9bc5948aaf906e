"""Who the delivering agency's lists and the panel's case list show, both ways: an agency
lists an intervention assigned to it while a live decision shares it (the intervention's own
scope, or the panel's support information for the whole case) and not after, and never one
assigned to another agency; the chair lists the open cases before its own panel only. The
page and the API lists answer alike, in a fixed number of queries."""

import pytest

from audit.record.chain import atomic_unit
from audit.vocabulary import Category
from panels.models import PanelCase
from panels.models.support import intervention_scope
from panels.models.vocabulary import Stage
from panels.rules.decisions import panel_share
from referrals.models import Referral, ReferralGrant
from referrals.services.case import referral_decision_revoke, referral_share
from referrals.services.grants import permissions_by_category
from tests.panels.delivery_steps import (
    accepted_by_provider,
    share_with_health,
)
from tests.panels.factories import open_case

pytestmark = pytest.mark.django_db

PAGE = "/panels/interventions/"
API = "/api/panels/interventions/"
CASES = "/api/panels/cases/"


@pytest.fixture
def work(people):
    return accepted_by_provider(people)


def _listed(client, work) -> dict[str, bool]:
    """Whether the page and the API list show the intervention."""
    api_ids = {row["id"] for row in client.get(API).json()["results"]}
    return {
        "page": f"/panels/interventions/{work.pk}/" in client.get(PAGE).content.decode(),
        "api": str(work.pk) in api_ids,
    }


def _revoke(people, work, grant: ReferralGrant) -> None:
    chair = people["chair"]
    with atomic_unit():
        referral_decision_revoke(
            actor=chair,
            membership=chair.membership,
            referral=work.panel_case.referral,
            decision=grant.decision,
            reason="The provider no longer works with the person.",
        )


def _support_grant(people, work, scope: str) -> ReferralGrant:
    return ReferralGrant.objects.select_related("decision").get(
        group_id=people["provider_agency"].group_id,
        content_object_id=work.referral_id,
        permission_id=permissions_by_category()[Category.SUPPORT],
        scope=scope,
    )


def _share_whole_case_support(people, work) -> None:
    chair = people["chair"]
    with atomic_unit():
        referral_share(
            actor=chair,
            membership=chair.membership,
            referral=work.panel_case.referral,
            receiving_agency=people["provider_agency"],
            data=panel_share(
                (Category.SUPPORT,),
                purpose="The plan, for the provider's review of its mentoring",
                justification="The provider delivers the plan and reviews it with the panel.",
                consent_reason="Shared with the person's consent to the plan.",
            ),
        )


def test_an_agency_lists_its_intervention_only_while_a_live_decision_shares_it(
    sign_in, people, work
):
    client = sign_in("northby.provider")
    assert _listed(client, work) == {"page": True, "api": True}

    # The panel's support information for the whole case also shares it...
    _share_whole_case_support(people, work)
    _revoke(people, work, _support_grant(people, work, intervention_scope(work.pk)))
    assert _listed(client, work) == {"page": True, "api": True}

    # ...and with neither decision live, it is no longer listed.
    _revoke(people, work, _support_grant(people, work, ""))
    assert _listed(client, work) == {"page": False, "api": False}


def test_a_shared_case_lists_no_intervention_assigned_to_another_agency(sign_in, people, work):
    # Health holds the panel's support information on the case and delivers for its own
    # agency, but nothing on this case was assigned to it.
    share_with_health(people, work)
    client = sign_in("northby.health")
    assert client.get(API).json()["results"] == []
    assert _listed(client, work) == {"page": False, "api": False}


def test_the_chair_lists_only_open_cases_before_its_own_panel(sign_in, people):
    officer, chair = people["officer"], people["chair"]
    listed = open_case(officer, chair)
    closed = open_case(officer, chair)
    PanelCase.objects.filter(pk=closed.pk).update(stage=Stage.EXITED)

    rows = sign_in("northby.chair").get(CASES).json()["results"]

    assert [row["id"] for row in rows] == [str(listed.pk)]
    assert sign_in("southmere.chair").get(CASES).json()["results"] == []
    # Once another agency is responsible for the referral, the case is not this panel's.
    Referral.objects.filter(pk=listed.referral_id).update(
        responsible_agency=people["provider_agency"]
    )
    assert sign_in("northby.chair").get(CASES).json()["results"] == []


@pytest.mark.parametrize(
    ("username", "url"),
    [
        ("northby.provider", PAGE),
        ("northby.provider", f"{PAGE}?show=finished"),
        ("northby.provider", API),
        ("northby.provider", f"{API}?status=finished"),
        ("northby.chair", CASES),
    ],
)
def test_each_list_reads_at_most_ten_queries(
    sign_in, work, username, url, django_assert_max_num_queries
):
    """Ten here, twelve as the benchmark counts them: the read event's BEGIN and COMMIT are
    hidden by the test's own transaction."""
    client = sign_in(username)
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200
