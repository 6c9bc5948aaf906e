"""The admin site is for administrators only, each confined to their own area, and every
change they make there is an audit event."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import formats, timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from prevent_cases.admin import admin_site
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.roles import Role
from referrals.models import ReferralGrant
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "/admin/",
    "/admin/prevent_cases/area/",
    "/admin/prevent_cases/agency/",
    "/admin/prevent_cases/agency/add/",
    "/admin/prevent_cases/user/",
    "/admin/prevent_cases/user/add/",
]


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_administrator_manages_agencies_and_users(sign_in, url):
    response = sign_in("northby.admin").get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("url", ADMIN_PAGES)
@pytest.mark.parametrize(
    "username", ["northby.officer", "northby.chair", "northby.auditor", "southmere.coordinator"]
)
def test_other_roles_are_refused(sign_in, url, username):
    response = sign_in(username).get(url)
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_the_service_sign_in(db):
    response = Client().get("/admin/", follow=True)
    final_url, _ = response.redirect_chain[-1]
    assert final_url == "/sign-in/?next=/admin/"


def test_administrator_cannot_make_anyone_a_superuser(sign_in):
    officer = User.objects.get(username="northby.officer")
    page = sign_in("northby.admin").get(f"/admin/prevent_cases/user/{officer.pk}/change/")
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    assert 'name="is_staff"' not in page.content.decode()


def test_membership_role_must_fit_the_agency_kind(demo_people):
    membership = Membership.objects.get(user__username="northby.health")
    membership.role = Role.PANEL_CHAIR
    with pytest.raises(ValidationError, match="panel chair cannot belong to a health"):
        membership.full_clean()


# An administrator manages their own area: the area of their membership's agency.

NORTHBY_POLICE = "Northby Police Prevent Team"
SOUTHMERE_POLICE = "Southmere Police Prevent Team"
NEW_PASSWORD = "a-new-synthetic-passphrase-7301"


def _option_values(html: str, name: str) -> set[str]:
    select = re.search(rf'<select name="{re.escape(name)}".*?</select>', html, re.S)
    assert select, f"no select named {name}"
    return set(re.findall(r'<option value="([^"]+)"', select.group(0)))


def _ids(agencies) -> set[str]:
    return {str(agency.pk) for agency in agencies}


def change_data(target: User, *, user: dict | None = None, membership: dict | None = None):
    """The user change form as the admin page posts it, with the given fields changed."""
    current = target.membership
    fields = {
        "username": target.username,
        "first_name": target.first_name,
        "last_name": target.last_name,
        "email": target.email,
        "is_active": target.is_active,
        **(user or {}),
    }
    joined = {
        "id": current.pk,
        "user": target.pk,
        "agency": current.agency_id,
        "role": current.role,
        "is_active": current.is_active,
        **(membership or {}),
    }
    data = {
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "1",
        "membership-MIN_NUM_FORMS": "1",
        "membership-MAX_NUM_FORMS": "1",
        **{name: str(value) for name, value in fields.items() if value is not True},
        **{
            f"membership-0-{name}": str(value)
            for name, value in joined.items()
            if value is not True
        },
    }
    # A ticked checkbox posts "on"; an unticked one posts nothing.
    data.update({name: "on" for name, value in fields.items() if value is True})
    data.update({f"membership-0-{name}": "on" for name, value in joined.items() if value is True})
    return {name: value for name, value in data.items() if value != "False"}


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(type=event_type).order_by("seq"))


@pytest.fixture
def northby(user, agency):
    """The Northby records an administrator's pages name."""
    officer = user("northby.officer")
    police = agency(NORTHBY_POLICE)
    return {
        "user change": f"/admin/prevent_cases/user/{officer.pk}/change/",
        "user password": f"/admin/prevent_cases/user/{officer.pk}/password/",
        "user history": f"/admin/prevent_cases/user/{officer.pk}/history/",
        "agency change": f"/admin/prevent_cases/agency/{police.pk}/change/",
        "area change": f"/admin/prevent_cases/area/{police.area_id}/change/",
    }


