"""The API for the later stages of a case: the same rules and the same minimising as the
pages. A case the caller cannot see is a 404; an action it may not take is a 403."""

import pytest
from django.utils import timezone

from panels.models import Assessment
from panels.models.vocabulary import ExitOutcome, Stage
from panels.rules.stages import StageEvent
from panels.selectors.support import framework_factors
from prevent_cases.models import Area
from tests.factories import JUSTIFICATION
from tests.panels.factories import open_case
from tests.panels.support_steps import SUMMARY, adopt_and_assess, fresh, move, to_review

pytestmark = pytest.mark.django_db

PROVIDER = "Northby Mentoring Partnership"
JSON = "application/json"


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _url(case, tail=""):
    return f"/api/panels/cases/{case.pk}/{tail}"


def test_the_assessment_through_the_api(officer, chair, sign_in):
    case = move(chair, open_case(officer, chair), StageEvent.ADOPT)
    # The police see the case (they logged the referral) but do not run the panel.
    as_chair, as_police = sign_in("northby.chair"), sign_in("northby.officer")

    assert as_police.post(_url(case, "assessment/start/")).status_code == 403
    # Health has been given nothing of the case, so for it the case does not exist.
    assert sign_in("northby.health").post(_url(case, "assessment/start/")).status_code == 404
    assert sign_in("southmere.chair").get(_url(case, "assessment/")).status_code == 404
    started = as_chair.post(_url(case, "assessment/start/"))
    assert started.status_code == 201, started.json()

    refused = as_chair.post(
        _url(case, "assessment/entries/"), {"factor": "nope", "rating": "present"}, JSON
    )
    assert refused.status_code == 400
    assert "factor" in refused.json()["errors"]
    for factor in framework_factors(Assessment.objects.get().framework_id):
        response = as_chair.post(
            _url(case, "assessment/entries/"),
            {"factor": factor.code, "rating": "present", "evidence": "Seen."},
            JSON,
        )
        assert response.status_code == 201
    assert (
        as_police.post(_url(case, "assessment/agree/"), {"summary": SUMMARY}, JSON).status_code
        == 403
    )
    agreed = as_chair.post(_url(case, "assessment/agree/"), {"summary": SUMMARY}, JSON)
    assert agreed.status_code == 200, agreed.json()
    assert agreed.json()["agreed_at"]

    shown = as_chair.get(_url(case, "assessment/")).json()
    assert shown["current"]["summary"] == SUMMARY
    assert len(shown["entries"]) == 22
    # The police logged the referral, but the panel's assessment is not theirs to see.
    police = sign_in("northby.officer").get(_url(case, "assessment/")).json()
    assert police["entries"] == []
    assert "summary" not in police["current"]


def test_consent_plan_and_what_a_provider_sees(officer, chair, sign_in, agency):
    case = adopt_and_assess(chair, open_case(officer, chair))
    as_chair = sign_in("northby.chair")
    plan = {
        "consent_approach": "The coordinator meets the parent at home to explain Channel.",
        "consent_sought_by": "The coordinator",
        "consent_sought_on": str(timezone.localdate()),
        "support_summary": "Mentoring towards a positive peer network.",
        "version": fresh(case).version,
        "interventions": [
            {
                "type": "mentoring",
                "delivering_agency": str(agency(PROVIDER).pk),
                "goals": ["Attend sessions"],
                "planned_sessions": 6,
                "start_on": str(timezone.localdate()),
            }
        ],
    }
    assert sign_in("northby.officer").post(_url(case, "plan/"), plan, JSON).status_code == 403
    response = as_chair.post(_url(case, "plan/"), plan, JSON)
    assert response.status_code == 201, response.json()
    stale = as_chair.post(_url(case, "plan/"), plan, JSON)
    assert stale.status_code == 409

    provider = sign_in("northby.provider").get(_url(case, "plan/")).json()
    assert "plan" not in provider
    assert [i["type"] for i in provider["interventions"]] == ["mentoring"]

    consent = {
        "decision": "given",
        "given_by": "parent_guardian",
        "obtained_on": str(timezone.localdate()),
        "method": "in_person",
        "capacity_considered": True,
        "version": fresh(case).version,
    }
    assert as_chair.post(_url(case, "consent/"), consent, JSON).status_code == 201
    assert [c["decision"] for c in as_chair.get(_url(case, "consent/")).json()] == ["given"]
    assert sign_in("northby.provider").get(_url(case, "consent/")).json() == []


def test_reviews_and_transfer_through_the_api(officer, chair, sign_in, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    other = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    case = move(chair, case, StageEvent.EXIT, exit_outcome=ExitOutcome.NO_FURTHER_CONCERN)
    as_chair = sign_in("northby.chair")

    reviews = as_chair.get(_url(case, "reviews/")).json()
    assert [r["months_after_exit"] for r in reviews] == [6, 12]
    assert as_chair.post(_url(case, "reviews/extend/")).status_code == 201
    recorded = as_chair.post(
        _url(case, f"reviews/{reviews[0]['id']}/"),
        {"outcome": "no_further_concern", "rationale": "No concern reported by any partner."},
        JSON,
    )
    assert recorded.status_code == 200, recorded.json()
    assert recorded.json()["reopened_case"] is None

    body = {
        "to_area": str(Area.objects.get(name="Southmere").pk),
        "note": "The family moved to Southmere last week.",
        "version": fresh(other).version,
        "purpose": "Continue Channel support in the area the person now lives in",
        "legal_basis": "ctsa_2015_s36_38",
        "consent_status": "given",
        "justification": JUSTIFICATION,
    }
    assert sign_in("northby.officer").post(_url(other, "transfer/"), body, JSON).status_code == 403
    response = as_chair.post(_url(other, "transfer/"), body, JSON)
    assert response.status_code == 201, response.json()
    assert fresh(other).stage == Stage.EXITED
