"""Signing in and out, and what the header says about who is signed in."""

import pytest
from django.test import Client

from prevent_cases.demo.accounts import DEMO_PASSWORD
from prevent_cases.models import Membership

pytestmark = pytest.mark.django_db


def test_anonymous_user_is_sent_to_sign_in(demo_people):
    """Every page but the sign-in page and health check needs a signed-in user."""
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/?next=/"


def test_an_officer_signs_in_to_the_forces_referrals_with_name_agency_and_role(demo_people):
    client = Client()
    response = client.post(
        "/sign-in/", {"username": "northby.officer", "password": DEMO_PASSWORD}, follow=True
    )
    membership = Membership.objects.select_related("user", "agency").get(
        user__username="northby.officer"
    )
    page = response.content.decode()
    assert response.redirect_chain == [("/referrals/", 302)]
    assert membership.user.get_full_name() in page
    assert "Northby Police Prevent Team" in page
    assert "Prevent officer" in page
    assert "Log a referral" in page  # the officer's next steps


@pytest.mark.parametrize(
    ("username", "role_label", "next_step"),
    [
        ("southmere.chair", "Panel chair", "Run panel meetings"),
        ("northby.auditor", "Auditor", "Review sharing decisions"),
        ("northby.admin", "Administrator", "Manage agencies and users"),
        ("northby.provider", "Practitioner", "Deliver interventions"),
    ],
)
def test_home_page_speaks_to_the_users_role(sign_in, username, role_label, next_step):
    page = sign_in(username).get("/").content.decode()
    assert role_label in page
    assert next_step in page


def test_wrong_password_is_refused_with_a_message(demo_people):
    response = Client().post(
        "/sign-in/", {"username": "northby.officer", "password": "not-the-password"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Enter a correct username and password" in page
    assert "<title>Error:" in page


def test_sign_out_needs_a_post_and_ends_the_session(sign_in):
    client = sign_in("northby.officer")
    response = client.post("/sign-out/")
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    assert client.get("/").status_code == 302


def test_user_without_membership_is_refused_after_sign_in(sign_in):
    client = sign_in("northby.health")
    Membership.objects.filter(user__username="northby.health").update(is_active=False)
    response = client.get("/")
    assert response.status_code == 403
    assert "not linked to an active agency" in response.content.decode()


def test_repeated_failures_lock_the_account(demo_people, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/sign-in/", {"username": "northby.officer", "password": "wrong-password"})
    response = client.post("/sign-in/", {"username": "northby.officer", "password": DEMO_PASSWORD})
    assert response.status_code == 429
    assert "locked" in response.content.decode().lower()


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("northby.coordinator", "/panels/inbox/"),
        ("northby.chair", "/panels/dashboard/"),
        ("northby.officer", "/referrals/"),
        ("northby.health", "/referrals/shared-with-us/"),
        ("northby.education", "/referrals/shared-with-us/"),
    ],
)
def test_each_role_starts_from_its_own_work_queue(demo_people, username, landing):
    response = Client().post("/sign-in/", {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert response.url == landing
