"""The referral's page shows the whole record, category by category, to those who may see
each; who the person is heads it; the person's other referrals are listed where the viewer
may know of them; a receiving agency sees why it was given what it holds, by whom and until
when; and an agency whose access ended is told so, while a case never shared stays a 404."""

import datetime
import re
import uuid

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone

from audit.vocabulary import Category
from referrals.services.case import referral_decision_revoke
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

RECORDED = {
    "sex": "female",
    "aliases": ("Alexa Testperson",),
    "address": "1 Synthetic Street",
    "postcode": "NB1 2ZZ",
    "phone": "01632 960123",
    "email": "alex@example.org",
    "pnc_number": "19/1234567J",
    "interpreter_needed": True,
    "parent_guardian_name": "Sam Synthetic-Parent",
    "school": "Synthetic Academy of Northby",
    "referrer_name": "Jo Referrer",
    "referrer_role": "Head of year",
    "referrer_organisation": "Northby Synthetic School",
    "existing_involvement": "Early help team already visiting",
    "person_aware": True,
    "mental_health": True,
}
# How the page shows each recorded value, by the category it belongs to.
SHOWN = {
    Category.IDENTITY: [
        "Female",
        "Alexa Testperson",
        "1 Synthetic Street",
        "NB1 2ZZ",
        "01632 960123",
        "alex@example.org",
        "Needs an interpreter",
    ],
    Category.CRIMINAL_JUSTICE: ["19/1234567J"],
    Category.FAMILY: ["Sam Synthetic-Parent"],
    Category.EDUCATION: ["Synthetic Academy of Northby"],
    Category.CONCERN: [
        "Jo Referrer",
        "Head of year",
        "Northby Synthetic School",
        "Early help team already visiting",
        "Does the person know about the referral",
    ],
    Category.HEALTH: ["Mental health needs"],
    Category.SCREENING: [
        "Synthetic screening notes: checked with partners.",
        "Signposted to other services",
        "Children&#x27;s social care",
        "Synthetic reasons: the family needs support the council gives.",
    ],
}


def _signposted(officer, **overrides):
    referral = make_referral(officer, **{**RECORDED, **overrides})
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)
    return referral_screen(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        data=ScreeningInput(
            deconfliction="no",
            notes="Synthetic screening notes: checked with partners.",
            outcome="signposted",
            signposted_to="childrens_social_care",
            rationale="Synthetic reasons: the family needs support the council gives.",
        ),
    )


@pytest.fixture
def referral(user):
    return _signposted(user("northby.officer"))


def _page(client, referral) -> str:
    response = client.get(f"/referrals/{referral.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_owner_sees_everything_recorded_and_how_screening_ended(sign_in, referral):
    page = _page(sign_in("northby.officer"), referral)

    for category, values in SHOWN.items():
        assert f'id="section-{category}"' in page, category
        for value in values:
            assert value in page, value
    assert "Closed: Signposted to other services: children&#x27;s social care" in page


def test_a_receiver_sees_only_the_categories_it_was_given(sign_in, agency, user, referral):
    share(
        referral,
        user("northby.officer"),
        agency("Northby NHS Trust"),
        categories=(Category.IDENTITY, Category.HEALTH),
    )

    page = _page(sign_in("northby.health"), referral)

    for category, values in SHOWN.items():
        given = category in (Category.IDENTITY, Category.HEALTH)
        assert (f'id="section-{category}"' in page) is given, category
        for value in values:
            assert (value in page) is given, value
    # What screening decided is screening information.
    assert "Closed:" not in page


def test_the_identity_bar_and_title_name_the_person_only_where_identity_is_held(
    sign_in, agency, user, referral
):
    officer = user("northby.officer")
    share(referral, officer, agency("Northby NHS Trust"), categories=(Category.IDENTITY,))
    share(referral, officer, agency("Northby College"), categories=(Category.EDUCATION,))

    with_identity = _page(sign_in("northby.health"), referral)
    without = _page(sign_in("northby.education"), referral)

    assert "moj-identity-bar" in with_identity
    assert "17 May 2009" in with_identity
    assert f"<title>Alex Testperson, referral {referral.reference} " in with_identity
    assert "moj-identity-bar" not in without
    assert "Testperson" not in without
    assert "17 May 2009" not in without
    assert f"<title>Referral {referral.reference} " in without


def _linked(officer, earlier, **overrides):
    """A later referral of the same person, linked at intake."""
    return make_referral(
        officer,
        linked_subject_id=earlier.subject_id,
        received_on=datetime.date(2026, 11, 10),
        **overrides,
    )


def test_the_persons_other_referrals_are_listed_for_the_owner(sign_in, user, referral):
    officer = user("northby.officer")
    later = _linked(officer, referral)

    earlier_page = _page(sign_in("northby.officer"), referral)
    later_page = _page(sign_in("northby.officer"), later)

    assert "Other referrals about this person" in earlier_page
    assert f"{later.reference}</a> (later)" in earlier_page
    assert f"{referral.reference}</a> (earlier)" in later_page


def test_other_referrals_are_listed_only_where_identity_is_held_on_both(
    sign_in, user, agency, referral
):
    """The health trust holds identity on the earlier referral; of the later one it holds
    only the concern, so that the two are one person is not its to know."""
    officer = user("northby.officer")
    later = _linked(officer, referral)
    unseen = _linked(officer, referral)
    health = agency("Northby NHS Trust")
    share(referral, officer, health, categories=(Category.IDENTITY,))
    share(later, officer, health, categories=(Category.CONCERN,))
    client = sign_in("northby.health")

    earlier_page = _page(client, referral)
    later_page = _page(client, later)

    assert "Other referrals about this person" not in earlier_page
    assert later.reference not in earlier_page
    assert unseen.reference not in earlier_page
    assert "Other referrals about this person" not in later_page
    assert referral.reference not in later_page

    share(later, officer, health, categories=(Category.IDENTITY,))
    earlier_page = _page(client, referral)
    assert f"{later.reference}</a> (later)" in earlier_page
    assert unseen.reference not in earlier_page


def test_a_receiver_sees_why_who_and_until_when(sign_in, user, agency, referral):
    officer = user("northby.officer")
    force = agency("Northby Police Prevent Team")
    force.contact_email = "prevent.team@northby-police.example"
    force.contact_phone = "01632 960999"
    force.save(update_fields=["contact_email", "contact_phone"])
    ends = timezone.now() + datetime.timedelta(days=30)
    share(
        referral,
        officer,
        agency("Northby NHS Trust"),
        categories=(Category.IDENTITY, Category.HEALTH),
        purpose="Synthetic purpose: the trust to offer mental health support",
        expires_at=ends,
    )

    page = _page(sign_in("northby.health"), referral)
    owner_page = _page(sign_in("northby.officer"), referral)

    assert "Shared with your agency" in page
    assert "Synthetic purpose: the trust to offer mental health support" in page
    assert "Prevent officer, Northby Police Prevent Team" in page
    assert "prevent.team@northby-police.example" in page
    assert "01632 960999" in page
    assert timezone.localtime(ends).strftime("%-d %B %Y") in page
    assert "Identity and contact, Health" in page
    assert "Shared with your agency" not in owner_page


def test_an_agency_whose_share_was_revoked_is_told_when_its_access_ended(
    sign_in, user, agency, referral
):
    officer = user("northby.officer")
    decision = share(referral, officer, agency("Northby NHS Trust"))
    revoked = referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=decision,
        reason="The trust no longer has a part to play in this case.",
    )

    response = sign_in("northby.health").get(f"/referrals/{referral.pk}/")

    page = response.content.decode()
    assert response.status_code == 403
    assert "Your access to this referral has ended" in page
    assert "ended on" in page
    assert f">{timezone.localtime(revoked.decided_at).strftime('%-d %B %Y')}</time>" in page
    assert referral.reference in page
    assert "Northby Police Prevent Team" in page
    assert "Testperson" not in page
    assert "Synthetic screening notes" not in page


