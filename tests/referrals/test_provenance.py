"""Whose information it is: onward sharing by the responsible panel, who may share and end
what, the responsible panel as data, and what linking an earlier person gives."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import Category
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Area
from referrals.models import ReferralResponsibility
from referrals.selectors import referral_get_for_user
from referrals.services.case import referral_decision_revoke, referral_transfer
from referrals.services.grants import grants_rebuild
from tests.factories import progressed_referral, share

pytestmark = pytest.mark.django_db

PANEL = "Northby Council Channel Team"
SECOND_COUNCIL_TEAM = "Northby Council Information Governance"
REASON = "The panel no longer needs this information for the case."


@pytest.fixture
def progressed(user):
    """A referral progressed to Northby's Channel panel, which is now responsible for it."""
    return progressed_referral(user("northby.officer"))


def _sees(user, referral) -> frozenset[str]:
    try:
        shown = referral_get_for_user(membership=user.membership, referral_id=referral.pk)
    except Exception:  # NotFound: the case does not exist for this agency
        return frozenset()
    return shown.categories


def _revoke(by, referral, decision):
    return referral_decision_revoke(
        actor=by, membership=by.membership, referral=referral, decision=decision, reason=REASON
    )


def test_progress_makes_the_areas_panel_responsible_with_a_history(progressed, agency):
    assert progressed.responsible_agency == agency(PANEL)
    (change,) = ReferralResponsibility.objects.filter(referral=progressed)
    assert (change.agency, change.previous_agency, change.reason) == (
        agency(PANEL),
        None,
        "progressed",
    )


def test_the_panel_passes_on_what_the_police_gave_it(progressed, user, agency):
    chair, probation = user("northby.chair"), user("northby.probation")
    assert _sees(probation, progressed) == frozenset()

    decision = share(progressed, chair, agency("Northby Probation Service"))

    assert decision.disclosing_agency == agency(PANEL)
    assert decision.source_agency == progressed.owning_agency
    assert _sees(probation, progressed) == {"identity", "concern"}


def test_the_panel_passes_on_only_what_it_holds(progressed, user, agency):
    with pytest.raises(ValidationError) as error:
        share(
            progressed,
            user("northby.chair"),
            agency("Northby Probation Service"),
            categories=(Category.IDENTITY, Category.HEALTH),
        )
    assert "categories" in error.value.message_dict


def test_an_onward_share_ends_when_the_police_revoke_what_it_rests_on(progressed, user, agency):
    officer, chair, probation = (
        user("northby.officer"),
        user("northby.chair"),
        user("northby.probation"),
    )
    share(progressed, chair, agency("Northby Probation Service"))
    to_panel = SharingDecision.objects.get(receiving_agency=agency(PANEL))

    _revoke(officer, progressed, to_panel)

    assert _sees(probation, progressed) == frozenset()
    assert _sees(chair, progressed) == frozenset()
    assert grants_rebuild().changed is False


