"""The access policy: pure rules over a user's membership. It imports no app and no ORM query.

Selectors fetch what these functions need and pass it in; every path (pages, API,
admin, exports, tasks) asks here rather than deciding for itself.
"""

from typing import Protocol

from prevent_cases.roles import CONTENT_ROLES, Role


class MembershipLike(Protocol):
    role: str
    is_active: bool


def is_administrator(membership: MembershipLike | None) -> bool:
    """Whether the member may manage agencies, users and memberships."""
    # No membership, no administration.
    if membership is None:
        return False
    # A deactivated membership grants nothing.
    if not membership.is_active:
        return False
    return membership.role == Role.ADMINISTRATOR


def handles_case_content(membership: MembershipLike | None) -> bool:
    """Whether the member's role may ever see case content (given a grant to their agency)."""
    if membership is None:
        return False
    if not membership.is_active:
        return False
    # Auditors and administrators never see case narrative, whatever is shared.
    return membership.role in CONTENT_ROLES


def may_review_decisions(membership: MembershipLike | None) -> bool:
    """Whether the member may review sharing decisions and the audit chain."""
    if membership is None:
        return False
    if not membership.is_active:
        return False
    return membership.role == Role.AUDITOR


def visible_categories(
    membership: MembershipLike | None,
    *,
    owns_case: bool,
    all_categories: frozenset[str],
    granted: frozenset[str],
) -> frozenset[str]:
    """The categories of a case this member may see; empty means the case is invisible."""
    # Auditors, administrators and anyone without an active membership see no case content.
    if not handles_case_content(membership):
        return frozenset()
    # The agency that logged the case owns it and holds every category.
    if owns_case:
        return all_categories
    # Any other agency sees exactly what live sharing decisions granted it.
    return granted


def may_record_sharing_decision(
    membership: MembershipLike | None, *, owns_case: bool, runs_responsible_panel: bool
) -> bool:
    """Whether the member may record a decision disclosing this case's information."""
    if not handles_case_content(membership):
        return False
    # The owning agency's Prevent officer or Channel coordinator.
    if owns_case:
        return membership.role in {Role.PREVENT_OFFICER, Role.CHANNEL_COORDINATOR}
    # The chair or coordinator of the panel now responsible, for panel purposes.
    if runs_responsible_panel:
        return membership.role in {Role.PANEL_CHAIR, Role.CHANNEL_COORDINATOR}
    # Receivers do not re-share what they received.
    return False
