"""Transferring a case to another area's panel: what the receiving panel is given, what
the sending panel's members and providers lose, and what the sending panel keeps."""

import pytest
from django.core.exceptions import ValidationError

from audit.vocabulary import Category
from panels.models import PostExitReview
from panels.models.vocabulary import ExitOutcome, Stage
from panels.rules.permissions import runs_case
from panels.rules.stages import StageEvent
from panels.selectors.cases import channel_inbox
from panels.selectors.support import transferred_case_for
from panels.services.assessment import assessment_start
from panels.services.cases import panel_case_open
from prevent_cases.exceptions import AccessDenied, ConflictError
from referrals.models import Referral
from referrals.rules.permissions import may_share_source
from referrals.selectors import direct_holdings, holdings, transfer_awaiting_owner
from referrals.services.case import referral_transfer_confirm
from tests.factories import share
from tests.panels.factories import open_case
from tests.panels.support_steps import fresh, move, to_review, transfer

pytestmark = pytest.mark.django_db

PROVIDER = "Northby Mentoring Partnership"
HEALTH = "Northby NHS Trust"


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def case(officer, chair, agency):
    case = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    share(case.referral, chair, agency(HEALTH), categories=("identity",))
    return fresh(case)


def _held(agency, referral) -> set:
    return {
        (category, source) for category, source, _ in holdings(agency=agency, referral=referral)
    }


def test_a_transfer_hands_the_case_and_its_history_to_the_receiving_panel(
    case, chair, user, agency
):
    police = case.referral.owning_agency_id
    northby_panel = chair.membership.agency
    southmere = user("southmere.chair")

    transfer(chair, case)

    referral = Referral.objects.get(pk=case.referral_id)
    assert referral.responsible_agency_id == southmere.membership.agency_id
    sent = fresh(case)
    assert sent.stage == Stage.EXITED
    assert sent.exit_outcome == ExitOutcome.TRANSFERRED
    assert not PostExitReview.objects.filter(panel_case=sent).exists()

    received = _held(southmere.membership.agency, referral)
    assert {
        (Category.PANEL, northby_panel.pk),
        (Category.ASSESSMENT, northby_panel.pk),
        (Category.SUPPORT, northby_panel.pk),
        (Category.IDENTITY, police),
        (Category.CONCERN, police),
        (Category.SCREENING, police),
    } <= received

    # What the sending panel passed on for its own purposes ends.
    assert _held(agency(HEALTH), referral) == set()
    assert _held(agency(PROVIDER), referral) == set()
    # What the police gave the sending panel directly stays until the police revoke it.
    assert (Category.IDENTITY, police) in _held(northby_panel, referral)
    # The sending panel can no longer act on the case.
    assert not runs_case(chair.membership, sent)
    with pytest.raises(AccessDenied):
        move(chair, sent, StageEvent.REASSESS)

    # The receiving panel accepts it from its inbox as a new episode linked to the sent one,
    # without having to name it.
    assert list(channel_inbox(membership=southmere.membership)) == [referral]
    assert transferred_case_for(referral.pk) == sent
    new = panel_case_open(actor=southmere, membership=southmere.membership, referral=referral)
    assert new.previous_case == sent
    assert new.panel.agency_id == southmere.membership.agency_id


def test_a_transfer_goes_to_another_area_with_a_reason(case, chair):
    with pytest.raises(ValidationError) as refused:
        transfer(chair, case, area="Northby", note="Moving.")
    assert set(refused.value.message_dict) == {"to_area", "note"}
    assert fresh(case).stage == Stage.REVIEW


@pytest.mark.parametrize(
    "username", ["southmere.chair", "northby.probation", "northby.health", "northby.officer"]
)
def test_only_the_responsible_panel_chair_or_coordinator_transfers(case, user, username):
    with pytest.raises(AccessDenied):
        transfer(user(username), case)
    transfer(user("northby.coordinator"), case)
    assert fresh(case).exit_outcome == ExitOutcome.TRANSFERRED


def test_the_sending_panel_cannot_start_work_on_a_transferred_case(officer, chair):
    case = move(chair, open_case(officer, chair), StageEvent.ADOPT)
    transfer(chair, case)
    with pytest.raises(AccessDenied):
        assessment_start(actor=chair, membership=chair.membership, panel_case=fresh(case))


def test_the_owning_force_follows_the_case_and_the_sending_panel_loses_its_share(
    case, chair, user, officer, sign_in
):
    police = case.referral.owning_agency_id
    northby_panel = chair.membership.agency
    southmere = user("southmere.chair")
    transfer(chair, case)
    referral = Referral.objects.get(pk=case.referral_id)
    assert transfer_awaiting_owner(referral=referral) is not None
    # The receiving panel holds the police's record only as passed on: it cannot share it.
    assert not may_share_source(southmere.membership, referral, police)
    page = sign_in("northby.officer").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Share with the new panel and end the old panel" in page

    # Another agency may not confirm it for the force.
    for other in (chair, southmere):
        with pytest.raises(AccessDenied):
            referral_transfer_confirm(actor=other, membership=other.membership, referral=referral)

    response = sign_in("northby.officer").post(f"/referrals/{referral.pk}/transfer/confirm/")

    assert response.status_code == 302
    assert transfer_awaiting_owner(referral=referral) is None
    assert not {source for _, source in _held(northby_panel, referral)} & {police}
    direct = direct_holdings(
        agency=southmere.membership.agency, referral=referral, source_id=police
    )
    assert {category for category, _, _ in direct} >= {
        Category.IDENTITY,
        Category.CONCERN,
        Category.SCREENING,
    }
    assert may_share_source(southmere.membership, referral, police)
    page = sign_in("northby.officer").get(f"/referrals/{referral.pk}/").content.decode()
    assert "Share with the new panel and end the old panel" not in page
    with pytest.raises(ConflictError):
        referral_transfer_confirm(actor=officer, membership=officer.membership, referral=referral)


def test_a_case_never_transferred_asks_nothing_of_the_force(case, officer, sign_in):
    page = sign_in("northby.officer").get(f"/referrals/{case.referral_id}/").content.decode()
    assert "Share with the new panel" not in page
    with pytest.raises(ConflictError):
        referral_transfer_confirm(
            actor=officer, membership=officer.membership, referral=case.referral
        )


def test_the_api_confirms_a_transfer_for_the_owning_force_only(case, chair, sign_in):
    transfer(chair, case)
    url = f"/api/referrals/{case.referral_id}/transfer-confirmation/"
    assert sign_in("northby.chair").post(url).status_code == 403
    assert sign_in("southmere.officer").post(url).status_code == 404
    first = sign_in("northby.officer").post(url)
    assert first.status_code == 201
    assert first.json()["receiving_agency"]
    assert sign_in("northby.officer").post(url).status_code == 409
