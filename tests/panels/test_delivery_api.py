"""Delivering interventions through the API as clients use it: each delivering agency's
list of its own, an intervention and its record, answers, status moves and progress with
corrections, the lost update, the panel's summary and its consideration of concerns."""

import datetime
import uuid
from urllib.parse import parse_qs, urlparse

import pytest
from django.utils import timezone

from audit.models import AuditEvent, SharingDecision
from audit.record.chain import atomic_unit
from panels.models import ConcernReview, InterventionStatusChange, ProgressEntry
from panels.models.vocabulary import DeliveryEvent, InterventionStatus
from panels.services.cases import IDENTITY_PURPOSE
from referrals.services.case import referral_decision_revoke
from tests.panels.delivery_steps import (
    accepted_by_provider,
    answer,
    assigned,
    fresh_intervention,
    ratings,
    record,
    session,
    share_with_health,
)

pytestmark = pytest.mark.django_db

API = "/api/panels/"
PROVIDER = "Northby Mentoring Partnership"
PROBATION = "Northby Probation Service"
ROW_FIELDS = {
    "id",
    "case",
    "reference",
    "person",
    "type",
    "practitioner",
    "status",
    "start_on",
    "planned_sessions",
    "contact_every_days",
    "next_contact_due_on",
    "last_contact_on",
    "days_since_contact",
    "overdue",
    "goals",
    "version",
}
PROGRESS_FIELDS = {"last_contact_on", "next_contact_due_on", "status_changes", "progress_entries"}


@pytest.fixture
def work(people):
    return accepted_by_provider(people)


def _post(client, url: str, body: dict | None = None):
    return client.post(url, body or {}, content_type="application/json")


def _entry_body(work, **overrides) -> dict:
    body = {
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=2)).isoformat(),
        "contact_type": "meeting",
        "attended": True,
        "duration_minutes": 60,
        "notes": "Talked about college and the football team he wants to join.",
        "concern": False,
        "ratings": [{"goal": goal, "rating": "some"} for goal in ratings(work)],
        "version": fresh_intervention(work).version,
    }
    body.update(overrides)
    return body


def _written() -> dict[str, int]:
    return {
        "entries": ProgressEntry.objects.count(),
        "status changes": InterventionStatusChange.objects.count(),
        "reviews": ConcernReview.objects.count(),
        "events": AuditEvent.objects.count(),
    }


# --- The delivering agency's list -------------------------------------------------------


def test_each_delivering_agency_lists_only_its_own_interventions_minimised(sign_in, people):
    mentoring, life_skills = assigned(
        people["officer"], people["chair"], people["provider_agency"], people["probation_agency"]
    )
    answer(people["provider"], mentoring)

    provider_list = sign_in("northby.provider").get(f"{API}interventions/")
    probation_list = sign_in("northby.probation").get(f"{API}interventions/")

    assert provider_list.status_code == probation_list.status_code == 200
    (row,) = provider_list.json()["results"]
    assert set(row) == ROW_FIELDS
    assert row["id"] == str(mentoring.pk)
    assert row["status"] == "active"
    assert row["reference"] == fresh_intervention(mentoring).panel_case.referral.reference
    # The panel passed on who the person is, and their name is all the list shows of them.
    subject = fresh_intervention(mentoring).panel_case.referral.subject
    assert row["person"] == {"given_names": subject.given_names, "family_name": subject.family_name}
    assert [goal["description"] for goal in row["goals"]] == [
        "Attend sessions",
        "Build a positive peer network",
    ]
    assert [row["id"] for row in probation_list.json()["results"]] == [str(life_skills.pk)]


def test_the_list_names_no_one_whose_identity_the_agency_was_not_given(sign_in, people, work):
    chair = people["chair"]
    referral = fresh_intervention(work).panel_case.referral
    identity = SharingDecision.objects.get(
        case_id=referral.pk,
        receiving_agency=people["provider_agency"],
        purpose=IDENTITY_PURPOSE,
        superseded_by__isnull=True,
    )
    with atomic_unit():
        referral_decision_revoke(
            actor=chair,
            membership=chair.membership,
            referral=referral,
            decision=identity,
            reason="The provider works with the person through the school alone.",
        )

    (row,) = sign_in("northby.provider").get(f"{API}interventions/").json()["results"]

    assert row["id"] == str(work.pk)
    assert "person" not in row


