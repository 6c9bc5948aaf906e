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
