"""Decisions grant access: recording shares, revoking or expiring removes, and
rebuild_grants recomputes everything from the decision log alone."""

import datetime
import uuid
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import Category
from prevent_cases.exceptions import NotFound
from referrals.models import ReferralGrant
from referrals.selectors import (
    referral_get_for_user,
    referral_get_to_act_on,
    referral_list_for_user,
)
from referrals.services.case import referral_decision_revoke
from referrals.tasks import grants_tidy_task
from tests.factories import make_referral, progressed_referral, share
from tests.referrals.grant_checks import assert_grants_match_a_rebuild

pytestmark = pytest.mark.django_db

HEALTH_AGENCY = "Northby NHS Trust"
COUNCIL = "Northby Council Channel Team"
REASON = "The panel no longer needs this information for its assessment."


@pytest.fixture
def officer(user):
    return user("northby.officer")


@pytest.fixture
def referral(officer):
    return make_referral(officer)


def _categories(username, referral, user) -> frozenset[str]:
    try:
        return referral_get_for_user(
            membership=user(username).membership, referral_id=referral.pk
        ).categories
    except NotFound:
        return frozenset()


def test_owner_sees_everything_and_an_unrelated_agency_nothing(referral, user):
    assert _categories("northby.officer", referral, user) == frozenset(Category.values)
    assert _categories("northby.health", referral, user) == frozenset()
    assert not referral_list_for_user(membership=user("northby.health").membership).exists()


def test_a_share_grants_exactly_its_categories(referral, officer, user, agency):
    share(referral, officer, agency(HEALTH_AGENCY), categories=(Category.IDENTITY,))
    assert _categories("northby.health", referral, user) == {Category.IDENTITY}
    # The same agency's auditor and administrator still see nothing.
    assert _categories("northby.auditor", referral, user) == frozenset()


def test_revoking_one_of_two_overlapping_decisions_leaves_what_the_other_grants(
    referral, officer, user, agency
):
    first = share(
        referral, officer, agency(HEALTH_AGENCY), categories=(Category.IDENTITY, Category.HEALTH)
    )
    share(referral, officer, agency(HEALTH_AGENCY), categories=(Category.IDENTITY,))
    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=first,
        reason=REASON,
    )
    assert _categories("northby.health", referral, user) == {Category.IDENTITY}


def test_expiry_takes_effect_on_the_next_request_with_no_job(referral, officer, user, agency):
    expires = timezone.now() + datetime.timedelta(days=7)
    share(referral, officer, agency(HEALTH_AGENCY), expires_at=expires)
    assert _categories("northby.health", referral, user)
    with time_machine.travel(expires + datetime.timedelta(seconds=1)):
        assert _categories("northby.health", referral, user) == frozenset()
        assert not referral_list_for_user(membership=user("northby.health").membership).exists()


def test_rebuild_grants_restores_tampered_grants_and_reports_the_difference(
    referral, officer, agency
):
    share(referral, officer, agency(HEALTH_AGENCY))
    ReferralGrant.objects.all().delete()
    with pytest.raises(CommandError, match="differ"):
        call_command("rebuild_grants", "--check", stdout=StringIO())
    out = StringIO()
    call_command("rebuild_grants", stdout=out)
    assert "2 added, 0 removed" in out.getvalue()
    out = StringIO()
    call_command("rebuild_grants", "--check", stdout=out)
    assert "0 added, 0 removed, 2 unchanged" in out.getvalue()


