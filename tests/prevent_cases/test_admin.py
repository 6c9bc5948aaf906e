"""The admin site is for administrators only; no other role, however senior, gets in."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from prevent_cases.models import Membership, User
from prevent_cases.roles import Role

pytestmark = pytest.mark.django_db

ADMIN_PAGES = ["/admin/", "/admin/prevent_cases/agency/", "/admin/prevent_cases/user/"]


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