@pytest.mark.parametrize("username", ["northby.officer", "northby.chair", "northby.auditor"])
def test_roles_that_deliver_no_support_are_refused_the_list(sign_in, work, username):
    response = sign_in(username).get(f"{API}interventions/")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_a_panel_member_s_agency_delivering_nothing_lists_nothing(sign_in, work):
    # A panel member may deliver for its agency (a health trust's own support), so it has
    # a list: with nothing assigned to the trust, it is empty.
    response = sign_in("northby.health").get(f"{API}interventions/")
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_the_open_list_puts_answers_awaited_first_then_the_next_contact_due(sign_in, people):
    provider = people["provider_agency"]
    first, second, third = assigned(
        people["officer"], people["chair"], provider, provider, provider
    )
    answer(people["provider"], second)
    answer(people["provider"], third)
    # Seen two days ago, the second is next due in a fortnight; the third is due now.
    record(people["provider"], second)
    answer(people["provider"], first, DeliveryEvent.DECLINE, reason="No mentor free for this.")
    fourth, fifth = assigned(people["officer"], people["chair"], provider, provider)
    answer(people["provider"], fifth)
    client = sign_in("northby.provider")

    def ids(**query) -> list[str]:
        return [row["id"] for row in client.get(f"{API}interventions/", query).json()["results"]]

    # Awaiting an answer first; then the next contact due, the two due since they started
    # (a month ago) in id order, before the one seen two days ago.
    tied = sorted([third, fifth], key=lambda w: w.pk.hex)
    assert ids(page_size=10) == [str(w.pk) for w in (fourth, *tied, second)]
    # Pages cut across the two orders without losing or repeating a row, following `next`.
    paged, query = [], {"page_size": 1}
    while query:
        body = client.get(f"{API}interventions/", query).json()
        paged += [row["id"] for row in body["results"]]
        cursor = parse_qs(urlparse(body["next"]).query)["cursor"][0] if body["next"] else None
        query = {"page_size": 2, "cursor": cursor} if cursor else None
    assert paged == ids(page_size=10)
    assert client.get(f"{API}interventions/", {"cursor": "bm90LWEtY3Vyc29y"}).status_code == 404
    assert ids(status="finished") == [str(first.pk)]
    response = client.get(f"{API}interventions/", {"status": "everything"})
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["status"]


def test_mine_lists_the_practitioner_s_own_and_unassigned_answers(sign_in, people, work):
    provider = people["provider_agency"]
    (unassigned,) = assigned(people["officer"], people["chair"], provider)
    (agency_only,) = assigned(people["officer"], people["chair"], provider)
    answer(people["provider"], agency_only)
    client = sign_in("northby.provider")

    mine = client.get(f"{API}interventions/", {"mine": "true"}).json()["results"]

    # Accepted without a named practitioner, the third is the agency's, not the caller's.
    assert [row["id"] for row in mine] == [str(unassigned.pk), str(work.pk)]


# --- One intervention -------------------------------------------------------------------


def test_the_detail_shows_the_record_to_the_provider_and_the_panel_only(sign_in, people, work):
    entry = record(people["provider"], work, session(ratings=ratings(work)))
    url = f"{API}interventions/{work.pk}/"

    provider = sign_in("northby.provider").get(url)
    chair = sign_in("northby.chair").get(url)

    assert provider.status_code == chair.status_code == 200
    for shown in (provider.json(), chair.json()):
        assert [e["id"] for e in shown["progress_entries"]] == [str(entry.pk)]
        assert [c["event"] for c in shown["status_changes"]] == ["accept"]
        assert shown["progress_entries"][0]["ratings"] == [
            {"goal": goal, "rating": "some"} for goal in ratings(work)
        ]
    for username in ("northby.probation", "northby.officer", "southmere.chair"):
        refused = sign_in(username).get(url)
        assert refused.status_code == 404, username
        assert refused.json()["detail"] == "No intervention with that id."
    assert sign_in("northby.chair").get(f"{API}interventions/{uuid.uuid4()}/").json() == {
        "code": "not_found",
        "detail": "No intervention with that id.",
    }