def test_an_agency_whose_share_expired_is_told_when_its_access_ended(
    sign_in, user, agency, referral
):
    ends = timezone.now() + datetime.timedelta(hours=1)
    share(referral, user("northby.officer"), agency("Northby NHS Trust"), expires_at=ends)
    client = sign_in("northby.health")

    with time_machine.travel(ends + datetime.timedelta(minutes=30), tick=True):
        response = client.get(f"/referrals/{referral.pk}/")

    assert response.status_code == 403
    assert f">{timezone.localtime(ends).strftime('%-d %B %Y')}</time>" in (
        response.content.decode()
    )


def _without_nonce(response) -> str:
    # Each response carries its own script nonce and sign-out form token; nothing else
    # may tell the two apart.
    return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())


@override_settings(DEBUG=True)
@pytest.mark.parametrize("username", ["northby.health", "southmere.officer", "northby.auditor"])
def test_a_case_never_shared_looks_like_a_missing_one_even_in_debug(sign_in, referral, username):
    client = sign_in(username)

    never_shared = client.get(f"/referrals/{referral.pk}/")
    missing = client.get(f"/referrals/{uuid.uuid4()}/")

    assert never_shared.status_code == missing.status_code == 404
    assert "Page not found" in never_shared.content.decode()
    assert _without_nonce(never_shared) == _without_nonce(missing)
    assert "URLconf" not in never_shared.content.decode()
    assert referral.reference not in never_shared.content.decode()


@override_settings(DEBUG=True)
def test_access_ended_is_the_services_page_even_in_debug(sign_in, user, agency, referral):
    officer = user("northby.officer")
    decision = share(referral, officer, agency("Northby NHS Trust"))
    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=decision,
        reason="The trust no longer has a part to play in this case.",
    )

    page = sign_in("northby.health").get(f"/referrals/{referral.pk}/").content.decode()

    assert "OFFICIAL-SENSITIVE" in page
    assert "Your access to this referral has ended" in page
    assert "Traceback" not in page
    assert "URLconf" not in page


def test_the_page_costs_the_same_however_many_linked_referrals_and_corrections(
    sign_in, user, django_assert_max_num_queries, referral
):
    from referrals.services.corrections import referral_correct

    officer = user("northby.officer")
    client = sign_in("northby.officer")

    def grow(count):
        for _ in range(count):
            number = len(referral.corrections.all())
            _linked(officer, referral)
            referral_correct(
                actor=officer,
                membership=officer.membership,
                referral=referral,
                field="phone",
                value=f"01632 96{number:04d}",
                reason="The family gave a new number at the visit.",
            )

    grow(1)
    client.get(f"/referrals/{referral.pk}/")
    # The page's own cost with the other referrals' list recorded (PostgreSQL: one more
    # for the advisory lock of each batch of read events).
    with django_assert_max_num_queries(18):
        assert client.get(f"/referrals/{referral.pk}/").status_code == 200
    grow(8)
    with django_assert_max_num_queries(18):
        page = _page(client, referral)
    assert page.count("(later)") == 9