@pytest.mark.parametrize(
    "page", ["user change", "user password", "user history", "agency change", "area change"]
)
@pytest.mark.parametrize(("username", "status"), [("northby.admin", 200), ("southmere.admin", 404)])
def test_an_administrator_opens_only_their_own_areas_records(
    sign_in, northby, page, username, status
):
    """Another area's administrator gets a 404 for the same page, as for a missing record."""
    assert sign_in(username).get(northby[page]).status_code == status


def test_a_record_outside_the_area_answers_like_a_missing_one(sign_in):
    client = sign_in("northby.admin")
    southmere_officer = User.objects.get(username="southmere.officer")

    outside = client.get(f"/admin/prevent_cases/user/{southmere_officer.pk}/change/")
    missing = client.get("/admin/prevent_cases/user/00000000-0000-4000-8000-000000000000/change/")

    assert outside.status_code == missing.status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/admin/prevent_cases/user/", "/admin/prevent_cases/agency/", "/admin/prevent_cases/area/"],
)
@pytest.mark.parametrize(
    ("username", "own", "other"),
    [("northby.admin", "northby", "southmere"), ("southmere.admin", "southmere", "northby")],
)
def test_lists_and_their_filters_show_only_the_administrators_area(
    sign_in, url, username, own, other
):
    page = sign_in(username).get(url)

    assert page.status_code == 200
    assert own in page.text.lower()
    assert other not in page.text.lower()


@pytest.mark.parametrize(
    ("username", "area"), [("northby.admin", "Northby"), ("southmere.admin", "Southmere")]
)
def test_the_membership_agency_choices_are_the_administrators_area(sign_in, user, username, area):
    """On the add page and on a user's own page alike."""
    own_agencies = _ids(Agency.objects.filter(area__name=area))
    colleague = user(f"{area.lower()}.officer")
    client = sign_in(username)

    for url in (
        "/admin/prevent_cases/user/add/",
        f"/admin/prevent_cases/user/{colleague.pk}/change/",
    ):
        assert _option_values(client.get(url).text, "membership-0-agency") == own_agencies


@pytest.mark.parametrize(("to", "moved"), [("Northby College", True), ("Southmere College", False)])
def test_a_member_is_moved_only_within_the_administrators_area(sign_in, user, agency, to, moved):
    """Even a hand-made POST naming another area's agency is refused at the field."""
    member = user("northby.health")
    before = member.membership.agency

    response = sign_in("northby.admin").post(
        f"/admin/prevent_cases/user/{member.pk}/change/",
        change_data(member, membership={"agency": agency(to).pk}),
    )

    member.membership.refresh_from_db()
    assert response.status_code == (302 if moved else 200)
    assert member.membership.agency == (agency(to) if moved else before)
    assert len(_events(EventType.MEMBERSHIP_CHANGED)) == (1 if moved else 0)
    if not moved:
        assert "Select a valid choice" in response.text


@pytest.mark.parametrize(
    ("to", "role", "moved"),
    [
        ("Northby Probation Service", Role.ADMINISTRATOR, True),
        (SOUTHMERE_POLICE, Role.PREVENT_OFFICER, False),
    ],
)
def test_an_administrator_cannot_move_themselves_into_another_area(
    sign_in, user, agency, to, role, moved
):
    """No membership of another area's police team, and so none of its case data."""
    admin_user = user("northby.admin")

    sign_in("northby.admin").post(
        f"/admin/prevent_cases/user/{admin_user.pk}/change/",
        change_data(admin_user, membership={"agency": agency(to).pk, "role": role}),
    )

    admin_user.membership.refresh_from_db()
    assert (admin_user.membership.agency == agency(to)) is moved
    assert admin_user.groups.filter(agency=agency(SOUTHMERE_POLICE)).exists() is False


