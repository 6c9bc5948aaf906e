"""What the panel sees of intervention delivery: the case's interventions page for each
viewer, recording that a concern was considered, ending a finished intervention's access,
and the dashboard's no-contact and open-concern sections."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from panels.models import ConcernReview, Intervention
from panels.models.vocabulary import DeliveryEvent, GoalRating
from panels.selectors.delivery import interventions_delivered_by
from referrals.models import ReferralGrant
from tests.panels.delivery_steps import (
    answer,
    assigned,
    ratings,
    record,
    session,
    share_with_health,
)
from tests.panels.factories import open_case
from tests.panels.support_steps import adopt_and_assess, record_plan

pytestmark = pytest.mark.django_db

CONCERN = "He said an older cousin has been sending him videos from the group again."
NOTES = "Worked on his CV together and he talked about joining the college team."
DASHBOARD = "/panels/dashboard/"
END_BUTTON = "End Northby Mentoring Partnership's access"


def page_url(work) -> str:
    return reverse("panels:case-interventions", kwargs={"case_id": work.panel_case_id})


def review_url(work, entry) -> str:
    return reverse(
        "panels:case-concern-review",
        kwargs={"case_id": work.panel_case_id, "intervention_id": work.pk, "entry_id": entry.pk},
    )


def end_url(work) -> str:
    return reverse(
        "panels:case-intervention-access-end",
        kwargs={"case_id": work.panel_case_id, "intervention_id": work.pk},
    )


def delivering(people):
    """One intervention for the mentoring provider, accepted, with a session rated on
    every goal and a concern; returns (intervention, concern entry)."""
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    record(people["provider"], work, session(notes=NOTES, ratings=ratings(work, GoalRating.GOOD)))
    concern = record(people["provider"], work, session(attended=False, concern=True, notes=CONCERN))
    return work, concern


# --- The interventions page ---------------------------------------------------------


def test_the_chair_sees_sessions_progress_and_open_concerns(people, sign_in):
    work, _ = delivering(people)

    response = sign_in("northby.chair").get(page_url(work))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mentoring and counselling: Northby Mentoring Partnership" in page
    assert "1 attended and 1 missed, of 6 planned" in page
    assert "Build a positive peer network: <strong>Good progress</strong>" in page
    assert CONCERN in page
    assert "Record that the panel has considered this concern" in page
    # Its notes on a session that raised no concern are not a concern.
    assert NOTES not in page


def test_a_member_given_only_the_plan_sees_the_intervention_but_not_its_progress(people, sign_in):
    work, _ = delivering(people)
    share_with_health(people, work)

    response = sign_in("northby.health").get(page_url(work))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Mentoring and counselling: Northby Mentoring Partnership" in page
    assert "Build a positive peer network" in page
    assert "has not been shared with your agency" in page
    assert CONCERN not in page
    assert "1 attended" not in page
    assert "Good progress" not in page
    assert "Record that the panel has considered" not in page


def test_a_provider_sees_its_own_intervention_and_nothing_of_anothers(people, sign_in):
    mentoring, probation_work = assigned(
        people["officer"],
        people["chair"],
        people["provider_agency"],
        people["probation_agency"],
    )
    for user, work in ((people["provider"], mentoring), (people["probation"], probation_work)):
        answer(user, work)
    record(people["provider"], mentoring, session(concern=True, notes=CONCERN))
    record(people["probation"], probation_work, session(notes="Probation's own session."))

    page = sign_in("northby.provider").get(page_url(mentoring)).content.decode()

    assert "Northby Mentoring Partnership" in page
    assert CONCERN in page
    assert "Northby Probation Service" not in page
    assert "Probation's own session." not in page
    # A provider may read its own concern but not record that the panel considered it.
    assert "Record that the panel has considered" not in page


def test_another_areas_panel_is_told_the_page_does_not_exist(people, sign_in):
    work, concern = delivering(people)
    client = sign_in("southmere.chair")
    assert client.get(page_url(work)).status_code == 404
    assert client.post(review_url(work, concern), {}).status_code == 404


def test_the_page_flags_an_active_intervention_not_seen_for_longer_than_the_setting(
    people, sign_in, settings
):
    # Started 30 days ago and nobody has been seen since.
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    client = sign_in("northby.chair")

    assert "No contact for 30 days" in client.get(page_url(work)).content.decode()
    settings.INTERVENTION_NO_CONTACT_DAYS = 30
    assert "No contact for" not in client.get(page_url(work)).content.decode()


# --- Recording that the panel considered a concern -------------------------------------


def test_the_chair_records_that_the_panel_considered_a_concern(people, sign_in):
    work, concern = delivering(people)
    client = sign_in("northby.chair")
    field = f"concern-{concern.pk}-note"

    response = client.post(review_url(work, concern), {field: "Discussed; police to visit."})

    assert response.status_code == 302
    review = ConcernReview.objects.get(entry=concern)
    assert review.note == "Discussed; police to visit."
    assert review.reviewed_by == people["chair"]
    page = client.get(page_url(work)).content.decode()
    assert CONCERN not in page
    assert "No open concerns." in page


def test_a_note_too_short_is_refused_and_what_was_typed_is_kept(people, sign_in):
    work, concern = delivering(people)
    field = f"concern-{concern.pk}-note"

    response = sign_in("northby.chair").post(review_url(work, concern), {field: "Noted"})

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert f'href="#id_{field}"' in page
    assert ">Noted</textarea>" in page
    assert not ConcernReview.objects.exists()


@pytest.mark.parametrize("username", ["northby.provider", "northby.health"])
def test_those_who_may_see_the_case_but_do_not_run_it_may_not_record_it(people, sign_in, username):
    work, concern = delivering(people)
    share_with_health(people, work)
    field = f"concern-{concern.pk}-note"

    response = sign_in(username).post(review_url(work, concern), {field: "We think it is fine."})

    assert response.status_code == 403
    assert not ConcernReview.objects.exists()


# --- Ending a finished intervention's access -------------------------------------------


def test_ending_access_removes_the_providers_grant(people, sign_in):
    work, _ = delivering(people)
    answer(people["provider"], work, DeliveryEvent.COMPLETE, reason="All planned sessions done.")
    provider = people["provider"].membership
    assert interventions_delivered_by(membership=provider).filter(pk=work.pk).exists()
    client = sign_in("northby.chair")
    assert END_BUTTON in client.get(page_url(work)).content.decode()

    response = client.post(end_url(work))

    assert response.status_code == 302
    assert not interventions_delivered_by(membership=provider).filter(pk=work.pk).exists()
    assert sign_in("northby.provider").get(page_url(work)).status_code == 404
    assert END_BUTTON not in client.get(page_url(work)).content.decode()


def test_an_open_interventions_access_is_not_offered_for_ending(people, sign_in):
    work, _ = delivering(people)
    client = sign_in("northby.chair")
    assert END_BUTTON not in client.get(page_url(work)).content.decode()
    client.post(end_url(work))
    assert interventions_delivered_by(membership=people["provider"].membership).exists()
    assert sign_in("northby.provider").post(end_url(work)).status_code == 403


# --- The dashboard ---------------------------------------------------------------------


def _dashboard(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    return response.context["read"]


def test_the_dashboard_flags_an_active_intervention_not_seen_for_too_long(people, sign_in):
    stale, seen = assigned(
        people["officer"], people["chair"], people["provider_agency"], people["probation_agency"]
    )
    answer(people["provider"], stale)
    answer(people["probation"], seen)
    record(people["probation"], seen, session())
    # Assigned, not yet accepted: not being delivered, so not flagged.
    (waiting,) = assigned(people["officer"], people["chair"], people["provider_agency"])

    read = _dashboard(sign_in("northby.chair"))

    assert [row.item.item_id for row in read.without_contact] == [stale.pk]
    assert read.without_contact[0].days_since == 30
    assert waiting.pk not in {row.item.item_id for row in read.without_contact}
    assert (
        "Interventions with no contact for 21 days"
        in sign_in("northby.chair").get(DASHBOARD).content.decode()
    )


def test_the_no_contact_flag_follows_the_setting(people, sign_in, settings):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    client = sign_in("northby.chair")
    assert len(_dashboard(client).without_contact) == 1
    settings.INTERVENTION_NO_CONTACT_DAYS = 30
    assert _dashboard(client).without_contact == []


def test_a_contact_long_ago_is_flagged_and_a_recent_one_clears_it(people, sign_in):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    long_ago = timezone.localdate() - datetime.timedelta(days=25)
    record(people["provider"], work, session(occurred_on=long_ago))
    client = sign_in("northby.chair")
    (row,) = _dashboard(client).without_contact
    assert row.days_since == 25

    record(people["provider"], work, session())

    assert _dashboard(client).without_contact == []


def test_open_concerns_are_listed_until_the_panel_considers_them(people, sign_in):
    work, concern = delivering(people)
    client = sign_in("northby.chair")
    (row,) = _dashboard(client).open_concerns
    assert row.item.item_id == concern.pk
    # The dashboard names the concern and where it is, never what it says.
    assert CONCERN not in client.get(DASHBOARD).content.decode()

    client.post(review_url(work, concern), {f"concern-{concern.pk}-note": "Police to visit."})

    assert _dashboard(client).open_concerns == []


def test_a_corrected_concern_is_not_open(people, sign_in):
    work, concern = delivering(people)
    record(people["provider"], work, session(attended=False), corrects=concern)
    assert _dashboard(sign_in("northby.chair")).open_concerns == []


def test_the_pages_query_count_does_not_grow_with_the_entries(
    people, sign_in, django_assert_max_num_queries
):
    work, _ = delivering(people)
    client = sign_in("northby.chair")
    client.get(page_url(work))
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(work))
    for _ in range(8):
        record(people["provider"], work, session(concern=True, notes=CONCERN))
    with django_assert_max_num_queries(len(few)):
        response = client.get(page_url(work))
    assert response.content.decode().count(CONCERN) == 9


def test_a_concern_is_not_counted_once_the_panel_no_longer_holds_the_providers_record(
    people, sign_in
):
    work, _ = delivering(people)
    client = sign_in("northby.chair")
    assert len(_dashboard(client).open_concerns) == 1

    # The provider's decision to report to the panel has run out.
    ReferralGrant.objects.filter(
        content_object_id=work.referral_id, source_agency=people["provider_agency"]
    ).update(expires_at=timezone.now() - datetime.timedelta(minutes=1))

    assert _dashboard(client).open_concerns == []
    assert CONCERN not in client.get(page_url(work)).content.decode()


def _panel_grants(people, work, source):
    """What `source`'s decisions give the panel of the case `work` is on."""
    return ReferralGrant.objects.filter(
        content_object_id=work.referral_id,
        source_agency=source,
        group_id=people["chair"].membership.agency.group_id,
    )