def test_a_member_given_the_plan_sees_the_intervention_without_the_provider_s_record(
    sign_in, people, work
):
    record(people["provider"], work)
    share_with_health(people, work)

    shown = sign_in("northby.health").get(f"{API}interventions/{work.pk}/").json()

    assert shown["id"] == str(work.pk)
    assert not PROGRESS_FIELDS & set(shown)


# --- Answers and status moves -----------------------------------------------------------


def test_the_provider_accepts_or_declines_its_assignment(sign_in, people):
    mentoring, other = assigned(
        people["officer"], people["chair"], people["provider_agency"], people["provider_agency"]
    )
    client = sign_in("northby.provider")

    accepted = _post(
        client,
        f"{API}interventions/{mentoring.pk}/answer/",
        {"event": "accept", "version": mentoring.version},
    )
    too_short = _post(
        client,
        f"{API}interventions/{other.pk}/answer/",
        {"event": "decline", "reason": "busy", "version": other.version},
    )
    declined = _post(
        client,
        f"{API}interventions/{other.pk}/answer/",
        {"event": "decline", "reason": "We have no mentor free.", "version": other.version},
    )

    assert accepted.status_code == 201
    assert accepted.json()["status"] == "active"
    assert accepted.json()["version"] == mentoring.version + 1
    assert accepted.json()["status_change"]["event"] == "accept"
    assert too_short.status_code == 400
    assert list(too_short.json()["errors"]) == ["reason"]
    assert declined.status_code == 201
    assert fresh_intervention(other).status == InterventionStatus.WITHDRAWN
    # The answer is the delivering agency's alone: the panel cannot give it.
    chair = _post(
        sign_in("northby.chair"),
        f"{API}interventions/{mentoring.pk}/answer/",
        {"event": "decline", "reason": "We have no mentor free.", "version": 2},
    )
    assert chair.status_code == 403


def test_status_moves_follow_the_table(sign_in, people, work):
    client = sign_in("northby.provider")
    url = f"{API}interventions/{work.pk}/status/"

    def move(event: str) -> object:
        return _post(
            client,
            url,
            {
                "event": event,
                "reason": "He is in hospital for a week.",
                "version": fresh_intervention(work).version,
            },
        )

    assert move("pause").status_code == 201
    before = _written()
    refused = move("pause")
    assert refused.status_code == 409
    assert (
        refused.json()["detail"] == "A paused intervention can only be: resume, complete, withdraw."
    )
    assert _written() == before
    # Answering is not a status move.
    wrong = move("accept")
    assert wrong.status_code == 400
    assert list(wrong.json()["errors"]) == ["event"]
    assert move("complete").status_code == 201
    assert move("resume").status_code == 409
    assert fresh_intervention(work).status == InterventionStatus.COMPLETED


# --- Progress and corrections -----------------------------------------------------------


def test_progress_is_recorded_and_corrected_with_both_entries_kept(sign_in, people, work):
    client = sign_in("northby.provider")
    url = f"{API}interventions/{work.pk}/progress/"

    first = _post(client, url, _entry_body(work))
    assert first.status_code == 201
    wrong = first.json()["entry"]
    correction = _post(
        client, url, _entry_body(work, attended=False, duration_minutes=None, corrects=wrong["id"])
    )

    assert correction.status_code == 201
    assert correction.json()["version"] == fresh_intervention(work).version
    assert correction.json()["entry"]["corrects"] == wrong["id"]
    entries = client.get(f"{API}interventions/{work.pk}/").json()["progress_entries"]
    assert {e["id"]: e["corrected_by"] for e in entries} == {
        wrong["id"]: correction.json()["entry"]["id"],
        correction.json()["entry"]["id"]: None,
    }
    again = _post(client, url, _entry_body(work, corrects=wrong["id"]))
    assert again.status_code == 409
    assert ProgressEntry.objects.count() == 2


def _other_entry(people):
    (elsewhere,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], elsewhere)
    return record(people["provider"], elsewhere).pk


def _tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


