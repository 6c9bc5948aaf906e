"""Building panel cases for tests through the real services."""

from panels.models import PanelCase
from panels.services.cases import panel_case_open
from prevent_cases.models import User
from tests.factories import progressed_referral


def open_case(officer: User, chair: User, **overrides) -> PanelCase:
    """A referral the officer progressed, accepted by the chair's panel."""
    referral = progressed_referral(officer, **overrides)
    return panel_case_open(actor=chair, membership=chair.membership, referral=referral)