def test_a_new_user_must_come_with_a_membership(sign_in):
    """A hand-made POST with no membership form creates nobody."""
    data = {
        "username": "northby.nobody",
        "first_name": "Nora",
        "last_name": "Body",
        "email": "northby.nobody@example.org",
        "membership-TOTAL_FORMS": "0",
        "membership-INITIAL_FORMS": "0",
    }

    response = sign_in("northby.admin").post("/admin/prevent_cases/user/add/", data)

    assert response.status_code == 200
    assert not User.objects.filter(username="northby.nobody").exists()


def _add_user_data(agency: Agency, role: str) -> dict[str, str]:
    return {
        "username": "northby.newstarter",
        "first_name": "Nia",
        "last_name": "Starter",
        "email": "northby.newstarter@example.org",
        "membership-TOTAL_FORMS": "1",
        "membership-INITIAL_FORMS": "0",
        "membership-MIN_NUM_FORMS": "1",
        "membership-MAX_NUM_FORMS": "1",
        "membership-0-agency": str(agency.pk),
        "membership-0-role": role,
        "membership-0-is_active": "on",
    }


@pytest.mark.parametrize(
    ("username", "added"), [("northby.admin", True), ("southmere.admin", False)]
)
def test_joining_a_new_user_to_an_agency_is_audited(sign_in, agency, mailoutbox, username, added):
    """The user, their membership, the grant group and an emailed invitation, with one event
    each for user, membership and invitation; another area's administrator cannot join
    anyone to a Northby agency."""
    police = agency(NORTHBY_POLICE)

    response = sign_in(username).post(
        "/admin/prevent_cases/user/add/", _add_user_data(police, Role.PREVENT_OFFICER)
    )

    created = User.objects.filter(username="northby.newstarter").first()
    assert response.status_code == (302 if added else 200)
    assert (created is not None) is added
    if not added:
        assert _events(EventType.USER_CREATED) == []
        assert mailoutbox == []
        return
    assert created.membership.agency == police
    assert not created.has_usable_password()
    assert list(created.groups.all()) == [police.group]
    (user_created,) = _events(EventType.USER_CREATED)
    (joined,) = _events(EventType.MEMBERSHIP_CREATED)
    (invited,) = _events(EventType.USER_INVITED)
    assert (user_created.target_id, user_created.payload) == (created.pk, {"has_password": False})
    assert (invited.target_id, invited.payload) == (created.pk, {"resent": False})
    (email,) = mailoutbox
    assert email.to == ["northby.newstarter@example.org"]
    assert "/set-password/" in email.body
    assert joined.payload == {
        "user": str(created.pk),
        "agency": str(police.pk),
        "role": Role.PREVENT_OFFICER,
    }
    assert joined.actor == User.objects.get(username="northby.admin").pk


