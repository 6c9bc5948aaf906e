"""One chronology of a panel case, on its page and over the API: the referral's steps, the
panel's moves and records and each intervention's events in time order, each entry shown
only to those entitled to it, with filters by agency and by kind, in a fixed number of
queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.record.chain import atomic_unit
from audit.vocabulary import Category
from panels.models import ProgressEntry
from panels.selectors.chronology import Kind
from panels.services.delivery import concern_review_record
from tests.panels.delivery_steps import (
    answer,
    assigned,
    record,
    session,
    share_with_health,
)
from tests.panels.support_steps import RATIONALE

pytestmark = pytest.mark.django_db

ACCEPTED = "We have a mentor free from Monday who knows the college."
NOTES = "He talked about the football team and a part-time job at the leisure centre."
CONCERN = "He mentioned a new online group that his cousin runs."
CORRECTED = "Correcting the date: the session was on the Tuesday, not the Monday."
REVIEWED = "Discussed with the police; a home visit is arranged for next week."
PROBATION = "Probation notes of its first appointment with him."


def _review(chair, entry) -> None:
    entry = ProgressEntry.objects.select_related("intervention__panel_case__referral").get(
        pk=entry.pk
    )
    with atomic_unit():
        concern_review_record(actor=chair, membership=chair.membership, entry=entry, note=REVIEWED)


@pytest.fixture
def delivered(people):
    """A case with two interventions: the mentoring provider accepted with a reason,
    recorded a session, raised a concern (which the panel considered) and corrected an
    entry; probation recorded one session of its own."""
    mentoring, probation = assigned(
        people["officer"], people["chair"], people["provider_agency"], people["probation_agency"]
    )
    answer(people["provider"], mentoring, reason=ACCEPTED)
    answer(people["probation"], probation)
    first = record(people["provider"], mentoring, session(notes=NOTES))
    concern = record(people["provider"], mentoring, session(concern=True, notes=CONCERN))
    record(people["provider"], mentoring, session(notes=CORRECTED), corrects=first)
    record(people["probation"], probation, session(notes=PROBATION))
    _review(people["chair"], concern)
    return mentoring


def page_url(work) -> str:
    return reverse("panels:case-chronology", kwargs={"case_id": work.panel_case_id})


def api_url(work) -> str:
    return f"/api/panels/cases/{work.panel_case_id}/chronology/"


def test_the_chair_sees_every_part_of_the_case_in_time_order(people, sign_in, delivered):
    response = sign_in("northby.chair").get(page_url(delivered))

    assert response.status_code == 200
    page = response.content.decode()
    for text in (RATIONALE, ACCEPTED, NOTES, CONCERN, CORRECTED, REVIEWED, PROBATION):
        assert text in page
    assert "correction of the entry for the session of" in page
    kinds = [entry.kind for entry in response.context["entries"]]
    assert kinds[0] == Kind.REFERRAL
    assert {Kind.REFERRAL, Kind.PANEL, Kind.INTERVENTION} == set(kinds)
    times = [entry.at for entry in response.context["entries"]]
    assert times == sorted(times)


def test_the_police_see_the_referral_and_that_the_case_moved_but_not_the_panels_or_providers_record(
    people, sign_in, delivered
):
    response = sign_in("northby.officer").get(page_url(delivered))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Referral received by Northby Police Prevent Team" in page
    # That the panel moved the case is framing; why is the panel's own record.
    assert "Stage: Needs assessment to Support plan" in page
    assert RATIONALE not in page
    for text in (ACCEPTED, NOTES, CONCERN, CORRECTED, REVIEWED, PROBATION):
        assert text not in page
    assert "Intervention assigned" not in page
    assert {entry.kind for entry in response.context["entries"]} == {Kind.REFERRAL, Kind.PANEL}


def test_the_panels_stage_rationale_shows_to_those_given_the_panel_category(
    people, sign_in, delivered
):
    share_with_health(people, delivered, Category.SUPPORT)
    client = sign_in("northby.health")
    before = client.get(page_url(delivered)).content.decode()
    assert "Stage: Needs assessment to Support plan" in before
    assert RATIONALE not in before
    # Given the plan, the NHS trust sees the interventions but none of the providers' records.
    assert "Intervention assigned: Mentoring and counselling" in before
    assert NOTES not in before
    assert ACCEPTED not in before

    share_with_health(people, delivered, Category.PANEL)

    assert RATIONALE in client.get(page_url(delivered)).content.decode()


def test_a_provider_sees_its_own_record_and_the_panels_answer_but_not_another_providers(
    people, sign_in, delivered
):
    page = sign_in("northby.provider").get(page_url(delivered)).content.decode()

    for text in (ACCEPTED, NOTES, CONCERN, CORRECTED, REVIEWED):
        assert text in page
    assert PROBATION not in page
    assert "Northby Probation Service" not in page


def test_another_area_is_told_the_case_does_not_exist(sign_in, delivered):
    client = sign_in("southmere.chair")
    assert client.get(page_url(delivered)).status_code == 404
    assert client.get(api_url(delivered)).status_code == 404


def test_the_filters_keep_one_kind_or_one_agencys_entries(people, sign_in, delivered):
    client = sign_in("northby.chair")
    provider_id = people["provider_agency"].pk

    by_kind = client.get(page_url(delivered), {"kind": Kind.INTERVENTION}).context["entries"]
    by_agency = client.get(page_url(delivered), {"agency": provider_id}).context["entries"]

    assert by_kind
    assert {entry.kind for entry in by_kind} == {Kind.INTERVENTION}
    assert by_agency
    assert all(entry.involves(provider_id) for entry in by_agency)
    assert PROBATION not in {entry.detail for entry in by_agency}
    assert NOTES in {entry.detail for entry in by_agency}


def test_an_agency_not_in_the_chronology_is_refused_with_the_reason(sign_in, delivered, agency):
    response = sign_in("northby.chair").get(
        page_url(delivered), {"agency": agency("Southmere Police Prevent Team").pk}
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose an agency from the list." in page


def test_the_api_leaves_out_what_the_caller_may_not_see(people, sign_in, delivered):
    chair = sign_in("northby.chair").get(api_url(delivered)).json()
    police = sign_in("northby.officer").get(api_url(delivered)).json()

    assert NOTES in {entry.get("detail") for entry in chair["entries"]}
    assert {entry["kind"] for entry in police["entries"]} == {"referral", "panel"}
    moves = [entry for entry in police["entries"] if entry["title"].startswith("Stage:")]
    assert moves
    assert all("detail" not in entry for entry in moves)
    assert RATIONALE in {entry.get("detail") for entry in chair["entries"]}


def test_the_api_filters_by_kind_and_agency_and_refuses_an_unknown_kind(people, sign_in, delivered):
    client = sign_in("northby.chair")
    provider_id = str(people["provider_agency"].pk)

    by_kind = client.get(api_url(delivered), {"kind": "intervention"}).json()["entries"]
    by_agency = client.get(api_url(delivered), {"agency": provider_id}).json()["entries"]

    assert {entry["kind"] for entry in by_kind} == {"intervention"}
    assert all(
        provider_id in (entry["source_agency"]["id"], (entry["acting_agency"] or {}).get("id"))
        for entry in by_agency
    )
    assert client.get(api_url(delivered), {"kind": "gossip"}).status_code == 400


def _with_sessions(people, count: int):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    for _ in range(count):
        record(people["provider"], work, session(concern=True, notes=CONCERN))
    return work


@pytest.mark.parametrize("url", [page_url, api_url])
def test_the_query_count_does_not_grow_with_the_entries(
    people, sign_in, django_assert_max_num_queries, url
):
    client = sign_in("northby.chair")
    one, ten = _with_sessions(people, 1), _with_sessions(people, 10)
    # Each case's first view is recorded; later views within minutes are not again.
    client.get(url(one))
    client.get(url(ten))
    with CaptureQueriesContext(connection) as few:
        client.get(url(one))

    with django_assert_max_num_queries(len(few)):
        response = client.get(url(ten))

    assert response.content.decode().count(CONCERN) == 10
