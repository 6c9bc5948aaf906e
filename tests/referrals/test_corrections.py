"""Rectification: the owning force's Prevent officer corrects a field of the record; the
correction keeps who, when, why, the value before and after; the chain names the field,
never a value; a receiver sees a correction only in a category it holds; everyone else is
refused (404 where the case is not theirs to see, 403 where it is but not to correct)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from prevent_cases.exceptions import AccessDenied
from referrals.models import Correction, Subject
from referrals.services.corrections import referral_correct
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

REASON = "The family gave the right postcode at the home visit."


@pytest.fixture
def referral(user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer, postcode="NB1 2ZZ", school="Synthetic Academy")
    share(referral, officer, agency("Northby NHS Trust"), categories=(Category.IDENTITY,))
    share(referral, officer, agency("Northby College"), categories=(Category.EDUCATION,))
    return referral


def _url(referral, field="postcode") -> str:
    return f"/referrals/{referral.pk}/corrections/{field}/"


def test_the_officer_corrects_a_field_and_the_earlier_value_stays_in_the_history(sign_in, referral):
    client = sign_in("northby.officer")

    response = client.post(_url(referral), {"value": "nb1 3aa", "reason": REASON})

    assert response.status_code == 302
    assert response.url.endswith(f"/referrals/{referral.pk}/#section-identity")
    assert Subject.objects.get(pk=referral.subject_id).postcode == "NB1 3AA"
    correction = Correction.objects.get(referral=referral)
    assert (correction.field, correction.category) == ("postcode", Category.IDENTITY)
    assert (correction.previous_value, correction.new_value) == ("NB1 2ZZ", "NB1 3AA")
    assert correction.reason == REASON
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert "Corrections to identity and contact" in page
    assert "NB1 2ZZ" in page
    assert "NB1 3AA" in page
    assert REASON in page


def test_each_correction_is_an_audit_event_naming_the_field_and_no_value(sign_in, user, referral):
    officer = user("northby.officer")

    correction = referral_correct(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        field="postcode",
        value="NB1 3AA",
        reason=REASON,
    )

    event = AuditEvent.objects.get(type=EventType.REFERRAL_CORRECTED)
    assert event.payload == {"correction": str(correction.pk), "field": "postcode"}
    assert event.target_id == referral.pk
    assert "NB1" not in str(event.payload)
    assert "visit" not in str(event.payload)


def test_corrections_add_rows_and_never_rewrite_earlier_ones(user, referral):
    officer = user("northby.officer")
    for value in ("NB1 3AA", "NB1 4BB"):
        referral_correct(
            actor=officer,
            membership=officer.membership,
            referral=referral,
            field="postcode",
            value=value,
            reason=REASON,
        )

    history = list(
        Correction.objects.filter(referral=referral).values_list("previous_value", "new_value")
    )
    assert history == [("NB1 2ZZ", "NB1 3AA"), ("NB1 3AA", "NB1 4BB")]


def test_correcting_the_date_of_birth_records_whether_the_person_is_a_child(user, referral):
    officer = user("northby.officer")

    referral_correct(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        field="date_of_birth",
        value=datetime.date(1990, 1, 1),
        reason="The passport shows an earlier year of birth.",
    )

    assert Subject.objects.get(pk=referral.subject_id).is_child is False
    assert list(Correction.objects.filter(referral=referral).values_list("field", "new_value")) == [
        ("date_of_birth", "1 January 1990"),
        ("is_child", "No"),
    ]


@pytest.mark.parametrize(
    ("username", "sees_correction"),
    [("northby.health", True), ("northby.education", False)],
)
def test_a_receiver_sees_a_correction_only_in_a_category_it_holds(
    sign_in, user, referral, username, sees_correction
):
    officer = user("northby.officer")
    referral_correct(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        field="postcode",
        value="NB1 3AA",
        reason=REASON,
    )

    page = sign_in(username).get(f"/referrals/{referral.pk}/").content.decode()

    assert (REASON in page) is sees_correction
    assert ("NB1 2ZZ" in page) is sees_correction
    # Who corrected it is named by role and agency to another agency.
    assert (
        '<span class="govuk-body-s">by Prevent officer, Northby Police Prevent Team</span>' in page
    ) is sees_correction
    assert "Correct<span" not in page


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("northby.officer", 200),
        # Sees the record (identity) but may not correct it.
        ("northby.health", 403),
        # Sees education only: still a receiver, refused.
        ("northby.education", 403),
        # Another force and an unrelated agency: the case does not exist for them.
        ("southmere.officer", 404),
        ("northby.probation", 404),
        ("northby.auditor", 404),
    ],
)
def test_only_the_owners_officer_may_correct_on_every_path(sign_in, referral, username, status):
    client = sign_in(username)

    shown = client.get(_url(referral))
    posted = client.post(_url(referral), {"value": "NB1 3AA", "reason": REASON})

    assert shown.status_code == status
    assert posted.status_code == (302 if status == 200 else status)
    if status != 200:
        assert not Correction.objects.exists()
        assert Subject.objects.get(pk=referral.subject_id).postcode == "NB1 2ZZ"
    if status == 404:
        assert "NB1 2ZZ" not in shown.content.decode()


def test_the_service_refuses_anyone_but_the_owners_officer(user, referral):
    health = user("northby.health")
    with pytest.raises(AccessDenied):
        referral_correct(
            actor=health,
            membership=health.membership,
            referral=referral,
            field="postcode",
            value="NB1 3AA",
            reason=REASON,
        )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("postcode", "NB1 2ZZ", "The new value is the same as the recorded one"),
        ("postcode", "NOT A PC", "Enter a real UK postcode, like SW1A 1AA"),
        ("postcode", "NB1 2ZZ NB1 2ZZ", "Postcode must be 10 characters or fewer"),
        ("pnc_number", "19/1234567A", "check letter does not match"),
        ("pnc_number", "1234567", "Enter the PNC number as the year, a slash"),
        ("given_names", "", "Enter the given names."),
        ("school", "S" * 201, "School or college must be 200 characters or fewer"),
    ],
)
def test_a_value_that_does_not_fit_is_refused_with_a_message_and_kept(
    sign_in, referral, field, value, message
):
    client = sign_in("northby.officer")

    response = client.post(_url(referral, field), {"value": value, "reason": REASON})

    page = response.content.decode()
    assert response.status_code == 400
    assert message in page
    # What was typed is shown back whole, never cut short.
    assert value.replace("'", "&#x27;") in page
    assert not Correction.objects.exists()


def test_the_input_sets_no_browser_limit_that_would_cut_a_value_short(sign_in, referral):
    page = sign_in("northby.officer").get(_url(referral)).content.decode()

    assert 'name="value"' in page
    assert "maxlength" not in page


def test_a_correction_without_a_reason_is_refused(sign_in, referral):
    response = sign_in("northby.officer").post(_url(referral), {"value": "NB1 3AA", "reason": ""})

    assert response.status_code == 400
    assert "Say why the record was wrong" in response.content.decode()


def test_fields_the_workflow_records_are_not_corrected_here(sign_in, user, referral):
    client = sign_in("northby.officer")
    officer = user("northby.officer")

    assert client.get(_url(referral, "outcome")).status_code == 404
    with pytest.raises(ValidationError):
        referral_correct(
            actor=officer,
            membership=officer.membership,
            referral=referral,
            field="outcome",
            value="channel",
            reason=REASON,
        )


def test_yes_no_and_list_fields_are_corrected_through_their_own_inputs(sign_in, referral):
    client = sign_in("northby.officer")

    client.post(_url(referral, "interpreter_needed"), {"value": "yes", "reason": REASON})
    client.post(_url(referral, "aliases"), {"value": "Alix Testperson\nA. T.", "reason": REASON})
    client.post(_url(referral, "person_aware"), {"value": "not_known", "reason": REASON})

    subject = Subject.objects.get(pk=referral.subject_id)
    assert subject.interpreter_needed is True
    assert subject.aliases == ["Alix Testperson", "A. T."]
    assert "alix" in subject.match_key
    assert list(Correction.objects.values_list("field", "previous_value", "new_value")) == [
        ("interpreter_needed", "No", "Yes"),
        ("aliases", "", "Alix Testperson\nA. T."),
    ]
