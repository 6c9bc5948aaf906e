"""Duplicate and re-referral detection: misspellings found, other agencies' people never
shown, and the same answers on SQLite and PostgreSQL."""

import datetime

import pytest

from referrals.rules.matching import normalise, rank
from referrals.selectors import subject_matches_for_user
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

DOB = datetime.date(2009, 5, 17)


def _matches(user, username, given, family, dob=DOB):
    return subject_matches_for_user(
        membership=user(username).membership,
        given_names=given,
        family_name=family,
        date_of_birth=dob,
    )


@pytest.mark.parametrize(
    ("given", "family", "dob"),
    [
        ("Mohammed", "Rahman", DOB),  # exact
        ("Muhammad", "Rahman", DOB),  # a common variant spelling
        ("Mohammed", "Rahmen", DOB),  # a keying slip in the family name
        ("Mohammed", "Rahman", datetime.date(2009, 6, 17)),  # one digit out in the month
        ("Mo", "Rahman", DOB),  # a shortened given name, same date of birth
    ],
)
def test_earlier_referrals_are_found_despite_misspellings(user, given, family, dob):
    officer = user("northby.officer")
    earlier = make_referral(officer, given_names="Mohammed", family_name="Rahman")
    make_referral(
        officer, given_names="Jane", family_name="Unrelated", date_of_birth=None, estimated_age=40
    )
    matches = _matches(user, "northby.officer", given, family, dob)
    assert [match.subject for match in matches] == [earlier.subject]
    assert matches[0].referral_count == 1


def test_aliases_are_matched(user):
    officer = user("northby.officer")
    earlier = make_referral(
        officer, given_names="Kai", family_name="Pennington", aliases=("Kai Penington",)
    )
    assert [m.subject for m in _matches(user, "northby.officer", "Kai", "Penington")] == [
        earlier.subject
    ]


def test_people_another_agency_holds_are_never_shown(user, agency):
    southmere = user("southmere.officer")
    make_referral(southmere, given_names="Mohammed", family_name="Rahman")
    assert _matches(user, "northby.officer", "Mohammed", "Rahman") == []


def test_a_grant_without_identity_does_not_reveal_the_person(user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer, given_names="Mohammed", family_name="Rahman")
    share(referral, officer, agency("Northby College"), categories=("family",))
    assert _matches(user, "northby.education", "Mohammed", "Rahman") == []
    share(referral, officer, agency("Northby NHS Trust"), categories=("identity",))
    assert len(_matches(user, "northby.health", "Mohammed", "Rahman")) == 1


def test_the_scorer_ranks_exact_above_near_and_drops_strangers():
    candidates = [
        ("a", "alex smith", DOB),
        ("b", "alec smyth", DOB),
        ("c", "jordan brown", datetime.date(1990, 1, 1)),
    ]
    ranked = rank(candidates, name="Alex Smith", date_of_birth=DOB)
    assert [match.subject_id for match in ranked] == ["a", "b"]
    assert ranked[0].score > ranked[1].score


def test_names_are_compared_without_accents_or_punctuation():
    assert normalise("  Zoë  O'Brien-Ní ") == "zoe o brien ni"
