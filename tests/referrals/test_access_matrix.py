"""Who sees what: every role and relationship to a case, on every page and endpoint that
touches case data. A case the user may not see answers 404 everywhere, as if missing; only
an agency that was once given it is told, on the referral's page, that its access ended."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from audit.vocabulary import Category
from referrals.services.case import referral_decision_revoke
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

GIVEN_NAMES, FAMILY_NAME = "Alex", "Testperson"
CONCERN = "Synthetic concern"
REASON = "The agency no longer has a part to play in this case."

# username -> (relationship, what the user may see: None for nothing, else categories)
RELATIONSHIPS = {
    "northby.officer": ("owner agency", "all"),
    "northby.health": ("granted agency", {Category.IDENTITY, Category.CONCERN}),
    "northby.education": ("granted other categories", {Category.FAMILY}),
    "northby.childrens": ("revoked", None),
    "northby.probation": ("expired", None),
    "northby.provider": ("unrelated agency in the area", None),
    "southmere.officer": ("unrelated police force", None),
    "northby.auditor": ("auditor of a granted agency", None),
    "northby.admin": ("administrator of a granted agency", None),
}

# Relationships whose agency was given the case and no longer holds it.
ENDED = {"revoked", "expired"}


@pytest.fixture
def case(user, agency):
    """One referral with a decision for each relationship, seen two hours later."""
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, agency("Northby NHS Trust"))
    share(referral, officer, agency("Northby College"), categories=(Category.FAMILY,))
    revoked = share(referral, officer, agency("Northby Children's Services"))
    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=revoked,
        reason=REASON,
    )
    share(
        referral,
        officer,
        agency("Northby Probation Service"),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    share(referral, officer, agency("Northby Council Information Governance"))
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2), tick=True):
        yield referral


def _case_paths(referral) -> dict[str, str]:
    return {
        "page": f"/referrals/{referral.pk}/",
        "api": f"/api/referrals/{referral.pk}/",
        "decisions api": f"/api/referrals/{referral.pk}/sharing-decisions/",
        "share page": f"/referrals/{referral.pk}/sharing/new/",
        "screening page": f"/referrals/{referral.pk}/screening/outcome/",
    }


@pytest.mark.parametrize("username", RELATIONSHIPS)
def test_case_pages_and_endpoints(sign_in, case, username):
    relationship, sees = RELATIONSHIPS[username]
    client = sign_in(username)
    paths = _case_paths(case)
    responses = {name: client.get(path) for name, path in paths.items()}
    listed = client.get("/api/referrals/").json()["results"]
    listed_page = client.get("/referrals/").content.decode()

    if sees is None:
        ended = relationship in ENDED
        assert {name: r.status_code for name, r in responses.items()} == {
            **dict.fromkeys(paths, 404),
            "page": 403 if ended else 404,
        }, relationship
        page = responses["page"].content.decode()
        assert ("Your access to this referral has ended" in page) is ended
        assert (case.reference in page) is ended
        assert FAMILY_NAME not in page
        assert CONCERN not in page
        assert listed == []
        assert case.reference not in listed_page
        return

    assert responses["page"].status_code == 200, relationship
    assert responses["api"].status_code == 200
    assert responses["decisions api"].status_code == 200
    assert [row["id"] for row in listed] == [str(case.pk)]
    assert case.reference in listed_page
    visible = set(Category.values) if sees == "all" else sees
    page = responses["page"].content.decode()
    body = responses["api"].json()
    assert set(body["categories"]) == visible
    assert (FAMILY_NAME in page) is (Category.IDENTITY in visible)
    assert (CONCERN in page) is (Category.CONCERN in visible)
    assert ("identity" in body) is (Category.IDENTITY in visible)
    assert ("concern" in body) is (Category.CONCERN in visible)
    # Only the owner's officer may record decisions here; a receiver sees the case but may
    # not share it on (403, not 404, because the case is visible to them).
    assert responses["share page"].status_code == (200 if sees == "all" else 403)
    assert responses["screening page"].status_code == (200 if sees == "all" else 403)


def test_receivers_see_only_decisions_naming_their_own_agency(sign_in, case, agency):
    decisions = sign_in("northby.health").get(f"/api/referrals/{case.pk}/sharing-decisions/").json()
    assert {row["receiving_agency"]["name"] for row in decisions} == {"Northby NHS Trust"}


def test_unknown_and_forbidden_cases_answer_alike(sign_in, case):
    client = sign_in("southmere.officer")
    forbidden = client.get(f"/api/referrals/{case.pk}/")
    missing = client.get("/api/referrals/00000000-0000-4000-8000-000000000000/")
    assert forbidden.status_code == missing.status_code == 404
    assert forbidden.json() == missing.json()


def test_admin_site_shows_no_case_data(sign_in, case):
    client = sign_in("northby.admin")
    for path in ("/admin/referrals/referral/", "/admin/audit/sharingdecision/"):
        assert client.get(path).status_code == 404
    index = client.get("/admin/").content.decode()
    assert "Referral" not in index
