"""Linking a new referral to an earlier person gives nothing that was not shared, and writes
nothing into the earlier agency's record."""

import pytest

from audit.vocabulary import Category
from referrals.models import Referral, Subject
from referrals.services.case import referral_decision_revoke
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

EARLIER = {
    "school": "Synthetic Academy of Northby",
    "pnc_number": "26/0000001W",
    "parent_guardian_name": "Jordan Synthetic-Parent",
    "parent_guardian_contact": "01632 960000",
}


@pytest.fixture
def earlier(user, agency):
    """Northby police's referral of a child, whose identity alone Southmere police were
    given."""
    officer = user("northby.officer")
    referral = make_referral(officer, **EARLIER)
    decision = share(
        referral, officer, agency("Southmere Police Prevent Team"), categories=(Category.IDENTITY,)
    )
    return referral, decision


def _log_linked(client, user, subject_id):
    officer = user("southmere.officer")
    area = officer.membership.agency.area
    return client.post(
        "/api/referrals/",
        {
            "area": str(area.pk),
            "received_on": "2026-11-02",
            "given_names": "Alix",
            "family_name": "Testpersen",
            "date_of_birth": "2009-05-17",
            "concern_summary": "Synthetic: a second concern about the same young person.",
            "linked_subject": str(subject_id),
        },
        "application/json",
    )


def test_linking_returns_only_what_the_linker_typed(sign_in, user, earlier):
    referral, _ = earlier
    client = sign_in("southmere.officer")

    response = _log_linked(client, user, referral.subject_id)

    assert response.status_code == 201, response.json()
    text = response.content.decode()
    for value in EARLIER.values():
        assert value not in text
    body = response.json()
    assert body["identity"]["given_names"] == "Alix"
    assert body.get("education", {}).get("school", "") == ""
    new = Referral.objects.select_related("subject").get(pk=body["id"])
    assert new.subject_id != referral.subject_id
    assert new.subject.person == referral.subject.person


def test_the_earlier_agencys_record_is_left_as_it_was(sign_in, user, earlier):
    referral, _ = earlier
    before = Subject.objects.get(pk=referral.subject_id)

    _log_linked(sign_in("southmere.officer"), user, referral.subject_id)

    after = Subject.objects.get(pk=referral.subject_id)
    assert (after.aliases, after.match_key) == (before.aliases, before.match_key)


def test_after_the_owner_revokes_the_linker_still_sees_only_its_own(sign_in, user, earlier):
    referral, decision = earlier
    client = sign_in("southmere.officer")
    created = _log_linked(client, user, referral.subject_id).json()
    northby = user("northby.officer")
    referral_decision_revoke(
        actor=northby,
        membership=northby.membership,
        referral=referral,
        decision=decision,
        reason="Southmere police no longer need this person's identity.",
    )

    text = client.get(f"/api/referrals/{created['id']}/").content.decode()
    for value in EARLIER.values():
        assert value not in text
    assert client.get(f"/api/referrals/{referral.pk}/").status_code == 404


def test_a_person_the_agency_may_not_see_cannot_be_linked(sign_in, user):
    hidden = make_referral(user("northby.officer"))
    response = _log_linked(sign_in("southmere.officer"), user, hidden.subject_id)
    assert response.status_code in (400, 404)
    assert not Referral.objects.filter(owning_agency=user("southmere.officer").membership.agency)
