"""Invitations: an administrator adds a user with no password, the user is emailed a link
that works once, and sets their own password on the service's page."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.services import administration
from audit.services.administration import user_add, user_invitation_resend
from prevent_cases.models import Agency, Membership, User
from prevent_cases.roles import Role

pytestmark = pytest.mark.django_db

GOOD_PASSWORD = "a-synthetic-passphrase-of-her-own-5521"
LINK = re.compile(r"https?://[^/\s]+(/set-password/[^/\s]+/[^/\s]+/)")


def _events(event_type: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(type=event_type).order_by("seq"))


def _link(email) -> str:
    match = LINK.search(email.body)
    assert match, f"no set-password link in {email.body!r}"
    return match.group(1)


@pytest.fixture
def invited(user, mailoutbox):
    """A Northby probation practitioner just added by the area's administrator."""
    administrator = user("northby.admin")
    newcomer = user_add(
        actor=administrator,
        membership=administrator.membership,
        user=User(
            username="northby.invited",
            first_name="Imogen",
            last_name="Vitali",
            email="northby.invited@example.org",
        ),
        joined=Membership(
            agency=Agency.objects.get(name="Northby Probation Service"), role=Role.PRACTITIONER
        ),
    )
    return newcomer


def _open(link: str) -> tuple[Client, str]:
    """Open the emailed link as the invited user would; return their client and the form's
    address (the token moves from the address into the session)."""
    client = Client()
    response = client.get(link)
    assert response.status_code == 302
    return client, response["Location"]


def _choose(client: Client, form_url: str, password: str, again: str | None = None):
    return client.post(form_url, {"new_password1": password, "new_password2": again or password})


def test_the_email_holds_the_link_and_no_personal_details(invited, mailoutbox):
    (email,) = mailoutbox
    assert email.to == ["northby.invited@example.org"]
    assert _link(email)
    assert "3 days" in email.body
    for detail in ("Imogen", "Vitali", "Probation", "Northby"):
        assert detail not in email.body.replace("northby.invited", "")


