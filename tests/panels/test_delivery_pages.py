"""The delivering agency's pages: its interventions, one intervention with its record, and
the forms that answer the assignment, record and correct sessions and change the status,
as practitioners use them; what each viewer is shown and refused; and a lost update."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from panels.models import Intervention, ProgressEntry
from panels.models.support import intervention_scope
from panels.models.vocabulary import DeliveryEvent, GoalRating, InterventionStatus
from panels.rules.stages import StageEvent
from panels.selectors.delivery import InterventionScope
from panels.services.cases import IDENTITY_PURPOSE
from prevent_cases.demo.accounts import DEMO_PASSWORD
from referrals.services.case import referral_decision_revoke
from tests.panels.delivery_steps import (
    STARTED_DAYS_AGO,
    answer,
    assigned,
    fresh_intervention,
    record,
    session,
)
from tests.panels.factories import open_case
from tests.panels.support_steps import adopt_and_assess, consent, intervention, move, record_plan

pytestmark = pytest.mark.django_db

MENTORING_GOAL = "Join the football club and go to training each week"
PROBATION_GOAL = "Keep to the licence conditions agreed with the probation officer"
LIST = "/panels/interventions/"


@pytest.fixture
def work(people):
    """A case in support whose plan gives the mentoring provider one intervention (assigned
    to its practitioner) and the probation service another, each with its own goal."""
    chair = people["chair"]
    case = adopt_and_assess(chair, open_case(people["officer"], chair))
    start = timezone.localdate() - datetime.timedelta(days=STARTED_DAYS_AGO)
    plan = record_plan(
        chair,
        case,
        intervention(
            people["provider_agency"], people["provider"], start_on=start, goals=(MENTORING_GOAL,)
        ),
        intervention(people["probation_agency"], start_on=start, goals=(PROBATION_GOAL,)),
    )
    consent(chair, case)
    move(chair, case, StageEvent.START_SUPPORT)
    mentoring, probation = plan.interventions.order_by("created_at", "id")
    return {"mentoring": mentoring, "probation": probation, "case": case}


def _page(intervention) -> str:
    return f"/panels/interventions/{intervention.pk}/"


def _name(case) -> str:
    subject = case.referral.subject
    return f"{subject.given_names} {subject.family_name}"


def _version(body: str) -> str:
    return re.search(r'name="version" value="(\d+)"', body).group(1)


def _session_form(version, **overrides) -> dict:
    values = {
        "version": version,
        "occurred_on": (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y"),
        "contact_type": "meeting",
        "attended": "yes",
        "duration_minutes": "45",
        "notes": "Talked through the training times; he wants to try the Saturday squad.",
    }
    values.update(overrides)
    return {key: value for key, value in values.items() if value is not None}


# --- What each viewer is shown ----------------------------------------------------------


def test_the_provider_sees_its_own_intervention_and_nothing_of_the_other(sign_in, people, work):
    """The mentoring provider's list and page show its intervention, its goal and who it
    supports; the probation service's intervention and goal are neither listed nor shown,
    and its page does not exist for the provider."""
    client = sign_in("northby.provider")

    listed = client.get(LIST).content.decode()
    page = client.get(_page(work["mentoring"]))

    assert _page(work["mentoring"]) in listed
    assert _page(work["probation"]) not in listed
    assert _name(work["case"]) in listed
    assert page.status_code == 200
    body = page.content.decode()
    assert MENTORING_GOAL in body
    assert PROBATION_GOAL not in body
    assert _name(work["case"]) in body
    assert client.get(_page(work["probation"])).status_code == 404


def test_the_list_is_recorded_as_a_read_of_what_it_shows(sign_in, people, work):
    """Listing names the person, so the list is recorded: which case, and that the panel's
    support record and the police's identity information were shown."""
    sign_in("northby.provider").get(LIST)

    event = AuditEvent.objects.filter(type=EventType.CASES_LISTED).latest("seq")
    (case,) = event.payload["cases"]
    assert case["id"] == str(work["case"].referral_id)
    assert case["categories"] == ["identity", "support"]


