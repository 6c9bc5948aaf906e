"""The page that assigns an intervention needs a plan to assign it under."""

import pytest

from tests.panels.factories import open_case
from tests.panels.support_steps import adopt_and_assess, record_plan

pytestmark = pytest.mark.django_db


def _url(case) -> str:
    return f"/panels/cases/{case.pk}/plan/interventions/new/"


def test_with_no_plan_the_chair_is_sent_to_record_one(sign_in, user):
    """Before the panel records a plan, asking to assign an intervention leads to the plan
    page with the reason, rather than failing; once there is a plan, the form opens."""
    officer, chair = user("northby.officer"), user("northby.chair")
    case = adopt_and_assess(chair, open_case(officer, chair))
    client = sign_in("northby.chair")

    response = client.get(_url(case), follow=True)

    assert response.redirect_chain == [(f"/panels/cases/{case.pk}/plan/", 302)]
    assert "Record the support plan before assigning interventions." in response.content.decode()
    record_plan(chair, case)
    assert client.get(_url(case)).status_code == 200


def test_others_are_refused_before_anything_is_said_of_the_plan(sign_in, user):
    officer, chair = user("northby.officer"), user("northby.chair")
    case = open_case(officer, chair)
    assert sign_in("northby.officer").get(_url(case)).status_code == 403
    assert sign_in("southmere.chair").get(_url(case)).status_code == 404
