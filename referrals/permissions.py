"""Referral-specific questions for the access policy, answered from loaded objects."""

from prevent_cases.models import Membership
from prevent_cases.policy import handles_case_content, may_record_sharing_decision
from prevent_cases.roles import AgencyKind, Role
from referrals.models import Referral, ReferralStatus


def owns(membership: Membership, referral: Referral) -> bool:
    return referral.owning_agency_id == membership.agency_id


def runs_responsible_panel(membership: Membership, referral: Referral) -> bool:
    """The member's agency is the local authority whose panel now has the referral."""
    agency = membership.agency
    return (
        referral.status == ReferralStatus.PROGRESSED
        and agency.kind == AgencyKind.LOCAL_AUTHORITY
        and agency.area_id == referral.area_id
    )


def may_share(membership: Membership | None, referral: Referral) -> bool:
    if membership is None:
        return False
    return may_record_sharing_decision(
        membership,
        owns_case=owns(membership, referral),
        runs_responsible_panel=runs_responsible_panel(membership, referral),
    )


def may_log_referrals(membership: Membership | None) -> bool:
    """Only Prevent officers log referrals, one at a time or by import."""
    return handles_case_content(membership) and membership.role == Role.PREVENT_OFFICER
