"""Building blocks for tests: referrals and decisions made through the real services."""

import datetime

from audit.decision_rules import DecisionInput
from audit.vocabulary import ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.models import Agency, User
from referrals.intake import ReferralIntake
from referrals.models import Referral
from referrals.services import referral_create, referral_share

JUSTIFICATION = (
    "The panel needs this to assess vulnerability; sharing less would leave the "
    "assessment incomplete and nothing less intrusive meets the need."
)


def decision_input(**overrides) -> DecisionInput:
    values = {
        "action": DecisionAction.SHARE,
        "categories": ("identity", "concern"),
        "purpose": "Assess support needs at the Channel panel",
        "legal_basis": LegalBasis.CTSA_S38,
        "legal_basis_other": "",
        "schedule1_condition": "",
        "consent_status": ConsentStatus.NOT_SOUGHT,
        "consent_reason": "Seeking consent now would prejudice the panel's assessment.",
        "justification": JUSTIFICATION,
        "expires_at": None,
    }
    values.update(overrides)
    return DecisionInput(**values)


def intake(officer: User, **overrides) -> ReferralIntake:
    values = {
        "area_id": officer.membership.agency.area_id,
        "given_names": "Alex",
        "family_name": "Testperson",
        "date_of_birth": datetime.date(2009, 5, 17),
        "received_on": datetime.date(2026, 11, 2),
        "concern_summary": "Synthetic concern: shared extremist material in class.",
    }
    values.update(overrides)
    return ReferralIntake(**values)


def make_referral(officer: User, **overrides) -> Referral:
    return referral_create(
        actor=officer, membership=officer.membership, intake=intake(officer, **overrides)
    )


def share(referral: Referral, by: User, to: Agency, *, supersedes=None, **overrides):
    """Share the referral's record (its owning agency's information), as `by` decides."""
    return referral_share(
        actor=by,
        membership=by.membership,
        referral=referral,
        receiving_agency=to,
        data=decision_input(**overrides),
        source_agency_id=referral.owning_agency_id,
        supersedes=supersedes,
    )
