"""Administration services: an administrator's own area only, and every change written
with its audit event in one transaction, or not at all."""

import pytest
from django.core.exceptions import ValidationError

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.services import administration
from audit.services.administration import (
    agency_add,
    agency_change,
    area_change,
    membership_change,
    user_change,
    user_password_set,
)
from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.roles import AgencyKind, Role

pytestmark = pytest.mark.django_db

PASSWORD = "another-synthetic-passphrase-4410"


@pytest.fixture
def admin_of(user):
    """The named demo user and their membership, as a service's actor."""

    def _admin_of(username: str) -> dict:
        actor = user(username)
        return {"actor": actor, "membership": actor.membership}

    return _admin_of


def _member(username: str) -> Membership:
    return Membership.objects.select_related("agency", "user").get(user__username=username)


def _rename_college(by: dict) -> Agency:
    college = Agency.objects.get(name="Northby College")
    college.name = "Northby Sixth Form College"
    return agency_change(**by, agency=college)


def _move_health_to_college(by: dict) -> Membership:
    member = _member("northby.health")
    member.agency = Agency.objects.get(name="Northby College")
    return membership_change(**by, changed=member)


def _deactivate_officer(by: dict) -> User:
    officer = User.objects.get(username="northby.officer")
    officer.is_active = False
    return user_change(**by, user=officer)


def _reset_officer_password(by: dict) -> User:
    officer = User.objects.get(username="northby.officer")
    return user_password_set(**by, user=officer, password=PASSWORD)


def _rename_area(by: dict) -> Area:
    area = Area.objects.get(code="northby")
    area.name = "Northby and District"
    return area_change(**by, area=area)


def _add_agency(by: dict) -> Agency:
    area = Area.objects.get(code="northby")
    return agency_add(
        **by, agency=Agency(name="Northby Housing", kind=AgencyKind.HOUSING, area=area)
    )


CHANGES = [
    _rename_college,
    _move_health_to_college,
    _deactivate_officer,
    _reset_officer_password,
    _rename_area,
    _add_agency,
]


@pytest.mark.parametrize("change", CHANGES)
@pytest.mark.parametrize(
    ("username", "allowed"),
    [("northby.admin", True), ("southmere.admin", False), ("northby.officer", False)],
)
def test_only_the_areas_administrator_may_change_its_records(admin_of, change, username, allowed):
    """Another area's administrator, and anyone not an administrator, is refused with
    nothing written and no event."""
    events = AuditEvent.objects.count()

    if allowed:
        change(admin_of(username))
        assert AuditEvent.objects.count() == events + 1
    else:
        with pytest.raises(AccessDenied, match="their own area"):
            change(admin_of(username))
        assert AuditEvent.objects.count() == events


@pytest.mark.parametrize("change", CHANGES)
def test_a_change_and_its_event_are_one_transaction(admin_of, change, monkeypatch):
    """If the event cannot be appended, the change is not kept either."""
    before = {
        "agencies": list(Agency.objects.values_list("name", "is_active").order_by("name")),
        "members": list(Membership.objects.values_list("user_id", "agency_id", "role")),
        "users": list(User.objects.values_list("pk", "is_active", "password").order_by("pk")),
        "areas": list(Area.objects.values_list("name", flat=True).order_by("name")),
    }

    def chain_unavailable(**kwargs):
        raise RuntimeError("the chain is unavailable")

    monkeypatch.setattr(administration, "append_event", chain_unavailable)
    with pytest.raises(RuntimeError):
        change(admin_of("northby.admin"))

    assert before == {
        "agencies": list(Agency.objects.values_list("name", "is_active").order_by("name")),
        "members": list(Membership.objects.values_list("user_id", "agency_id", "role")),
        "users": list(User.objects.values_list("pk", "is_active", "password").order_by("pk")),
        "areas": list(Area.objects.values_list("name", flat=True).order_by("name")),
    }


def test_saving_without_a_change_writes_no_event(admin_of):
    college = Agency.objects.get(name="Northby College")
    officer = User.objects.get(username="northby.officer")
    events = AuditEvent.objects.count()

    agency_change(**admin_of("northby.admin"), agency=college)
    user_change(**admin_of("northby.admin"), user=officer)
    membership_change(**admin_of("northby.admin"), changed=_member("northby.officer"))

    assert AuditEvent.objects.count() == events


def test_moving_a_member_moves_their_grant_group(admin_of):
    """A content role leaves the old agency's group and joins the new one's."""
    member = _move_health_to_college(admin_of("northby.admin"))

    groups = set(member.user.groups.all())
    assert groups == {Agency.objects.get(name="Northby College").group}
    (event,) = AuditEvent.objects.filter(type=EventType.MEMBERSHIP_CHANGED)
    assert event.payload["old_agency"] == str(Agency.objects.get(name="Northby NHS Trust").pk)
    assert event.payload["new_agency"] == str(member.agency_id)
    assert event.payload["old_role"] == event.payload["new_role"] == Role.PANEL_MEMBER


def test_a_role_must_still_fit_the_agency(admin_of):
    member = _member("northby.health")
    member.role = Role.PREVENT_OFFICER

    with pytest.raises(ValidationError, match="prevent officer cannot belong to a health"):
        membership_change(**admin_of("northby.admin"), changed=member)


@pytest.mark.parametrize(
    ("field", "value", "refusal"),
    [("kind", AgencyKind.HEALTH, ValidationError), ("area", "southmere", AccessDenied)],
)
def test_an_agencys_kind_and_area_are_fixed(admin_of, field, value, refusal):
    """Members' roles and the area's panel were checked against them; moving an agency
    out of the area is also leaving the administrator's reach."""
    police = Agency.objects.get(name="Northby Police Prevent Team")
    if field == "area":
        police.area = Area.objects.get(code=value)
    else:
        police.kind = value

    with pytest.raises(refusal):
        agency_change(**admin_of("northby.admin"), agency=police)

    police.refresh_from_db()
    assert (police.kind, police.area.code) == (AgencyKind.POLICE, "northby")


def test_turning_off_a_password_is_audited_without_the_password(admin_of):
    officer = User.objects.get(username="northby.officer")

    user_password_set(**admin_of("northby.admin"), user=officer, password=None)
    user_password_set(**admin_of("northby.admin"), user=officer, password=PASSWORD)

    events = AuditEvent.objects.filter(type=EventType.USER_PASSWORD_SET).order_by("seq")
    assert [e.payload for e in events] == [{"has_password": False}, {"has_password": True}]
    assert PASSWORD not in str([e.payload for e in events])


def test_a_weak_password_is_refused_by_the_service_too(admin_of):
    officer = User.objects.get(username="northby.officer")

    with pytest.raises(ValidationError):
        user_password_set(**admin_of("northby.admin"), user=officer, password="password")
    assert not AuditEvent.objects.filter(type=EventType.USER_PASSWORD_SET).exists()