# Each way an entry is refused: the change to a good entry, and the field named.
BAD_ENTRIES = {
    "a future date": (lambda work, people: {"occurred_on": _tomorrow()}, "occurred_on"),
    "a concern without notes": (lambda work, people: {"concern": True, "notes": " "}, "notes"),
    "an unknown goal": (
        lambda work, people: {"ratings": [{"goal": 999_999, "rating": "good"}]},
        "ratings",
    ),
    "a goal rated twice": (
        lambda work, people: {
            "ratings": [{"goal": g, "rating": "good"} for g in [*ratings(work)] * 2]
        },
        "ratings",
    ),
    "an unknown rating": (
        lambda work, people: {"ratings": [{"goal": 1, "rating": "brilliant"}]},
        "ratings",
    ),
    "an unknown contact type": (lambda work, people: {"contact_type": "pigeon"}, "contact_type"),
    "no minutes": (lambda work, people: {"duration_minutes": 0}, "duration_minutes"),
    "overlong notes": (lambda work, people: {"notes": "x" * 20_001}, "notes"),
    "attendance unsaid": (lambda work, people: {"attended": None}, "attended"),
    "an unknown entry corrected": (
        lambda work, people: {"corrects": str(uuid.uuid4())},
        "corrects",
    ),
    "another intervention's entry corrected": (
        lambda work, people: {"corrects": str(_other_entry(people))},
        "corrects",
    ),
}


@pytest.mark.parametrize("bad", list(BAD_ENTRIES))
def test_each_bad_entry_is_refused_with_nothing_written(sign_in, people, work, bad):
    change, field = BAD_ENTRIES[bad]
    body = _entry_body(work, **change(work, people))
    client = sign_in("northby.provider")
    version, before = fresh_intervention(work).version, _written()

    response = _post(client, f"{API}interventions/{work.pk}/progress/", body)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert response.json()["errors"][field]
    assert _written() == before
    assert fresh_intervention(work).version == version


def test_an_unknown_goal_is_named_in_the_refusal(sign_in, work):
    body = _entry_body(work, ratings=[{"goal": 999_999, "rating": "good"}])
    response = _post(sign_in("northby.provider"), f"{API}interventions/{work.pk}/progress/", body)
    assert response.json()["errors"] == {"ratings": ["Rate only this intervention's goals."]}


def test_the_second_of_two_writes_from_one_version_is_refused_with_what_changed(
    sign_in, people, work
):
    client = sign_in("northby.provider")
    url = f"{API}interventions/{work.pk}/progress/"
    opened = _entry_body(work)

    first = _post(client, url, opened)
    before = _written()
    second = _post(client, url, {**opened, "notes": "The same session, typed up by a colleague."})
    paused = _post(
        client,
        f"{API}interventions/{work.pk}/status/",
        {"event": "pause", "reason": "He is in hospital for a week.", "version": opened["version"]},
    )

    assert first.status_code == 201
    assert second.status_code == paused.status_code == 409
    body = second.json()
    assert body["code"] == "conflict"
    assert body["current_version"] == opened["version"] + 1
    assert [e["id"] for e in body["changes_since"]["entries"]] == [first.json()["entry"]["id"]]
    assert body["changes_since"]["entries"][0]["occurred_on"] == opened["occurred_on"]
    assert body["changes_since"]["status_changes"] == []
    assert paused.json()["changes_since"] == body["changes_since"]
    assert _written() == before
    assert fresh_intervention(work).status == InterventionStatus.ACTIVE


def test_a_status_change_missed_is_listed_in_the_conflict(sign_in, people, work):
    client = sign_in("northby.provider")
    opened = fresh_intervention(work).version
    answer(people["provider"], work, DeliveryEvent.PAUSE, reason="He is in hospital for a week.")

    response = _post(
        client, f"{API}interventions/{work.pk}/progress/", {**_entry_body(work), "version": opened}
    )

    assert response.status_code == 409
    (change,) = response.json()["changes_since"]["status_changes"]
    assert (change["event"], change["from_status"], change["to_status"]) == (
        "pause",
        "active",
        "paused",
    )


# --- The panel's summary, concerns and the end of access --------------------------------