@pytest.mark.parametrize(("username", "status"), [("northby.admin", 302), ("southmere.admin", 404)])
def test_resetting_a_password_is_for_the_users_own_area_and_audited(
    sign_in, user, username, status
):
    officer = user("northby.officer")

    response = sign_in(username).post(
        f"/admin/prevent_cases/user/{officer.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    officer.refresh_from_db()
    reset = status == 302
    assert response.status_code == status
    assert officer.check_password(NEW_PASSWORD) is reset
    events = _events(EventType.USER_PASSWORD_SET)
    assert [(e.target_id, e.payload) for e in events] == (
        [(officer.pk, {"has_password": True})] if reset else []
    )


def test_changing_a_role_deactivating_and_renaming_are_each_audited(sign_in, user):
    """Old and new role codes, the names of the fields changed: never the values typed."""
    member = user("northby.probation")
    membership = member.membership
    old_group = membership.agency.group

    response = sign_in("northby.admin").post(
        f"/admin/prevent_cases/user/{member.pk}/change/",
        change_data(
            member,
            user={"first_name": "Renamed", "email": "renamed@example.org", "is_active": False},
            membership={"role": Role.AUDITOR, "is_active": False},
        ),
    )

    assert response.status_code == 302
    member.refresh_from_db()
    membership.refresh_from_db()
    assert (member.first_name, member.is_active) == ("Renamed", False)
    assert (membership.role, membership.is_active) == (Role.AUDITOR, False)
    # An auditor handles no case content, so they leave the agency's grant group.
    assert not member.groups.filter(pk=old_group.pk).exists()
    (details,) = _events(EventType.USER_CHANGED)
    assert details.payload == {"fields": ["first_name", "email"]}
    assert [e.target_id for e in _events(EventType.USER_DEACTIVATED)] == [member.pk]
    (role,) = _events(EventType.MEMBERSHIP_CHANGED)
    assert role.payload == {
        "user": str(member.pk),
        "old_agency": str(membership.agency_id),
        "new_agency": str(membership.agency_id),
        "old_role": Role.PRACTITIONER,
        "new_role": Role.AUDITOR,
    }
    (ended,) = _events(EventType.MEMBERSHIP_DEACTIVATED)
    assert ended.payload == {"user": str(member.pk), "agency": str(membership.agency_id)}
    assert "Renamed" not in str(AuditEvent.objects.values_list("payload", flat=True))


@pytest.mark.parametrize(
    ("username", "added"), [("northby.admin", True), ("southmere.admin", False)]
)
def test_an_agency_added_in_the_admin_can_be_shared_with(sign_in, user, username, added):
    """It gets its grant group, so a sharing decision to it grants access; another area's
    administrator cannot add an agency to Northby."""
    northby_area = Area.objects.get(code="northby")
    data = {
        "name": "Northby Youth Justice Service",
        "kind": "youth_offending",
        "area": northby_area.pk,
    }
    data["is_active"] = "on"

    response = sign_in(username).post("/admin/prevent_cases/agency/add/", data)

    created = Agency.objects.filter(name=data["name"]).first()
    assert response.status_code == (302 if added else 200)
    assert (created is not None) is added
    if not added:
        assert _events(EventType.AGENCY_CREATED) == []
        return
    assert created.group is not None
    (event,) = _events(EventType.AGENCY_CREATED)
    assert (event.target_id, event.payload) == (
        created.pk,
        {"area": str(northby_area.pk), "kind": "youth_offending"},
    )
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, created, categories=(Category.IDENTITY,))
    assert ReferralGrant.objects.filter(content_object=referral, group=created.group).exists()


def test_renaming_or_deactivating_an_agency_is_audited(sign_in, agency):
    college = agency("Northby College")
    data = {"name": "Northby Sixth Form College"}  # is_active unticked: deactivated

    response = sign_in("northby.admin").post(
        f"/admin/prevent_cases/agency/{college.pk}/change/", data
    )

    college.refresh_from_db()
    assert response.status_code == 302
    assert (college.name, college.is_active) == ("Northby Sixth Form College", False)
    (event,) = _events(EventType.AGENCY_CHANGED)
    assert event.payload == {"fields": ["name", "is_active"], "is_active": False}


@pytest.mark.parametrize(
    ("panel", "error"),
    [
        ("Northby Council Information Governance", None),
        ("Northby NHS Trust", "Choose a local-authority agency in this area."),
        (None, "Choose a local-authority agency in this area."),
        ("Southmere Council Channel Team", "Select a valid choice."),
    ],
)
def test_an_areas_panel_agency_is_a_local_authority_in_it(sign_in, agency, panel, error):
    """The same check as area_panel_agency_set, with its message at the field."""
    area = Area.objects.get(code="northby")
    before = area.panel_agency_id
    data = {"name": area.name, "code": area.code, "panel_agency": agency(panel).pk if panel else ""}

    response = sign_in("northby.admin").post(f"/admin/prevent_cases/area/{area.pk}/change/", data)

    area.refresh_from_db()
    if error is None:
        assert response.status_code == 302
        assert area.panel_agency == agency(panel)
        (event,) = _events(EventType.AREA_CHANGED)
        assert event.payload == {
            "fields": ["panel_agency"],
            "panel_agency": str(area.panel_agency_id),
        }
    else:
        assert response.status_code == 200
        assert error in response.context["adminform"].form.errors["panel_agency"][0]
        assert area.panel_agency_id == before
        assert _events(EventType.AREA_CHANGED) == []