def test_an_onward_share_never_outlives_the_share_it_rests_on(user, agency):
    officer, chair, probation = (
        user("northby.officer"),
        user("northby.chair"),
        user("northby.probation"),
    )
    referral = progressed_referral(officer)
    # The police's share with the panel runs for a day; the panel passes it on for a week.
    to_panel = SharingDecision.objects.get(receiving_agency=agency(PANEL))
    _revoke(officer, referral, to_panel)
    share(referral, officer, agency(PANEL), expires_at=timezone.now() + datetime.timedelta(days=1))
    share(
        referral,
        chair,
        agency("Northby Probation Service"),
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    assert _sees(probation, referral) == {"identity", "concern"}

    with time_machine.travel(timezone.now() + datetime.timedelta(days=2), tick=False):
        # No task has run: the expiry takes effect at the next request.
        assert _sees(chair, referral) == frozenset()
        assert _sees(probation, referral) == frozenset()


def test_another_council_team_that_was_given_the_case_cannot_share_it_on(progressed, user, agency):
    """Only the agency the referral records as responsible is the panel."""
    officer = user("northby.officer")
    share(progressed, officer, agency(SECOND_COUNCIL_TEAM))
    governance_member = _member_of(agency(SECOND_COUNCIL_TEAM), user)

    with pytest.raises(AccessDenied):
        share(progressed, governance_member, agency("Northby Probation Service"))
    assert _sees(user("northby.probation"), progressed) == frozenset()


def _member_of(team, user):
    """A panel member of `team` (the demo has only an auditor and an administrator there)."""
    from prevent_cases.services import user_create_with_membership

    user_create_with_membership(
        username="northby.governance",
        password="synthetic-password-0",
        first_name="Sam",
        last_name="Example",
        email="sam@example.invalid",
        agency=team,
        role="panel_member",
    )
    return user("northby.governance")


def test_only_the_agency_that_made_a_decision_revokes_it(progressed, user, agency):
    officer, chair = user("northby.officer"), user("northby.chair")
    to_probation = share(progressed, officer, agency("Northby Probation Service"))

    with pytest.raises(AccessDenied, match="Only the agency that made"):
        _revoke(chair, progressed, to_probation)
    assert _sees(user("northby.probation"), progressed) == {"identity", "concern"}

    revocation = _revoke(officer, progressed, to_probation)
    assert revocation.disclosing_agency == officer.membership.agency
    assert _sees(user("northby.probation"), progressed) == frozenset()


def test_only_the_agency_that_made_a_decision_replaces_it(progressed, user, agency):
    officer, chair = user("northby.officer"), user("northby.chair")
    to_probation = share(progressed, officer, agency("Northby Probation Service"))
    with pytest.raises(AccessDenied):
        share(progressed, chair, agency("Northby Probation Service"), supersedes=to_probation)

    share(
        progressed,
        officer,
        agency("Northby Probation Service"),
        supersedes=to_probation,
        categories=(Category.IDENTITY, Category.CONCERN),
    )
    assert _sees(user("northby.probation"), progressed) == {"identity", "concern"}


def test_a_transfer_makes_another_areas_panel_responsible(progressed, user, agency):
    chair = user("northby.chair")
    southmere = Area.objects.get(code="southmere")

    change = referral_transfer(
        actor=chair,
        membership=chair.membership,
        referral=progressed,
        to_area=southmere,
        note="The person has moved to Southmere and now lives there.",
    )

    progressed.refresh_from_db()
    assert progressed.responsible_agency == agency("Southmere Council Channel Team")
    assert change.previous_agency == agency(PANEL)
    assert [c.reason for c in progressed.responsibility_changes.all()] == [
        "progressed",
        "transferred",
    ]
    # The sending panel no longer passes anything on.
    with pytest.raises(AccessDenied):
        share(progressed, chair, agency("Northby Probation Service"))


def test_only_the_responsible_panel_transfers_and_a_stale_transfer_conflicts(progressed, user):
    southmere = Area.objects.get(code="southmere")
    officer, chair = user("northby.officer"), user("northby.chair")
    note = "The person has moved to Southmere and now lives there."
    with pytest.raises(AccessDenied):
        referral_transfer(
            actor=officer,
            membership=officer.membership,
            referral=progressed,
            to_area=southmere,
            note=note,
        )

    stale = type(progressed).objects.get(pk=progressed.pk)
    referral_transfer(
        actor=chair, membership=chair.membership, referral=progressed, to_area=southmere, note=note
    )
    # The same transfer again from a copy loaded before the first: one of them alone could
    # have happened, not both.
    with pytest.raises(ConflictError):
        referral_transfer(
            actor=chair, membership=chair.membership, referral=stale, to_area=southmere, note=note
        )
    assert progressed.responsibility_changes.count() == 2


def test_the_panel_ends_its_onward_share_after_the_police_ended_theirs(progressed, user, agency):
    """Ending a share is never blocked: once the police withdraw what the panel passed on,
    the chair can still revoke the panel's own onward decision, so a later share by the
    police does not bring it back."""
    officer, chair, probation = (
        user("northby.officer"),
        user("northby.chair"),
        user("northby.probation"),
    )
    onward = share(progressed, chair, agency("Northby Probation Service"))
    _revoke(officer, progressed, SharingDecision.objects.get(receiving_agency=agency(PANEL)))

    _revoke(chair, progressed, onward)
    share(progressed, officer, agency(PANEL))

    assert _sees(chair, progressed) == {"identity", "concern"}
    assert _sees(probation, progressed) == frozenset()