def test_the_summary_counts_progress_for_the_chair_and_not_for_a_member_given_the_plan(
    sign_in, people, work
):
    record(people["provider"], work, session(ratings=ratings(work, "good")))
    record(people["provider"], work, session(attended=False))
    concern = record(people["provider"], work, session(concern=True, notes="A new group."))
    share_with_health(people, work)
    url = f"{API}cases/{work.panel_case_id}/interventions/"

    (chair,) = sign_in("northby.chair").get(url).json()
    (health,) = sign_in("northby.health").get(url).json()

    progress = chair["progress"]
    assert (progress["attended"], progress["missed"]) == (2, 1)
    assert [goal["rating"] for goal in progress["goals"]] == ["good", "good"]
    assert progress["open_concerns"] == [
        {"entry": str(concern.pk), "occurred_on": concern.occurred_on.isoformat()}
    ]
    assert progress["days_since_contact"] == 2
    assert progress["no_contact_flag"] is False
    assert health["id"] == chair["id"] == str(work.pk)
    assert "progress" not in health
    assert sign_in("southmere.chair").get(url).status_code == 404


@pytest.mark.parametrize(("days", "flagged"), [(10, True), (40, False)])
def test_the_summary_flags_no_contact_after_the_configured_days(
    sign_in, settings, work, days, flagged
):
    settings.INTERVENTION_NO_CONTACT_DAYS = days
    url = f"{API}cases/{work.panel_case_id}/interventions/"

    (row,) = sign_in("northby.chair").get(url).json()

    # Started a month ago and never seen.
    assert row["progress"]["no_contact_flag"] is flagged
    assert row["progress"]["days_since_contact"] is None


def test_the_chair_records_a_concern_considered_and_the_provider_may_not(sign_in, people, work):
    concern = record(people["provider"], work, session(concern=True, notes="A new group."))
    url = f"{API}progress/{concern.pk}/concern-review/"
    note = {"note": "The police will speak to the family this week."}

    by_provider = _post(sign_in("northby.provider"), url, note)
    by_other_area = _post(sign_in("southmere.chair"), url, note)
    by_chair = _post(sign_in("northby.chair"), url, note)
    twice = _post(sign_in("northby.coordinator"), url, note)

    assert by_provider.status_code == 403
    assert by_other_area.status_code == 404
    assert by_other_area.json()["detail"] == "No progress entry with that id."
    assert by_chair.status_code == 201
    assert by_chair.json()["entry"] == str(concern.pk)
    assert twice.status_code == 409
    assert ConcernReview.objects.count() == 1
    # The provider is shown the panel's answer to its concern.
    (entry,) = (
        sign_in("northby.provider").get(f"{API}interventions/{work.pk}/").json()["progress_entries"]
    )
    assert entry["concern_review"]["note"] == note["note"]


def test_the_panel_ends_a_finished_intervention_s_access(sign_in, people, work):
    url = f"{API}interventions/{work.pk}/access-end/"
    chair = sign_in("northby.chair")
    still_open = _post(chair, url)
    answer(people["provider"], work, DeliveryEvent.COMPLETE, reason="All six sessions done.")

    by_provider = _post(sign_in("northby.provider"), url)
    ended = _post(chair, url)

    assert still_open.status_code == 409
    assert by_provider.status_code == 403
    assert ended.status_code == 200
    assert len(ended.json()["revoked"]) == 2
    assert sign_in("northby.provider").get(f"{API}interventions/{work.pk}/").status_code == 404


# --- Queries do not grow with the record ------------------------------------------------


def test_list_detail_and_summary_cost_the_same_with_ten_entries_as_with_one(
    sign_in, people, work, django_assert_max_num_queries
):
    record(people["provider"], work, session(ratings=ratings(work)))
    urls = {
        "northby.provider": [f"{API}interventions/", f"{API}interventions/{work.pk}/"],
        "northby.chair": [
            f"{API}interventions/{work.pk}/",
            f"{API}cases/{work.panel_case_id}/interventions/",
        ],
    }
    clients = {username: sign_in(username) for username in urls}
    counts = {}
    for username, paths in urls.items():
        for path in paths:
            # A first read is recorded; a reload within minutes is not (audit.services.
            # read_events): each measured read is a reload.
            clients[username].get(path)
            with django_assert_max_num_queries(40) as few:
                assert clients[username].get(path).status_code == 200
            counts[(username, path)] = len(few.captured_queries)
    for _ in range(9):
        record(people["provider"], work, session(ratings=ratings(work), concern=True))

    for username, paths in urls.items():
        for path in paths:
            clients[username].get(path)
            with django_assert_max_num_queries(counts[(username, path)]):
                assert clients[username].get(path).status_code == 200
