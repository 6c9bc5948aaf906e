"""The intake journey through HTTP, as a Prevent officer uses it: page by page, then check
your answers, then the referral is logged."""

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent
from referrals.models import Referral, Subject
from referrals.selectors import current_concern_types
from tests.factories import make_referral

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
START = "/referrals/new/"
PERSON = "/referrals/new/person/"
MATCHES = "/referrals/new/earlier-referrals/"
CHILD = "/referrals/new/child/"
REFERRER = "/referrals/new/referrer/"
CONCERN = "/referrals/new/concern/"
CHECK = "/referrals/new/check/"
CONCERN_TEXT = "Synthetic concern: drew extremist symbols on a college locker."


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(
        datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC), tick=True
    ):
        yield


@pytest.fixture
def officer_client(sign_in):
    return sign_in("northby.officer")


def person(**overrides) -> dict:
    values = {
        "given_names": "Robin",
        "family_name": "Examplefield",
        "aliases": "Robyn Examplefield\nR. Field",
        "date_of_birth_day": "3",
        "date_of_birth_month": "4",
        "date_of_birth_year": "1996",
        "estimated_age": "",
        "sex": "female",
        "gender_identity": "Woman",
        "address": "1 Synthetic Street\nNorthby",
        "postcode": "NB1 2ZZ",
        "phone": "01632 960000",
        "email": "robin@example.org",
        "nationality": "British",
        "first_language": "Welsh",
        "interpreter_needed": "yes",
        "pnc_number": "09/123456C",
    }
    values.update(overrides)
    return values


def born(day, month, year) -> dict:
    return {
        "date_of_birth_day": str(day),
        "date_of_birth_month": str(month),
        "date_of_birth_year": str(year),
    }


def referrer(**overrides) -> dict:
    values = {
        "referrer_name": "Jordan Sample",
        "referrer_role": "Designated safeguarding lead",
        "referrer_organisation": "Northby Synthetic College",
        "referrer_sector": "education",
    }
    values.update(overrides)
    return values


def concern(officer, **overrides) -> dict:
    values = {
        "received_on_day": "18",
        "received_on_month": "11",
        "received_on_year": "2026",
        "area": str(officer.membership.agency.area_id),
        "concern_type": str(current_concern_types().get(code="extreme_right_wing").pk),
        "concern_summary": CONCERN_TEXT,
        "existing_involvement": "Known to the college's pastoral team.",
        "person_aware": "no",
        "wider_needs": ["mental_health", "neurodiversity"],
    }
    values.update(overrides)
    return values


def test_full_journey_logs_a_referral_with_every_answer(officer_client, user):
    """Every answer given on the pages is what the logged referral holds."""
    officer = user("northby.officer")

    # Given the officer starts from the referrals list
    response = officer_client.get("/referrals/")
    assert 'href="/referrals/new/"' in response.content.decode()
    assert officer_client.get(START).url == PERSON

    # When they answer each page; an adult with no earlier referrals skips two pages
    assert officer_client.get(PERSON).status_code == 200
    assert officer_client.post(PERSON, person()).url == REFERRER
    assert officer_client.post(REFERRER, referrer()).url == CONCERN
    assert officer_client.post(CONCERN, concern(officer)).url == CHECK

    # Then check your answers shows them, each with a change link naming the answer
    page = officer_client.get(CHECK).content.decode()
    for shown in (
        "Robin",
        "Examplefield",
        "Robyn Examplefield",
        "3 April 1996",
        "Female",
        "NB1 2ZZ",
        "Yes",
        "Jordan Sample",
        "Education",
        "18 November 2026",
        "Northby",
        CONCERN_TEXT,
        "Mental health",
        "Neurodiversity",
    ):
        assert shown in page
    assert '<span class="govuk-visually-hidden"> date of birth</span>' in page
    assert '<span class="govuk-visually-hidden"> PNC number</span>' in page
    assert "Child details" not in page

    # When they log it
    response = officer_client.post(CHECK, follow=True)

    # Then they land on the referral, told its reference
    referral = Referral.objects.get(created_by=officer)
    assert response.redirect_chain[-1][0] == f"/referrals/{referral.pk}/"
    assert f"Its reference is {referral.reference}" in response.content.decode()
    assert f'href="{START}">Log another referral</a>' in response.content.decode()
    subject = referral.subject
    assert (subject.given_names, subject.family_name) == ("Robin", "Examplefield")
    assert subject.aliases == ["Robyn Examplefield", "R. Field"]
    assert subject.date_of_birth == datetime.date(1996, 4, 3)
    assert subject.estimated_age is None
    assert subject.sex == "female"
    assert subject.gender_identity == "Woman"
    assert subject.address == "1 Synthetic Street\nNorthby"
    assert (subject.postcode, subject.phone, subject.email) == (
        "NB1 2ZZ",
        "01632 960000",
        "robin@example.org",
    )
    assert (subject.nationality, subject.first_language) == ("British", "Welsh")
    assert subject.interpreter_needed is True
    assert subject.pnc_number == "09/123456C"
    assert subject.is_child is False
    assert referral.received_on == datetime.date(2026, 11, 18)
    assert referral.area_id == officer.membership.agency.area_id
    assert referral.owning_agency_id == officer.membership.agency_id
    assert referral.concern_type.code == "extreme_right_wing"
    assert referral.concern_summary == CONCERN_TEXT
    assert referral.existing_involvement == "Known to the college's pastoral team."
    assert referral.person_aware is False
    assert (referral.send_needs, referral.mental_health, referral.neurodiversity) == (
        False,
        True,
        True,
    )
    assert (referral.referrer_name, referral.referrer_role) == (
        "Jordan Sample",
        "Designated safeguarding lead",
    )
    assert referral.referrer_organisation == "Northby Synthetic College"
    assert referral.referrer_sector == "education"

    # And the journey is over: its answers are gone
    assert officer_client.get(CHECK).url == PERSON


