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


# One item of case data, or one grant of it: (category, source agency id, scope), where
# scope "" is the whole case and anything else one part of it (e.g. one intervention).
Holding = tuple[str, object, str]
WHOLE_CASE = ""

# Roles that speak for their agency when it shares its own information.
ORIGINATOR_SHARING_ROLES = frozenset(
    {Role.PREVENT_OFFICER, Role.CHANNEL_COORDINATOR, Role.PANEL_CHAIR, Role.PANEL_MEMBER}
)
# A practitioner speaks for its agency only about the part of a case it delivers: its own
# record of an intervention, in that intervention's scope (the progress it reports).
PART_SHARING_ROLES = frozenset({Role.PRACTITIONER})
# Roles that run the responsible panel and may pass on, for panel purposes, what it holds.
PANEL_SHARING_ROLES = frozenset({Role.PANEL_CHAIR, Role.CHANNEL_COORDINATOR})


def sees_item(
    membership: MembershipLike | None,
    *,
    agency_id: object,
    item: Holding,
    grants: frozenset[Holding],
) -> bool:
    """Whether the member (of agency `agency_id`) may see one item of case data."""
    # Auditors, administrators and anyone without an active membership see no case content.
    if not handles_case_content(membership):
        return False
    category, source_id, _ = item
    # An agency always sees what it originated.
    if source_id == agency_id:
        return True
    # Otherwise only what a live grant gives: of this part of the case...
    if item in grants:
        return True
    # ...or of the whole case, which covers each of its parts.
    return (category, source_id, WHOLE_CASE) in grants


def visible_categories(
    membership: MembershipLike | None,
    *,
    agency_id: object,
    source_id: object,
    scope: str = WHOLE_CASE,
    all_categories: frozenset[str],
    grants: frozenset[Holding],
) -> frozenset[str]:
    """The categories of one source's information (in one scope) the member may see."""
    return frozenset(
        category
        for category in all_categories
        if sees_item(
            membership, agency_id=agency_id, item=(category, source_id, scope), grants=grants
        )
    )


def may_share_information(
    membership: MembershipLike | None,
    *,
    originates: bool,
    runs_responsible_panel: bool,
    holds_directly: bool,
    scope: str = WHOLE_CASE,
) -> bool:
    """Whether the member may record a decision disclosing one source's information (in
    `scope`)."""
    if not handles_case_content(membership):
        return False
    # The originating agency, for its own information; a practitioner for one part of it.
    if originates:
        return membership.role in ORIGINATOR_SHARING_ROLES or (
            scope != WHOLE_CASE and membership.role in PART_SHARING_ROLES
        )
    # The responsible panel's chair or coordinator, for what a live grant from the source
    # itself gave the panel, for panel purposes (onward sharing, one level deep).
    if runs_responsible_panel and holds_directly:
        return membership.role in PANEL_SHARING_ROLES
    # Nobody else shares on.
    return False


def may_end_decision(
    membership: MembershipLike | None, *, made_by_own_agency: bool, onward: bool
) -> bool:
    """Whether the member may supersede or revoke a sharing decision."""
    if not handles_case_content(membership):
        return False
    # Only the agency that made a decision may replace or end it...
    if not made_by_own_agency:
        return False
    # ...through those who may make such a decision there. Whether the agency still holds
    # the information does not matter: ending a share is never blocked.
    return membership.role in (PANEL_SHARING_ROLES if onward else ORIGINATOR_SHARING_ROLES)