def test_without_the_identity_share_the_person_is_not_named(sign_in, people, work):
    """Once the panel revokes the identity it passed on, the provider still sees the
    intervention it delivers, but not who it supports."""
    chair = people["chair"]
    decision = SharingDecision.objects.get(
        receiving_agency=people["provider_agency"], purpose=IDENTITY_PURPOSE
    )
    referral_decision_revoke(
        actor=chair,
        membership=chair.membership,
        referral=work["case"].referral,
        decision=decision,
        reason="The provider no longer needs to know who the person is.",
    )
    client = sign_in("northby.provider")

    listed = client.get(LIST).content.decode()
    body = client.get(_page(work["mentoring"])).content.decode()

    assert _page(work["mentoring"]) in listed
    for shown in (listed, body):
        assert _name(work["case"]) not in shown
        assert "Not shared with your agency" in shown


@pytest.mark.parametrize(
    ("username", "listed"),
    [
        ("northby.provider", 200),
        ("northby.health", 200),
        ("northby.chair", 403),
        ("northby.officer", 403),
        ("northby.auditor", 403),
    ],
)
def test_the_list_is_for_those_who_deliver_support(sign_in, username, listed):
    """Practitioners and panel members deliver support and have the list; the panel, the
    police and auditors are told the page is not for their role."""
    response = sign_in(username).get(LIST)
    assert response.status_code == listed
    if listed == 403:
        assert "It is for practitioners and panel members" in response.content.decode()


@pytest.mark.parametrize(
    ("username", "page", "form"),
    [
        ("northby.provider", 200, 200),  # delivers it
        ("northby.chair", 200, 403),  # sees it (the panel's), may not act for the provider
        ("northby.probation", 404, 404),  # delivers another intervention of the case
        ("northby.health", 404, 404),  # given nothing of the case
        ("southmere.provider", 404, 404),  # another area
        ("southmere.chair", 404, 404),
    ],
)
def test_the_intervention_and_its_forms_by_viewer(sign_in, work, username, page, form):
    """Only the delivering agency's practitioners act; the panel sees the intervention
    without its actions; anyone else is told it does not exist."""
    client = sign_in(username)
    mentoring = work["mentoring"]
    forms = ("answer/", "progress/", "status/")

    assert client.get(_page(mentoring)).status_code == page
    for suffix in forms:
        assert client.get(_page(mentoring) + suffix).status_code == form
        # The delivering practitioner's empty form is refused field by field.
        posted = 400 if form == 200 else form
        assert client.post(_page(mentoring) + suffix, {"version": 1}).status_code == posted
    assert fresh_intervention(mentoring).version == 1


def test_the_panel_sees_the_intervention_without_the_providers_actions(sign_in, work):
    body = sign_in("northby.chair").get(_page(work["mentoring"])).content.decode()
    assert MENTORING_GOAL in body
    assert "Accept or decline" not in body


# --- Answering ---------------------------------------------------------------------------


def test_the_provider_accepts_through_the_pages(sign_in, work):
    """From the list to the answer form and back: accepted, the intervention is being
    delivered, its first session is already due, and its history says who accepted."""
    client = sign_in("northby.provider")
    mentoring = work["mentoring"]
    listed = client.get(LIST).content.decode()
    assert "Awaiting your answer" in listed
    form = client.get(_page(mentoring) + "answer/").content.decode()

    response = client.post(
        _page(mentoring) + "answer/", {"version": _version(form), "event": "accept"}, follow=True
    )

    body = response.content.decode()
    assert response.redirect_chain == [(_page(mentoring), 302)]
    assert "Assignment accepted" in body
    assert "Accept the assignment: planned to active" in body
    assert fresh_intervention(mentoring).status == InterventionStatus.ACTIVE
    listed = client.get(LIST).content.decode()
    assert "No assignment is waiting for your answer." in listed
    assert "Overdue" in listed  # started a month ago, nobody seen yet