def test_the_invited_user_sets_a_password_and_signs_in(invited, mailoutbox):
    client, form_url = _open(_link(mailoutbox[0]))
    assert "Set your password" in client.get(form_url).text

    response = _choose(client, form_url, GOOD_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == "/sign-in/"
    invited.refresh_from_db()
    assert invited.check_password(GOOD_PASSWORD)
    (chosen,) = _events(EventType.USER_PASSWORD_CHOSEN)
    assert (chosen.actor, chosen.target_id, chosen.payload) == (invited.pk, invited.pk, {})
    assert chosen.agency == invited.membership.agency_id
    signed_in = Client().post(
        "/sign-in/", {"username": "northby.invited", "password": GOOD_PASSWORD}
    )
    assert signed_in.status_code == 302


@pytest.mark.parametrize(
    ("password", "again", "error"),
    [
        ("short-1", None, "at least 12 characters"),
        ("northby.invited", None, "too similar to the username"),
        (GOOD_PASSWORD, "a-different-passphrase-0042", "Enter the same password in both fields"),
        ("", None, "Enter a password"),
    ],
)
def test_a_password_the_validators_refuse_is_explained_and_not_set(
    invited, mailoutbox, password, again, error
):
    client, form_url = _open(_link(mailoutbox[0]))

    response = _choose(client, form_url, password, again)

    assert response.status_code == 200
    assert error in response.text
    assert "There is a problem" in response.text
    invited.refresh_from_db()
    assert not invited.has_usable_password()
    assert _events(EventType.USER_PASSWORD_CHOSEN) == []
    # The link still works for a second try.
    assert _choose(client, form_url, GOOD_PASSWORD).status_code == 302


def test_the_link_works_once(invited, mailoutbox):
    link = _link(mailoutbox[0])
    client, form_url = _open(link)
    _choose(client, form_url, GOOD_PASSWORD)

    again = Client().get(link)
    replay = _choose(client, form_url, "yet-another-synthetic-passphrase-77")

    assert again.status_code == 200
    assert "This link no longer works" in again.text
    assert "This link no longer works" in replay.text
    invited.refresh_from_db()
    assert invited.check_password(GOOD_PASSWORD)
    assert len(_events(EventType.USER_PASSWORD_CHOSEN)) == 1


def test_the_link_expires_after_three_days(invited, mailoutbox):
    link = _link(mailoutbox[0])

    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        response = Client().get(link)

    assert "This link no longer works" in response.text


def test_a_deactivated_users_link_leads_nowhere(invited, mailoutbox):
    User.objects.filter(pk=invited.pk).update(is_active=False)

    response = Client().get(_link(mailoutbox[0]))

    assert "This link no longer works" in response.text


def test_a_new_invitation_replaces_the_earlier_link(invited, user, mailoutbox):
    administrator = user("northby.admin")
    first = _link(mailoutbox[0])

    user_invitation_resend(actor=administrator, membership=administrator.membership, user=invited)

    assert "This link no longer works" in Client().get(first).text
    client, form_url = _open(_link(mailoutbox[1]))
    assert _choose(client, form_url, GOOD_PASSWORD).status_code == 302
    assert [e.payload for e in _events(EventType.USER_INVITED)] == [
        {"resent": False},
        {"resent": True},
    ]


def test_if_the_email_cannot_be_sent_nobody_is_added(user, monkeypatch):
    """The administrator is told (the page fails), rather than the chain recording an
    invitation nobody received."""
    administrator = user("northby.admin")
    events = AuditEvent.objects.count()

    def mail_server_down(**kwargs):
        raise ConnectionRefusedError("the mail server refused the connection")

    monkeypatch.setattr(administration, "invitation_email_send", mail_server_down)
    with pytest.raises(ConnectionRefusedError):
        user_add(
            actor=administrator,
            membership=administrator.membership,
            user=User(username="northby.unsent", email="northby.unsent@example.org"),
            joined=Membership(
                agency=Agency.objects.get(name="Northby College"), role=Role.PANEL_MEMBER
            ),
        )

    assert not User.objects.filter(username="northby.unsent").exists()
    assert AuditEvent.objects.count() == events


# The administrator's button on the user's page.


def _resend_url(target: User) -> str:
    return f"/admin/prevent_cases/user/{target.pk}/invitation/"


@pytest.mark.parametrize(
    ("username", "status", "sent"),
    [
        ("northby.admin", 302, True),
        ("southmere.admin", 404, False),
        ("northby.officer", 403, False),
        ("northby.auditor", 403, False),
    ],
)
def test_only_the_areas_administrator_may_resend_an_invitation(
    sign_in, invited, mailoutbox, username, status, sent
):
    mailoutbox.clear()

    response = sign_in(username).post(_resend_url(invited))

    assert response.status_code == status
    assert len(mailoutbox) == (1 if sent else 0)
    assert len(_events(EventType.USER_INVITED)) == (2 if sent else 1)
    if sent:
        assert response["Location"] == f"/admin/prevent_cases/user/{invited.pk}/change/"


def test_resending_is_a_button_not_a_link(sign_in, invited, mailoutbox):
    """A GET (a prefetch, a link followed by a crawler) sends nothing."""
    client = sign_in("northby.admin")
    mailoutbox.clear()

    page = client.get(f"/admin/prevent_cases/user/{invited.pk}/change/")

    assert page.status_code == 200
    assert f'action="{_resend_url(invited)}"' in page.text
    assert client.get(_resend_url(invited)).status_code == 405
    assert mailoutbox == []


def test_a_user_with_a_password_is_not_invited_again(sign_in, user, mailoutbox):
    """It would take their password away; their password page is where that is done."""
    officer = user("northby.officer")
    client = sign_in("northby.admin")

    page = client.get(f"/admin/prevent_cases/user/{officer.pk}/change/")
    response = client.post(_resend_url(officer), follow=True)

    assert _resend_url(officer) not in page.text
    assert "already set a password" in response.text
    assert mailoutbox == []
    assert _events(EventType.USER_INVITED) == []
    officer.refresh_from_db()
    assert officer.has_usable_password()
