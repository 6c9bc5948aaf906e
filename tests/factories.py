"""Building blocks for tests: referrals and decisions made through the real services."""

import datetime

from audit.services.decision_rules import DecisionInput
from audit.vocabulary import ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.models import Agency, User
from prevent_cases.policy import WHOLE_CASE
from referrals.models import Referral
from referrals.rules.intake import ReferralIntake
from referrals.services.case import referral_create, referral_share
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening

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


def progress_to_channel(officer: User, referral: Referral) -> Referral:
    """Screen a referral in screening as the officer, progressing it to Channel."""
    return referral_screen(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        data=ScreeningInput(
            deconfliction="no",
            notes="Checked with partners.",
            outcome="channel",
            rationale="Susceptibility indicated; the panel should consider support.",
            consent_status=ConsentStatus.NOT_SOUGHT,
            consent_reason="Seeking consent before the panel would prejudice the assessment.",
            sharing_justification=JUSTIFICATION,
        ),
    )


def progressed_referral(officer: User, **overrides) -> Referral:
    """A referral the officer's force screened and progressed to Channel: the area's panel
    is responsible for it and holds identity, concern and screening by the force's decision."""
    referral = make_referral(officer, **overrides)
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)
    return progress_to_channel(officer, referral)


def share(
    referral: Referral, by: User, to: Agency, *, supersedes=None, scope=WHOLE_CASE, **overrides
):
    """Share the referral's record (its owning agency's information), as `by` decides: its
    own officer directly, or the responsible panel's chair onward."""
    return referral_share(
        actor=by,
        membership=by.membership,
        referral=referral,
        receiving_agency=to,
        data=decision_input(**overrides),
        source_agency_id=referral.owning_agency_id,
        scope=scope,
        supersedes=supersedes,
    )