def test_declining_needs_a_reason_and_keeps_what_was_typed(sign_in, work):
    client = sign_in("northby.provider")
    url = _page(work["mentoring"]) + "answer/"

    refused = client.post(url, {"version": 1, "event": "decline", "reason": "Full."})
    declined = client.post(
        url, {"version": 1, "event": "decline", "reason": "No mentor free in that area."}
    )

    assert refused.status_code == 400
    body = refused.content.decode()
    assert "Give the reason (at least 10 characters)." in body
    assert ">Full.</textarea>" in body
    assert declined.status_code == 302
    intervention = fresh_intervention(work["mentoring"])
    assert intervention.status == InterventionStatus.WITHDRAWN
    assert intervention.version == 2


# --- Recording and correcting -----------------------------------------------------------


def test_recording_a_session_with_a_goal_rating(sign_in, people, work):
    """The session, its rating of the goal and the next due date follow from the form."""
    answer(people["provider"], work["mentoring"])
    client = sign_in("northby.provider")
    url = _page(work["mentoring"]) + "progress/"
    form = client.get(url).content.decode()
    goal = fresh_intervention(work["mentoring"]).goals.get()
    assert f"Progress against: {MENTORING_GOAL}" in form

    response = client.post(
        url, _session_form(_version(form), **{f"goal_{goal.pk}": GoalRating.GOOD}), follow=True
    )

    assert response.redirect_chain == [(_page(work["mentoring"]), 302)]
    body = response.content.decode()
    assert "Session recorded." in body
    assert "he wants to try the Saturday squad" in body
    assert "Good progress" in body
    entry = ProgressEntry.objects.get(intervention=work["mentoring"])
    assert entry.recorded_by == people["provider"]
    assert entry.goals.get().rating == GoalRating.GOOD
    assert fresh_intervention(work["mentoring"]).last_contact_on == entry.occurred_on


def test_a_correction_keeps_both_entries_side_by_side(sign_in, people, work):
    answer(people["provider"], work["mentoring"])
    first = record(
        people["provider"], work["mentoring"], session(notes="Met at the college library.")
    )
    client = sign_in("northby.provider")
    url = _page(work["mentoring"]) + f"entries/{first.pk}/correct/"
    form = client.get(url).content.decode()
    assert "Met at the college library." in form  # starts from what the entry said

    response = client.post(
        url,
        _session_form(
            _version(form),
            occurred_on=first.occurred_on.strftime("%d/%m/%Y"),
            notes="Met at the youth centre, not the library.",
        ),
        follow=True,
    )

    body = response.content.decode()
    assert "Correction recorded: both entries stay on the record." in body
    assert "Met at the college library." in body
    assert "Met at the youth centre, not the library." in body
    assert f"Corrected by the entry of {first.occurred_on.day}" in body
    assert f"Corrects the entry of {first.occurred_on.day}" in body
    correction = ProgressEntry.objects.get(corrects=first)
    assert ProgressEntry.objects.filter(intervention=work["mentoring"]).count() == 2
    assert body.index(f"entry-{correction.pk}") < body.index(f"entry-{first.pk}")


@pytest.mark.parametrize(
    ("overrides", "field_error"),
    [
        (
            {"concern": "on", "notes": ""},
            "Describe the concern in the notes: the panel acts on what you write.",
        ),
        (
            # Worked out when the test runs: a run crossing midnight would ask for today.
            {
                "occurred_on": lambda: (timezone.localdate() + datetime.timedelta(days=1)).strftime(
                    "%d/%m/%Y"
                )
            },
            "The date of a session cannot be in the future.",
        ),
        ({"attended": None}, "Say whether the person attended."),
    ],
)
def test_a_session_the_rules_refuse_writes_nothing(sign_in, people, work, overrides, field_error):
    """A concern with no notes, a session in the future, a session with no answer to
    whether the person came: refused beside the field, with what was typed kept, and
    nothing written."""
    answer(people["provider"], work["mentoring"])
    client = sign_in("northby.provider")

    form = _session_form(2, **{k: v() if callable(v) else v for k, v in overrides.items()})
    response = client.post(_page(work["mentoring"]) + "progress/", form)

    assert response.status_code == 400
    body = response.content.decode()
    assert field_error in body
    assert 'class="govuk-error-summary"' in body
    assert 'value="45"' in body  # the length typed is still there
    assert not ProgressEntry.objects.filter(intervention=work["mentoring"]).exists()
    assert fresh_intervention(work["mentoring"]).version == 2