def _both_raise_concerns(people):
    """The provider and probation each deliver one intervention on the same case and
    raise a concern; returns ((provider's work, concern), (probation's work, concern))."""
    provider_work, probation_work = assigned(
        people["officer"], people["chair"], people["provider_agency"], people["probation_agency"]
    )
    raised = []
    for who, work in (("provider", provider_work), ("probation", probation_work)):
        answer(people[who], work)
        raised.append((work, record(people[who], work, session(concern=True, notes=CONCERN))))
    return raised


def test_a_concern_is_listed_from_an_agency_that_shares_its_record_and_not_from_one_that_does_not(
    people, sign_in
):
    (_, shared), (probation_work, withheld) = _both_raise_concerns(people)
    client = sign_in("northby.chair")
    assert {row.item.item_id for row in _dashboard(client).open_concerns} == {
        shared.pk,
        withheld.pk,
    }

    # Probation's decision to report to the panel has ended; the provider's is live.
    _panel_grants(people, probation_work, people["probation_agency"]).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    (row,) = _dashboard(client).open_concerns
    assert row.item.item_id == shared.pk
    assert row.item.agency_name == "Northby Mentoring Partnership"


def test_a_concern_counts_under_the_whole_case_and_not_under_another_interventions_scope(
    people, sign_in
):
    (provider_work, concern), (probation_work, _) = _both_raise_concerns(people)
    client = sign_in("northby.chair")
    probation = _panel_grants(people, probation_work, people["probation_agency"])
    probation.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    grants = _panel_grants(people, provider_work, people["provider_agency"])

    # The provider's record of the whole case, not only of its intervention.
    grants.update(scope="")
    assert [row.item.item_id for row in _dashboard(client).open_concerns] == [concern.pk]

    # The provider's record of another intervention only (probation's).
    grants.update(scope=probation_work.scope)
    assert _dashboard(client).open_concerns == []


