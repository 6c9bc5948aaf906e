"""The referral page's timeline shows a step's reasons only to those who may see the
category they belong to: a screening outcome's rationale is screening information."""

import pytest

from audit.vocabulary import Category
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

RATIONALE = "Synthetic rationale: enquiries found no susceptibility to radicalisation."


@pytest.fixture
def screened(user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer)
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)
    referral_screen(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        data=ScreeningInput(
            deconfliction="no", notes="", outcome="no_further_action", rationale=RATIONALE
        ),
    )
    share(referral, officer, agency("Northby NHS Trust"), categories=(Category.IDENTITY,))
    share(
        referral,
        officer,
        agency("Northby College"),
        categories=(Category.CONCERN, Category.EDUCATION),
    )
    share(referral, officer, agency("Northby Probation Service"), categories=(Category.SCREENING,))
    return referral


@pytest.mark.parametrize(
    ("username", "sees_rationale"),
    [
        ("northby.officer", True),  # the force that screened it
        ("northby.probation", True),  # given the screening
        ("northby.health", False),  # given identity only
        ("northby.education", False),  # given the concern and education
    ],
)
def test_screening_rationale_only_where_screening_was_shared(
    sign_in, screened, username, sees_rationale
):
    page = sign_in(username).get(f"/referrals/{screened.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Closed" in text  # every viewer sees that the step happened
    assert (RATIONALE in text) is sees_rationale