# --- Status ------------------------------------------------------------------------------


def test_only_the_moves_the_status_table_allows(sign_in, people, work):
    """An active intervention is offered pause, complete and withdraw; resuming it is
    refused with the reason, and pausing it works."""
    answer(people["provider"], work["mentoring"])
    client = sign_in("northby.provider")
    url = _page(work["mentoring"]) + "status/"
    form = client.get(url).content.decode()
    assert 'value="pause"' in form
    assert 'value="resume"' not in form
    assert 'value="accept"' not in form
    reason = "He is away with his family for a month."

    refused = client.post(url, {"version": 2, "event": "resume", "reason": reason})
    answered = client.post(url, {"version": 2, "event": "decline", "reason": reason})
    paused = client.post(url, {"version": 2, "event": "pause", "reason": reason}, follow=True)

    assert refused.status_code == 400
    assert "An active intervention can only be: pause, complete, withdraw." in (
        refused.content.decode()
    )
    assert reason in refused.content.decode()
    assert answered.status_code == 400
    assert "Accept or decline the assignment from its answer page." in answered.content.decode()
    assert "The intervention is now paused." in paused.content.decode()
    assert fresh_intervention(work["mentoring"]).status == InterventionStatus.PAUSED


# --- A lost update -----------------------------------------------------------------------


def test_the_second_of_two_writers_keeps_their_notes_and_sees_the_first(sign_in, people, work):
    """Two practitioners open the session form at the same version. The first saves; the
    second is told the intervention changed, shown the first's session, and keeps what
    they typed; nothing of theirs is written until they send it again."""
    answer(people["provider"], work["mentoring"])
    url = _page(work["mentoring"]) + "progress/"
    first, second = sign_in("northby.provider"), sign_in("northby.provider")
    opened = _version(first.get(url).content.decode())
    assert _version(second.get(url).content.decode()) == opened
    theirs = "Second writer: he missed the bus and we spoke on the phone instead."

    saved = first.post(url, _session_form(opened))
    lost = second.post(url, _session_form(opened, notes=theirs, contact_type="call"))

    assert saved.status_code == 302
    assert lost.status_code == 409
    body = lost.content.decode()
    assert "Someone else has changed this intervention since you opened it." in body
    assert "Changed since you opened this form" in body
    assert "he wants to try the Saturday squad" in body  # the first writer's session
    assert theirs in body
    assert 'value="call" checked' in body
    current = fresh_intervention(work["mentoring"]).version
    assert _version(body) == str(current)
    assert list(
        ProgressEntry.objects.filter(intervention=work["mentoring"]).values_list("notes", flat=True)
    ) == [_session_form(opened)["notes"]]

    again = second.post(url, _session_form(_version(body), notes=theirs, contact_type="call"))

    assert again.status_code == 302
    assert ProgressEntry.objects.filter(notes=theirs).exists()


# --- Queries -----------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_and_the_page_do_not_grow_with_entries(
    sign_in, people, work, django_assert_max_num_queries
):
    """The list and the intervention page read a fixed number of queries whether the
    intervention has one entry or ten (each with a goal rating, some corrected)."""
    provider, mentoring = people["provider"], work["mentoring"]
    answer(provider, mentoring)
    goal = fresh_intervention(mentoring).goals.get()
    record(provider, mentoring, session(ratings={goal.pk: GoalRating.SOME}))
    client = sign_in("northby.provider")
    urls = (LIST, _page(mentoring))
    _queries(client, _page(mentoring))  # the read is recorded once; later views repeat it
    with_one = {url: _queries(client, url) for url in urls}
    # At most 12 as the benchmark counts them. A list's read event is a transaction whose
    # BEGIN and COMMIT the test's own transaction hides (two of the 12); a reload of the
    # page within minutes repeats its last view, so it records nothing.
    assert with_one[LIST] <= 10
    assert with_one[_page(mentoring)] <= 12

    for day in range(9):
        entry = record(
            provider,
            mentoring,
            session(
                occurred_on=timezone.localdate() - datetime.timedelta(days=day + 3),
                concern=day % 3 == 0,
                ratings={goal.pk: GoalRating.GOOD},
            ),
        )
        if day % 4 == 0:
            record(provider, mentoring, session(notes="A correction."), corrects=entry)

    for url in urls:
        with django_assert_max_num_queries(with_one[url]):
            assert client.get(url).status_code == 200


