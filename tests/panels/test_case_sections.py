"""The case page leads to the case's other pages for those they concern, and lets the
panel add an agency for one case."""

import pytest

from audit.event_types import EventType
from audit.models import AuditEvent
from prevent_cases.models import Agency
from tests.factories import share
from tests.panels.factories import open_case

pytestmark = pytest.mark.django_db


def test_the_panel_finds_every_part_of_the_case_from_its_page(sign_in, officer, user):
    case = open_case(officer, user("northby.chair"))
    page = sign_in("northby.chair").get(f"/panels/cases/{case.pk}/").content.decode()
    for path in ("assessment/", "consent/", "plan/", "transfer/"):
        assert f"/panels/cases/{case.pk}/{path}" in page
    assert "Add to the panel for this case" in page


def test_a_partner_is_not_offered_the_panel_s_pages(sign_in, officer, user):
    chair = user("northby.chair")
    case = open_case(officer, chair)
    share(case.referral, chair, Agency.objects.get(name="Northby NHS Trust"))
    page = sign_in("northby.health").get(f"/panels/cases/{case.pk}/").content.decode()
    assert f"/panels/cases/{case.pk}/assessment/" in page
    assert "/transfer/" not in page
    assert "/consent/" not in page
    assert "Add to the panel for this case" not in page


def test_the_chair_adds_an_agency_for_one_case_and_others_may_not(sign_in, officer, user):
    case = open_case(officer, user("northby.chair"))
    outsider = Agency.objects.get(name="Southmere Probation Service")
    refused = sign_in("northby.health").post(
        f"/panels/cases/{case.pk}/members/add/", {"agency": outsider.pk}
    )
    assert refused.status_code in (403, 404)
    assert not case.added_members.exists()

    response = sign_in("northby.chair").post(
        f"/panels/cases/{case.pk}/members/add/", {"agency": outsider.pk}
    )
    assert response.status_code == 302
    assert list(case.added_members.all()) == [outsider]
    assert AuditEvent.objects.filter(type=EventType.PANEL_MEMBER_ADDED).count() == 1
