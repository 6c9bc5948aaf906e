"""Reads about users and agencies."""

from django.db.models import QuerySet

from prevent_cases.models import Agency, Membership, User


def membership_for_user(user: User) -> Membership | None:
    """The user's active membership in an active agency, or None."""
    return (
        Membership.objects.select_related("agency", "agency__area")
        .filter(user=user, is_active=True, agency__is_active=True, user__is_active=True)
        .first()
    )


def agencies_other_than(agency: Agency) -> QuerySet[Agency]:
    """Active agencies a member of `agency` may name as a receiver, by area then name."""
    return (
        Agency.objects.filter(is_active=True)
        .exclude(pk=agency.pk)
        .select_related("area")
        .order_by("area__name", "name")
    )


def agency_get(agency_id) -> Agency | None:
    """An agency by id, or None. Agencies are not case data: every member may name them."""
    return Agency.objects.select_related("area").filter(pk=agency_id).first()


def agencies_in_area(area_id) -> QuerySet[Agency]:
    return Agency.objects.filter(area_id=area_id).order_by("name")
