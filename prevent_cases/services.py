"""Writes about users and agencies."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.roles import CONTENT_ROLES, AgencyKind


def system_health() -> dict[str, object]:
    """What a health check reports: the database answers, and which vendor it is."""
    return {
        "ok": True,
        "database": connection.vendor,
        "agencies": Agency.objects.count(),
    }


def area_create(*, name: str, code: str) -> Area:
    """Create a local-authority area."""
    area = Area(name=name, code=code)
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def agency_create(*, name: str, kind: str, area: Area) -> Agency:
    """Create a partner agency in an area, with the group that holds its grants."""
    return agency_insert(agency=Agency(name=name, kind=kind, area=area))


@transaction.atomic
def agency_insert(*, agency: Agency) -> Agency:
    """Save a new agency built elsewhere (the admin's form) with the group that holds its
    grants: without one, no decision could ever be shared to it."""
    agency.full_clean()
    agency.group = Group.objects.create(name=f"agency:{agency.id}")
    agency.save(force_insert=True)
    return agency


def _agency_group_sync(membership: Membership) -> None:
    # A member is in their agency's grant group exactly when their role handles case
    # content; a change of agency or role moves them out of any other agency's group.
    user = membership.user
    wanted = membership.agency.group_id if membership.role in CONTENT_ROLES else None
    user.groups.remove(*user.groups.filter(agency__isnull=False).exclude(pk=wanted))
    if wanted is not None:
        user.groups.add(wanted)


@transaction.atomic
def membership_insert(*, membership: Membership) -> Membership:
    """Save a new membership; a content role joins its agency's grant group."""
    membership.full_clean()
    membership.save(force_insert=True)
    _agency_group_sync(membership)
    return membership


@transaction.atomic
def membership_update(*, membership: Membership, fields: list[str]) -> Membership:
    """Save the named fields of a membership, keeping the grant-group rule."""
    membership.full_clean()
    membership.save(update_fields=[*fields, "updated_at"])
    _agency_group_sync(membership)
    return membership


@transaction.atomic
def user_create_with_membership(
    *,
    username: str,
    password: str,
    first_name: str,
    last_name: str,
    email: str,
    agency: Agency,
    role: str,
) -> User:
    """Create a user who belongs to one agency with one role."""
    user = User(username=username, first_name=first_name, last_name=last_name, email=email)
    user.set_password(password)
    user.full_clean()
    user.save()
    membership_insert(membership=Membership(user=user, agency=agency, role=role))
    return user


def area_panel_agency_check(*, area: Area, agency: Agency | None) -> None:
    """Refuse anything but a local-authority agency in the area as its panel agency."""
    if agency is None or agency.kind != AgencyKind.LOCAL_AUTHORITY or agency.area_id != area.pk:
        raise ValidationError({"panel_agency": ["Choose a local-authority agency in this area."]})


def area_panel_agency_set(*, area: Area, agency: Agency) -> Area:
    """Name the local-authority team whose Channel panel takes the area's referrals."""
    area_panel_agency_check(area=area, agency=agency)
    area.panel_agency = agency
    area.save(update_fields=["panel_agency", "updated_at"])
    return area
