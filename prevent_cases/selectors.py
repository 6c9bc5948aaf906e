"""Reads about users and agencies."""

from prevent_cases.models import Membership, User


def membership_for_user(user: User) -> Membership | None:
    """The user's active membership in an active agency, or None."""
    return (
        Membership.objects.select_related("agency", "agency__area")
        .filter(user=user, is_active=True, agency__is_active=True, user__is_active=True)
        .first()
    )