@pytest.mark.parametrize(
    ("url", "status"),
    [("/admin/prevent_cases/area/add/", 403), ("/admin/prevent_cases/area/", 200)],
)
def test_areas_are_changed_but_never_added_in_the_admin(sign_in, url, status):
    assert sign_in("northby.admin").get(url).status_code == status


def test_the_pages_that_write_audit_events_are_registered_by_the_audit_app():
    """prevent_cases may not import audit, so audit registers them on the same site."""
    for model in (Area, Agency, User):
        assert type(admin_site.get_model_admin(model)).__module__ == "audit.admin"


@pytest.mark.parametrize(("username", "status"), [("northby.admin", 302), ("northby.officer", 403)])
def test_an_administrators_own_password_is_set_on_the_audited_page(sign_in, user, username, status):
    """The site's own password page would skip the audit event, so it leads to the user page."""
    response = sign_in(username).get("/admin/password_change/")

    assert response.status_code == status
    if status == 403:
        return
    own = user(username)
    assert response["Location"] == f"/admin/prevent_cases/user/{own.pk}/password/"
    client = sign_in(username)
    changed = client.post(
        response["Location"],
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert changed.status_code == 302
    assert [e.target_id for e in _events(EventType.USER_PASSWORD_SET)] == [own.pk]
    # Still signed in with the new password's session.
    assert client.get("/admin/").status_code == 200


def test_turning_off_password_sign_in_is_audited(sign_in, user):
    """Django's "unset password" button, through the same service and event."""
    officer = user("northby.officer")

    response = sign_in("northby.admin").post(
        f"/admin/prevent_cases/user/{officer.pk}/password/",
        {"usable_password": "false", "unset-password": "Disable password-based authentication"},
    )

    officer.refresh_from_db()
    assert response.status_code == 302
    assert not officer.has_usable_password()
    (event,) = _events(EventType.USER_PASSWORD_SET)
    assert (event.target_id, event.payload) == (officer.pk, {"has_password": False})


def test_the_add_user_form_asks_for_no_password(sign_in):
    """The new user sets their own from the emailed link; nobody types it for them."""
    page = sign_in("northby.admin").get("/admin/prevent_cases/user/add/")

    assert page.status_code == 200
    for field in ("username", "first_name", "last_name", "email", "membership-0-role"):
        assert f'name="{field}"' in page.text
    assert 'type="password"' not in page.text
    assert "usable_password" not in page.text
    assert "emailed a link to set their own password" in page.text


@pytest.mark.parametrize("missing", ["first_name", "last_name", "email"])
def test_a_new_user_needs_a_name_and_an_email_address(sign_in, agency, mailoutbox, missing):
    data = _add_user_data(agency(NORTHBY_POLICE), Role.PREVENT_OFFICER)
    del data[missing]

    response = sign_in("northby.admin").post("/admin/prevent_cases/user/add/", data)

    assert response.status_code == 200
    assert not User.objects.filter(username="northby.newstarter").exists()
    assert mailoutbox == []


def _last_sign_in_text(user: User) -> str:
    return formats.localize(timezone.localtime(user.last_login))


def test_each_users_last_sign_in_is_shown(sign_in, user, django_assert_max_num_queries):
    """On the list and on the user's own page; "Never" for someone who has not signed in."""
    sign_in("northby.officer")
    officer, health = user("northby.officer"), user("northby.health")
    assert health.last_login is None
    client = sign_in("northby.admin")

    with django_assert_max_num_queries(7):
        listing = client.get("/admin/prevent_cases/user/")
    page = client.get(f"/admin/prevent_cases/user/{officer.pk}/change/")

    rows = {
        username: row
        for row in re.findall(r"<tr>.*?</tr>", listing.text, re.S)
        for username in re.findall(r">(northby\.\w+)</a>", row)
    }
    assert "Last sign-in" in listing.text
    assert _last_sign_in_text(officer) in rows["northby.officer"]
    assert "Never" in rows["northby.health"]
    assert "Last sign-in" in page.text
    assert _last_sign_in_text(officer) in page.text