# --- Arriving ----------------------------------------------------------------------------


def test_practitioners_start_from_their_interventions_with_counts_at_home(
    client, sign_in, people, work
):
    """A practitioner lands on their interventions after signing in, finds them first in
    the navigation, and the home page counts what awaits an answer and what is overdue."""
    response = client.post("/sign-in/", {"username": "northby.provider", "password": DEMO_PASSWORD})
    assert response.url == LIST
    answer(people["provider"], work["mentoring"], DeliveryEvent.ACCEPT)
    home = sign_in("northby.provider").get("/").content.decode()
    assert "Your agency's interventions" in home
    assert re.search(r"Awaiting your answer</dt>\s*<dd[^>]*>0<", home)
    assert re.search(r"Overdue for a session</dt>\s*<dd[^>]*><strong[^>]*>1<", home)
    nav = re.findall(r'class="govuk-service-navigation__link"[^>]*href="([^"]+)"', home) or (
        re.findall(r'href="([^"]+)"[^>]*class="govuk-service-navigation__link"', home)
    )
    assert nav[:2] == ["/", LIST]  # after Home, before the rest
    other = sign_in("northby.health").get("/").content.decode()
    assert "Your agency's interventions" not in other


# --- At a region's size ------------------------------------------------------------------


def test_the_list_pages_by_cursor_and_counts_nothing(sign_in, people, monkeypatch):
    """Pages follow one another by "the rows after this one", with no count of the whole
    list: every intervention being delivered is listed once, next session due first."""
    monkeypatch.setattr("panels.web.delivery.views.PAGE_SIZE", 2)
    provider_agency = people["provider_agency"]
    works = [
        work
        for _ in range(3)
        for work in assigned(people["officer"], people["chair"], provider_agency)
    ]
    for work in works:
        answer(people["provider"], work)
    client = sign_in("northby.provider")

    seen, cursor = [], None
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST, {"cursor": cursor} if cursor else {})
        assert not any("COUNT(" in query["sql"].upper() for query in queries.captured_queries)
        seen += [row.intervention.pk for row in response.context["rows"]]
        cursor = response.context["page"].next_cursor
        if cursor is None:
            break
    assert sorted(seen, key=str) == sorted((work.pk for work in works), key=str)
    due = [(w.next_contact_due_on, w.pk) for w in map(fresh_intervention, works)]
    assert [pk for _, pk in sorted(due)] == seen


def test_the_lists_cost_the_same_however_many_interventions_the_agency_has(
    sign_in, people, django_assert_max_num_queries
):
    """The page and the API list read a fixed number of queries, at most 12 as the
    benchmark counts them (the read event's BEGIN and COMMIT, hidden here by the test's
    own transaction, make two of them), with two interventions or twelve."""
    provider_agency = people["provider_agency"]

    def more(count: int) -> None:
        for _ in range(count):
            (work, _waiting) = assigned(
                people["officer"], people["chair"], provider_agency, provider_agency
            )
            answer(people["provider"], work)

    more(1)
    client = sign_in("northby.provider")
    urls = (LIST, f"{LIST}?show=finished", "/api/panels/interventions/")
    few = {url: _queries(client, url) for url in urls}
    assert all(count <= 10 for count in few.values()), few
    more(5)
    for url in urls:
        with django_assert_max_num_queries(few[url]):
            assert client.get(url).status_code == 200


def test_the_scope_the_lists_match_in_sql_is_the_scope_grants_name(work):
    """Which interventions an agency may list is decided in SQL from each one's scope, so
    the scope built there must be the one its grants are written with, on either database."""
    mentoring = work["mentoring"]
    built = (
        Intervention.objects.filter(pk=mentoring.pk)
        .annotate(built=InterventionScope("pk"))
        .values_list("built", flat=True)
        .get()
    )
    assert built == intervention_scope(mentoring.pk) == mentoring.scope