def test_a_page_with_errors_keeps_what_was_typed_and_the_other_answers(officer_client, user):
    """Errors name the part at fault; typed values and other pages' answers stay."""
    officer = user("northby.officer")
    officer_client.post(PERSON, person())
    officer_client.post(REFERRER, referrer())

    # When the person page is sent again with mistakes
    response = officer_client.post(
        PERSON,
        person(
            given_names="",
            family_name="Examplefeild",
            date_of_birth_day="31",
            date_of_birth_month="",
            email="not-an-email",
            interpreter_needed="",
        ),
    )

    # Then the page says what is wrong, next to each field, and keeps what was typed
    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>\s*Error: The person", page)
    assert "Enter the person&#x27;s given names." in page
    assert "Date of birth must include a month." in page
    assert "Enter an email address in the right format" in page
    assert "Select yes if the person needs an interpreter." in page
    assert 'href="#id_date_of_birth_month"' in page  # the summary links to the box at fault
    assert 'href="#id_interpreter_needed"' in page
    assert re.search(r'govuk-input--error" id="id_date_of_birth_month"', page)
    assert not re.search(r'govuk-input--error" id="id_date_of_birth_day"', page)
    assert 'value="Examplefeild"' in page
    assert 'value="31"' in page
    assert 'value="not-an-email"' in page

    # And the answers saved before are untouched
    officer_client.post(CONCERN, concern(officer))
    page = officer_client.get(CHECK).content.decode()
    assert "Examplefield" in page
    assert "Jordan Sample" in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message", "at_fault"),
    [
        ("30", "2", "2009", "Date of birth must be a real date.", ["day"]),
        ("3", "13", "2009", "Date of birth must be a real date.", ["month"]),
        ("3", "4", "09", "Year must include 4 numbers.", ["year"]),
        ("", "", "2009", "Date of birth must include a day and month.", ["day", "month"]),
        ("3", "4", "2027", "Date of birth must be in the past.", ["day", "month", "year"]),
    ],
)
def test_date_of_birth_errors_name_the_part_at_fault(
    officer_client, day, month, year, message, at_fault
):
    """Only the boxes that are wrong are marked; a rule about the whole date marks all."""
    response = officer_client.post(
        PERSON,
        person(date_of_birth_day=day, date_of_birth_month=month, date_of_birth_year=year),
    )

    page = response.content.decode()
    assert message in page
    for part in ("day", "month", "year"):
        marked = bool(re.search(rf'govuk-input--error" id="id_date_of_birth_{part}"', page))
        assert marked == (part in at_fault), part


def test_estimated_age_stands_in_for_an_unknown_date_of_birth(officer_client):
    """Without either, the officer is asked for one; an estimated age alone is enough."""
    no_age = person(date_of_birth_day="", date_of_birth_month="", date_of_birth_year="")
    response = officer_client.post(PERSON, no_age)
    assert "Enter a date of birth, or an estimated age if it is not known." in (
        response.content.decode()
    )

    response = officer_client.post(PERSON, {**no_age, "estimated_age": "30"})

    assert response.status_code == 302


