"""The pages of the later stages: what each viewer is shown, forms that keep what was
typed and report every problem at once, 403 for an action the viewer may not take and 404
for a case it cannot see."""

import re

import pytest

from panels.models import Intervention
from panels.rules.stages import StageEvent
from panels.selectors.support import plan_current
from panels.services.assessment import assessment_start
from panels.services.support import intervention_assign
from tests.panels.factories import open_case
from tests.panels.support_steps import (
    adopt_and_assess,
    fresh,
    intervention,
    move,
    record_plan,
    to_review,
)

pytestmark = pytest.mark.django_db

PROVIDER = "Northby Mentoring Partnership"
PROBATION = "Northby Probation Service"


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _url(case, tail):
    return f"/panels/cases/{case.pk}/{tail}"


def test_the_assessment_page_and_entry_form(officer, chair, sign_in):
    case = move(chair, open_case(officer, chair), StageEvent.ADOPT)
    as_chair = sign_in("northby.chair")
    assert sign_in("southmere.chair").get(_url(case, "assessment/")).status_code == 404
    page = as_chair.get(_url(case, "assessment/"))
    assert page.status_code == 200
    assert b"No assessment has been started" in page.content

    assert as_chair.post(_url(case, "assessment/start/")).status_code == 302
    page = as_chair.get(_url(case, "assessment/"))
    assert b"Feelings of grievance and injustice" in page.content

    typed = {"factor": "under_threat", "evidence": "Said he feels watched at college."}
    refused = as_chair.post(_url(case, "assessment/entry/"), typed)
    assert refused.status_code == 400
    assert b"There is a problem" in refused.content
    assert b"Said he feels watched at college." in refused.content

    done = as_chair.post(_url(case, "assessment/entry/"), {**typed, "rating": "present"})
    assert done.status_code == 302
    page = as_chair.get(_url(case, "assessment/")).content.decode()
    assert "Said he feels watched at college." in page
    # The rating is shown in the framework's words, not as its code.
    assert re.search(r"\(panel\):\s*Present\s*</p>", page)

    # The police see the case but neither agree the assessment nor see the panel's entries.
    as_police = sign_in("northby.officer")
    assert as_police.get(_url(case, "assessment/agree/")).status_code == 403
    assert b"Said he feels watched" not in as_police.get(_url(case, "assessment/")).content

    agree = as_chair.post(_url(case, "assessment/agree/"), {"summary": "Short."})
    assert agree.status_code == 400
    assert b"21 factor(s)" in agree.content
    assert b"at least 40 characters" in agree.content


def test_the_consent_form_reports_every_problem_at_once(officer, chair, sign_in, agency):
    case = adopt_and_assess(chair, open_case(officer, chair))
    record_plan(chair, case, intervention(agency(PROVIDER)))
    as_chair = sign_in("northby.chair")
    typed = {
        "decision": "refused",
        "given_by": "person",
        "obtained_on": "01/01/2099",
        "note": "Typed before the error.",
        "version": fresh(case).version,
    }
    refused = as_chair.post(_url(case, "consent/"), typed)
    assert refused.status_code == 400
    for message in (b"under 18", b"in the future", b"capacity", b"re-assess", b"reasons"):
        assert message in refused.content
    assert b"Typed before the error." in refused.content
    assert sign_in("northby.officer").post(_url(case, "consent/"), typed).status_code == 403

    given = {
        "decision": "given",
        "given_by": "parent_guardian",
        "obtained_on": "01/12/2026",
        "method": "in_person",
        "capacity_considered": "on",
        "version": fresh(case).version,
    }
    assert as_chair.post(_url(case, "consent/"), given).status_code == 302
    assert b"Consent given" in as_chair.get(_url(case, "consent/")).content
    provider_page = sign_in("northby.provider").get(_url(case, "consent/"))
    assert b"Consent given" not in provider_page.content
    assert b"Record consent" not in provider_page.content