def test_a_review_and_a_correction_close_the_concern_they_are_about(people, sign_in):
    work, concern = delivering(people)
    client = sign_in("northby.chair")
    # A correction that raises a concern of its own: that one is open, the first is not.
    again = record(
        people["provider"], work, session(concern=True, notes=CONCERN + " Twice."), corrects=concern
    )
    assert [row.item.item_id for row in _dashboard(client).open_concerns] == [again.pk]
    concern.refresh_from_db()
    assert not concern.concern_open

    client.post(review_url(work, again), {f"concern-{again.pk}-note": "Police to visit."})

    again.refresh_from_db()
    assert not again.concern_open
    assert _dashboard(client).open_concerns == []


def test_the_open_concerns_show_their_first_rows_and_say_there_are_more(
    people, sign_in, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr("panels.selectors.dashboard.SECTION_LIMIT", 2)
    work, first = delivering(people)
    later = [
        record(people["provider"], work, session(concern=True, notes=CONCERN)) for _ in range(2)
    ]
    client = sign_in("northby.chair")
    client.get(DASHBOARD)
    with django_assert_max_num_queries(12):
        response = client.get(DASHBOARD)
    read = response.context["read"]
    assert [row.item.item_id for row in read.open_concerns] == [first.pk, later[0].pk]
    assert read.sections["open_concerns"].more
    assert "More are waiting" in response.content.decode()


# --- Assigning: how often the person should be seen -----------------------------------


def _assign(client, case, provider, **extra):
    return client.post(
        f"/panels/cases/{case.pk}/plan/interventions/new/",
        {
            "type": "mentoring",
            "delivering_agency": str(provider.pk),
            "goals": "Attend sessions",
            "planned_sessions": "6",
            "start_on": timezone.localdate().strftime("%d/%m/%Y"),
            **extra,
        },
    )


def test_the_assignment_form_sets_how_often_the_person_should_be_seen(people, sign_in):
    case = adopt_and_assess(people["chair"], open_case(people["officer"], people["chair"]))
    record_plan(people["chair"], case)
    client = sign_in("northby.chair")
    form = client.get(f"/panels/cases/{case.pk}/plan/interventions/new/").content.decode()
    assert "How often the person should be seen (days)" in form

    refused = _assign(client, case, people["provider_agency"], contact_every_days="400")
    assert refused.status_code == 400
    assert "from 1 to 90 days" in refused.content.decode()
    assert 'value="400"' in refused.content.decode()

    assert (
        _assign(client, case, people["provider_agency"], contact_every_days="7").status_code == 302
    )
    assert (
        _assign(client, case, people["provider_agency"], contact_every_days="").status_code == 302
    )
    assert sorted(
        Intervention.objects.filter(panel_case=case).values_list("contact_every_days", flat=True)
    ) == [7, 14]