@pytest.mark.parametrize(
    "username", ["northby.coordinator", "northby.health", "northby.auditor", "northby.admin"]
)
@pytest.mark.parametrize("url", [START, PERSON, MATCHES, CHILD, REFERRER, CONCERN, CHECK])
def test_only_prevent_officers_may_use_the_journey(sign_in, username, url):
    """Anyone else gets the permission page; the officer gets the page or a step back."""
    refused = sign_in(username).get(url)
    allowed = sign_in("northby.officer").get(url)

    assert refused.status_code == 403
    assert "You do not have permission to do this" in refused.content.decode()
    assert allowed.status_code in (200, 302)


def test_officer_does_not_see_the_log_button_unless_they_may_log(sign_in):
    """The list offers the journey to Prevent officers only."""
    assert (
        'href="/referrals/new/"' in sign_in("northby.officer").get("/referrals/").content.decode()
    )
    assert 'href="/referrals/new/"' not in (
        sign_in("northby.coordinator").get("/referrals/").content.decode()
    )


def test_linking_to_an_earlier_person_keeps_the_new_spelling_as_another_name(officer_client, user):
    """A misspelt name still finds the earlier person; linking records the spelling."""
    officer = user("northby.officer")
    earlier = make_referral(
        officer,
        given_names="Alex",
        family_name="Testperson",
        date_of_birth=datetime.date(1990, 5, 17),
    )
    subjects_before = Subject.objects.count()

    # When the officer types a misspelling with the same date of birth
    response = officer_client.post(
        PERSON,
        person(
            given_names="Alix",
            family_name="Testpersen",
            aliases="",
            date_of_birth_day="17",
            date_of_birth_month="5",
            date_of_birth_year="1990",
        ),
    )

    # Then the earlier person is offered, with how close and how much is already known
    assert response.url == MATCHES
    page = officer_client.get(MATCHES).content.decode()
    assert "Alex Testperson" in page
    assert "Strong match" in page
    assert "Born 17 May 1990" in page
    assert "1 earlier referral held by your agency" in page
    assert "None of these: a new person" in page

    # When they link to that person and finish
    response = officer_client.post(MATCHES, {"subject": str(earlier.subject_id)})
    assert response.url == REFERRER
    officer_client.post(REFERRER, referrer())
    officer_client.post(CONCERN, concern(officer))
    assert "Linked to Alex Testperson, born 17 May 1990" in (
        officer_client.get(CHECK).content.decode()
    )
    officer_client.post(CHECK)

    # Then the referral is about the same person, recorded as typed this time; the earlier
    # record is left exactly as its agency wrote it
    referral = Referral.objects.exclude(pk=earlier.pk).select_related("subject").get()
    assert referral.subject.person == earlier.subject.person
    assert (referral.subject.given_names, referral.subject.family_name) == ("Alix", "Testpersen")
    assert Subject.objects.count() == subjects_before + 1
    assert Subject.objects.get(pk=earlier.subject_id).aliases == earlier.subject.aliases

    # And the next search by the new spelling finds the person once, with both referrals
    officer_client.post(PERSON, person(given_names="Alix", family_name="Testpersen", aliases=""))
    page = officer_client.get(MATCHES).content.decode()
    assert "2 earlier referrals held by your agency" in page


def test_choosing_a_new_person_creates_one(officer_client, user):
    """Choosing "none of these" logs the referral about someone new."""
    officer = user("northby.officer")
    earlier = make_referral(officer, given_names="Robin", family_name="Examplefield")
    officer_client.post(PERSON, person())
    officer_client.post(MATCHES, {"subject": "new"})
    officer_client.post(REFERRER, referrer())
    officer_client.post(CONCERN, concern(officer))

    officer_client.post(CHECK)

    referral = Referral.objects.exclude(pk=earlier.pk).get()
    assert referral.subject_id != earlier.subject_id


def test_a_person_known_only_to_another_force_is_never_offered(officer_client, user):
    """Southmere's referral about the same person is invisible to Northby's officer."""
    southmere = make_referral(
        user("southmere.officer"),
        given_names="Robin",
        family_name="Examplefield",
        date_of_birth=datetime.date(1996, 4, 3),
    )

    response = officer_client.post(PERSON, person())

    assert response.url == REFERRER
    page = officer_client.get(MATCHES, follow=True).content.decode()
    assert str(southmere.subject_id) not in page
    assert "Link to this person" not in page


