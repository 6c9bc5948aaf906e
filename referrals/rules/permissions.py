"""Referral-specific questions for the access policy, answered from loaded objects and the
holdings the selectors fetch."""

import uuid

from audit.models import SharingDecision
from audit.vocabulary import DecisionAction
from prevent_cases.models import Membership
from prevent_cases.policy import (
    ORIGINATOR_SHARING_ROLES,
    PANEL_SHARING_ROLES,
    WHOLE_CASE,
    handles_case_content,
    may_end_decision,
    may_share_information,
)
from prevent_cases.roles import Role
from referrals.models import Referral
from referrals.selectors import direct_holdings, source_agencies

SHARING_ROLES = ORIGINATOR_SHARING_ROLES | PANEL_SHARING_ROLES


def owns(membership: Membership, referral: Referral) -> bool:
    """The member's agency logged the referral: its record is that agency's information."""
    return referral.owning_agency_id == membership.agency_id


def runs_responsible_panel(membership: Membership, referral: Referral) -> bool:
    """The member's agency is the one whose panel the referral records as responsible."""
    return (
        referral.responsible_agency_id is not None
        and referral.responsible_agency_id == membership.agency_id
    )


def may_share_source(
    membership: Membership | None,
    referral: Referral,
    source_id,
    *,
    sources=None,
    scope: str = WHOLE_CASE,
) -> bool:
    """Whether the member may record decisions disclosing `source_id`'s information (in
    `scope`); `sources` is `information_sources(referral)` where the caller has it already."""
    # There is nothing to share of an agency that holds no information on this case.
    sources = information_sources(referral) if sources is None else sources
    if membership is None or source_id not in sources:
        return False
    originates = source_id == membership.agency_id
    panel = not originates and runs_responsible_panel(membership, referral)
    return may_share_information(
        membership,
        originates=originates,
        runs_responsible_panel=panel,
        holds_directly=panel
        and bool(direct_holdings(agency=membership.agency, referral=referral, source_id=source_id)),
        scope=scope,
    )


def information_sources(referral: Referral) -> list[uuid.UUID]:
    """Whose information a case holds: the record its owning agency logged and screened,
    then every agency that has added its own (the panel, contributing partners)."""
    return [referral.owning_agency_id, *source_agencies(referral)]


def shareable_sources(membership: Membership | None, referral: Referral) -> list[uuid.UUID]:
    """Whose information on this referral the member may share."""
    sources = information_sources(referral)
    return [
        source
        for source in sources
        if may_share_source(membership, referral, source, sources=sources)
    ]


def may_share(membership: Membership | None, referral: Referral) -> bool:
    """Whether the member may record any sharing decision on this referral."""
    # The owning force's record is always the case's information: asking about it first
    # spares the query for the other sources on the commonest page views.
    owner = referral.owning_agency_id
    if may_share_source(membership, referral, owner, sources=[owner]):
        return True
    if not handles_case_content(membership) or membership.role not in SHARING_ROLES:
        return False
    return bool(shareable_sources(membership, referral))


def may_end(membership: Membership | None, decision: SharingDecision, referral: Referral) -> bool:
    """Whether the member may supersede or revoke this decision."""
    if membership is None:
        return False
    return may_end_decision(
        membership,
        made_by_own_agency=decision.disclosing_agency_id == membership.agency_id,
        onward=decision.information_source_id != decision.disclosing_agency_id,
    )


def endable_decisions(
    membership: Membership | None, referral: Referral, decisions
) -> set[uuid.UUID]:
    """Of these decisions, the live shares the member may revoke."""
    return {
        decision.pk
        for decision in decisions
        if decision.action == DecisionAction.SHARE
        and not hasattr(decision, "superseded_by")
        and may_end(membership, decision, referral)
    }


def may_correct(membership: Membership | None, referral: Referral) -> bool:
    """Whether the member may correct the referral's record: a Prevent officer of the force
    that logged it, whose information the record is. Nobody else changes it, whatever they
    were shared."""
    return may_log_referrals(membership) and owns(membership, referral)


def may_log_referrals(membership: Membership | None) -> bool:
    """Only Prevent officers log referrals, one at a time or by import."""
    return handles_case_content(membership) and membership.role == Role.PREVENT_OFFICER


def transfer_to_confirm(membership: Membership | None, referral: Referral, decisions) -> bool:
    """Whether to ask the owning force's officer to follow a transferred case: the panel now
    responsible is another area's, and none of the force's live decisions (`decisions`,
    as the referral page loads them) shares its record with it yet."""
    if not (may_log_referrals(membership) and owns(membership, referral)):
        return False
    responsible = referral.responsible_agency_id
    if responsible is None or responsible == referral.area.panel_agency_id:
        return False
    return not any(
        decision.action == DecisionAction.SHARE
        and decision.disclosing_agency_id == referral.owning_agency_id
        and decision.receiving_agency_id == responsible
        and not hasattr(decision, "superseded_by")
        for decision in decisions
    )
