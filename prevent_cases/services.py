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
    agency = Agency(name=name, kind=kind, area=area)
    agency.full_clean()
    agency.group = Group.objects.create(name=f"agency:{agency.id}")
    agency.save()
    return agency


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
    membership = Membership(user=user, agency=agency, role=role)
    membership.full_clean()
    membership.save()
    if role in CONTENT_ROLES:
        user.groups.add(agency.group)
    return user


def area_panel_agency_set(*, area: Area, agency: Agency) -> Area:
    """Name the local-authority team whose Channel panel takes the area's referrals."""
    if agency.kind != AgencyKind.LOCAL_AUTHORITY or agency.area_id != area.pk:
        raise ValidationError({"panel_agency": ["Choose a local-authority agency in this area."]})
    area.panel_agency = agency
    area.save(update_fields=["panel_agency", "updated_at"])
    return area