@pytest.mark.parametrize(
    ("answers", "child"),
    [
        pytest.param({"date_of_birth_year": "2010"}, True, id="sixteen"),
        pytest.param(born(21, 11, 2008), True, id="eighteen-tomorrow"),
        pytest.param(born(20, 11, 2008), False, id="eighteen-today"),
        pytest.param({**born("", "", ""), "estimated_age": "15"}, True, id="estimated-fifteen"),
        pytest.param({}, False, id="adult"),
    ],
)
def test_child_details_are_asked_only_about_a_child(officer_client, user, answers, child):
    """Under 18 brings the parent, guardian and school page; an adult never sees it."""
    officer = user("northby.officer")

    response = officer_client.post(PERSON, person(**answers))

    assert response.url == (CHILD if child else REFERRER)
    if child:
        page = officer_client.get(CHILD).content.decode()
        assert "Parent or guardian" in page
        officer_client.post(
            CHILD,
            {
                "parent_guardian_name": "Casey Sample",
                "parent_guardian_contact": "01632 960001",
                "school": "Northby Synthetic Academy",
            },
        )
    else:
        assert officer_client.get(CHILD).url == REFERRER
    officer_client.post(REFERRER, referrer())
    officer_client.post(CONCERN, concern(officer, received_on_day="20"))
    assert ("Child details" in officer_client.get(CHECK).content.decode()) == child

    officer_client.post(CHECK)

    subject = Referral.objects.get().subject
    assert subject.is_child == child
    assert subject.school == ("Northby Synthetic Academy" if child else "")


def test_change_link_returns_to_check_your_answers(officer_client, user):
    """Changing an answer goes back to its page, then straight back to the check."""
    officer = user("northby.officer")
    officer_client.post(PERSON, person())
    officer_client.post(REFERRER, referrer())
    officer_client.post(CONCERN, concern(officer))
    page = officer_client.get(CHECK).content.decode()
    assert f'href="{REFERRER}#id_referrer_role"' in page

    back_link = officer_client.get(REFERRER).content.decode()
    assert f'href="{CHECK}" class="govuk-back-link"' in back_link
    response = officer_client.post(REFERRER, referrer(referrer_role="Head of year"))

    assert response.url == CHECK
    assert "Head of year" in officer_client.get(CHECK).content.decode()


def test_pages_cannot_be_skipped(officer_client):
    """A later page sends the officer back to the first one not yet answered."""
    assert officer_client.get(CONCERN).url == PERSON
    assert officer_client.get(CHECK).url == PERSON


def test_refusal_from_the_service_is_shown_with_the_page_that_fixes_it(
    officer_client, user, monkeypatch
):
    """If logging is refused, check your answers lists why and links to the field."""
    officer = user("northby.officer")
    officer_client.post(PERSON, person())
    officer_client.post(REFERRER, referrer())
    officer_client.post(CONCERN, concern(officer))

    def refuse(**_):
        raise ValidationError({"postcode": ["Enter a real postcode."]})

    monkeypatch.setattr("referrals.web.intake_views.referral_create", refuse)
    response = officer_client.post(CHECK)

    page = response.content.decode()
    assert response.status_code == 400
    assert re.search(r"<title>\s*Error: Check your answers", page)
    assert f'<a href="{PERSON}#id_postcode">Enter a real postcode.</a>' in page
    assert "Enter a real postcode." in officer_client.get(PERSON).content.decode()


def test_earlier_people_offered_at_intake_are_recorded_as_shown(officer_client, user):
    """Offering an earlier person shows their identity: the page is a read, recorded once
    with the referral each offered person comes from."""
    earlier = make_referral(
        user("northby.officer"), given_names="Robin", family_name="Examplefield"
    )
    officer_client.post(PERSON, person())

    assert "Robin Examplefield" in officer_client.get(MATCHES).content.decode()

    listed = AuditEvent.objects.get(type=EventType.CASES_LISTED)
    assert listed.payload["via"] == "matching"
    assert listed.payload["cases"] == [
        {
            "id": str(earlier.pk),
            "categories": ["identity"],
            "sources": [str(earlier.owning_agency_id)],
        }
    ]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NB1", "Enter a real UK postcode, like SW1A 1AA"),
        ("postcode", "NB1 2ZZ NB1 2ZZ", "Postcode must be 10 characters or fewer"),
        ("pnc_number", "09/123456A", "check letter does not match"),
        ("pnc_number", "123456", "Enter the PNC number as the year, a slash"),
    ],
)
def test_identifiers_that_do_not_fit_are_refused_on_the_person_page(
    officer_client, field, value, message
):
    response = officer_client.post(PERSON, person(**{field: value}))

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    assert f'value="{value}"' in page


def test_person_page_inputs_set_no_browser_limit(officer_client):
    assert "maxlength" not in officer_client.get(PERSON).content.decode()