def test_tidying_removes_only_expired_grant_rows(referral, officer, agency):
    share(referral, officer, agency(HEALTH_AGENCY), categories=(Category.IDENTITY,))
    share(
        referral,
        officer,
        agency("Northby College"),
        categories=(Category.IDENTITY,),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        assert grants_tidy_task.delay().get() == 1
    assert list(ReferralGrant.objects.values_list("group__agency__name", flat=True)) == [
        HEALTH_AGENCY
    ]


def test_adding_decisions_one_by_one_matches_a_rebuild_from_the_log(referral, officer, agency):
    """Grants updated decision by decision equal grants recomputed from all decisions."""
    health = agency(HEALTH_AGENCY)
    now = timezone.now()
    steps = [
        ((Category.IDENTITY,), now + datetime.timedelta(days=3)),
        ((Category.IDENTITY, Category.HEALTH), None),
        ((Category.HEALTH,), now + datetime.timedelta(days=1)),
        ((Category.CONCERN,), now + datetime.timedelta(hours=1)),
        ((Category.CONCERN,), now + datetime.timedelta(days=9)),
    ]
    for categories, expires_at in steps:
        share(referral, officer, health, categories=categories, expires_at=expires_at)
    with time_machine.travel(now + datetime.timedelta(hours=2)):
        share(
            referral,
            officer,
            health,
            categories=(Category.CONCERN,),
            expires_at=now + datetime.timedelta(days=2),
        )
        out = StringIO()
        call_command("rebuild_grants", "--check", stdout=out)
    assert "0 added, 0 removed, 3 unchanged" in out.getvalue()


def test_equally_long_onward_and_direct_decisions_leave_the_row_a_rebuild_gives(
    officer, user, agency
):
    """Which of two equally long decisions supports a grant does not depend on the order
    they were recorded in, so a rebuild from the log finds nothing to change."""
    referral = progressed_referral(officer)
    health = agency(HEALTH_AGENCY)
    share(referral, user("northby.chair"), health, categories=(Category.IDENTITY,))
    share(referral, officer, health, categories=(Category.IDENTITY,))
    assert_grants_match_a_rebuild()


def test_a_rebuild_counts_no_difference_for_grants_that_have_merely_expired(
    referral, officer, agency
):
    """An expired grant grants nothing already: a rebuild tidies it away without reporting
    a difference, so `rebuild_grants --check` does not raise a false alarm."""
    share(
        referral,
        officer,
        agency(HEALTH_AGENCY),
        categories=(Category.IDENTITY,),
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        out = StringIO()
        call_command("rebuild_grants", "--check", stdout=out)
        assert "0 added, 0 removed, 0 unchanged" in out.getvalue()
        call_command("rebuild_grants", stdout=StringIO())
    assert not ReferralGrant.objects.exists()


@pytest.fixture
def channel_case(officer):
    return progressed_referral(officer)


def test_an_onward_grant_ends_when_the_panels_direct_grant_expires(
    channel_case, officer, user, agency
):
    """What the chair passed on with no end of its own ends when the force's time-limited
    share with the panel does, with no job run."""
    screening = SharingDecision.objects.get(case_id=channel_case.pk)
    until = timezone.now() + datetime.timedelta(hours=6)
    share(channel_case, officer, agency(COUNCIL), supersedes=screening, expires_at=until)
    share(channel_case, user("northby.chair"), agency(HEALTH_AGENCY), expires_at=None)
    assert _categories("northby.health", channel_case, user) == {
        Category.IDENTITY,
        Category.CONCERN,
    }
    with time_machine.travel(until + datetime.timedelta(seconds=1)):
        assert _categories("northby.health", channel_case, user) == frozenset()
        assert_grants_match_a_rebuild()


def test_an_onward_grant_ends_when_the_force_revokes_the_panels_share(
    channel_case, officer, user, agency
):
    """Revoking the force's share with the panel also ends what the chair passed on."""
    share(channel_case, user("northby.chair"), agency(HEALTH_AGENCY))
    assert _categories("northby.health", channel_case, user) == {
        Category.IDENTITY,
        Category.CONCERN,
    }
    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=channel_case,
        decision=SharingDecision.objects.get(
            case_id=channel_case.pk, receiving_agency__name=COUNCIL
        ),
        reason=REASON,
    )
    assert _categories("northby.health", channel_case, user) == frozenset()
    assert_grants_match_a_rebuild()


@pytest.mark.parametrize(
    ("username", "finds"),
    [
        ("northby.officer", True),  # the owning force
        ("northby.health", True),  # holds a live grant
        ("northby.education", False),  # held one, now expired
        ("southmere.officer", False),  # never given anything
        ("northby.auditor", False),  # sees no case content, whatever is shared
    ],
)
def test_the_lookup_for_actions_finds_a_referral_exactly_when_the_full_read_does(
    referral, officer, user, agency, username, finds
):
    now = timezone.now()
    share(referral, officer, agency(HEALTH_AGENCY))
    share(referral, officer, agency("Northby College"), expires_at=now + datetime.timedelta(days=1))
    membership = user(username).membership

    with time_machine.travel(now + datetime.timedelta(days=2)):
        assert _finds(referral_get_for_user, membership, referral) is finds
        assert _finds(referral_get_to_act_on, membership, referral) is finds
        with pytest.raises(NotFound):
            referral_get_to_act_on(membership=membership, referral_id=uuid.uuid4())


def _finds(lookup, membership, referral) -> bool:
    try:
        lookup(membership=membership, referral_id=referral.pk)
    except NotFound:
        return False
    return True