def test_a_provider_sees_only_its_own_intervention_and_the_page_does_not_grow_in_queries(
    officer, chair, sign_in, agency, django_assert_max_num_queries
):
    case = adopt_and_assess(chair, open_case(officer, chair))
    plan = record_plan(
        chair,
        case,
        intervention(agency(PROVIDER), goals=("Mentor goal",)),
        intervention(agency(PROBATION), goals=("Probation goal",)),
    )
    as_provider = sign_in("northby.provider")
    page = as_provider.get(_url(case, "plan/"))
    assert b"Mentor goal" in page.content
    assert b"Probation goal" not in page.content
    assert b"Record the plan" not in page.content

    as_chair = sign_in("northby.chair")
    with django_assert_max_num_queries(40) as few:
        as_chair.get(_url(case, "plan/"))
    for _ in range(4):
        intervention_assign(
            actor=chair,
            membership=chair.membership,
            panel_case=fresh(case),
            plan=plan,
            data=intervention(agency(PROVIDER)),
        )
    assert Intervention.objects.filter(panel_case=case).count() == 6
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_chair.get(_url(case, "plan/"))


def test_the_plan_and_intervention_forms(officer, chair, sign_in, agency):
    case = adopt_and_assess(chair, open_case(officer, chair))
    as_chair = sign_in("northby.chair")
    refused = as_chair.post(
        _url(case, "plan/record/"),
        {"consent_sought_by": "The coordinator", "version": fresh(case).version},
    )
    assert refused.status_code == 400
    assert b"Say how consent will be sought" in refused.content
    assert b"The coordinator" in refused.content
    assert sign_in("northby.officer").get(_url(case, "plan/record/")).status_code == 403
    done = as_chair.post(
        _url(case, "plan/record/"),
        {
            "consent_approach": "The coordinator meets the parent at home.",
            "consent_sought_by": "The coordinator",
            "consent_sought_on": "10/12/2026",
            "support_summary": "Mentoring towards a positive peer network.",
            "version": fresh(case).version,
        },
    )
    assert done.status_code == 302
    assert plan_current(case)
    assigned = as_chair.post(
        _url(case, "plan/interventions/new/"),
        {
            "type": "mentoring",
            "delivering_agency": str(agency(PROVIDER).pk),
            "goals": "Attend sessions\nBuild a network",
            "planned_sessions": "6",
            "start_on": "14/12/2026",
        },
    )
    assert assigned.status_code == 302
    assert Intervention.objects.get(panel_case=case).goals.count() == 2


def test_review_and_transfer_pages(officer, chair, sign_in, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    as_chair = sign_in("northby.chair")
    assert as_chair.get(_url(case, "transfer/")).status_code == 200
    assert sign_in("northby.officer").get(_url(case, "transfer/")).status_code == 403
    refused = as_chair.post(
        _url(case, "transfer/"),
        {"note": "Moved away to another area recently.", "version": fresh(case).version},
    )
    assert refused.status_code == 400
    assert b"Choose the area the case moves to" in refused.content

    exited = move(chair, case, StageEvent.EXIT, exit_outcome="no_further_concern")
    page = as_chair.get(_url(exited, "reviews/"))
    assert b"6 months after exit" in page.content
    assert as_chair.post(_url(exited, "reviews/extend/")).status_code == 302
    assert b"24 months after exit" in as_chair.get(_url(exited, "reviews/")).content
    review = exited.post_exit_reviews.order_by("months_after_exit").first()
    reopened = as_chair.post(
        _url(exited, f"reviews/{review.pk}/"),
        {"outcome": "reopened", "rationale": "Renewed concern reported by the college."},
    )
    assert reopened.status_code == 302
    assert fresh(exited).next_case.stage == "identification"


def test_the_police_start_nothing_but_record_their_own_entry(officer, chair, sign_in):
    case = move(chair, open_case(officer, chair), StageEvent.ADOPT)
    assert sign_in("northby.officer").post(_url(case, "assessment/start/")).status_code == 403
    assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    assert sign_in("northby.officer").get(_url(case, "assessment/entry/")).status_code == 200
