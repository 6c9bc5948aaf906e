"""Invitations: a new user sets their own password from a one-time link sent by email.

An administrator never types, sees or sends on a password. The link carries a token from
Django's password reset generator, salted for invitations alone, so a token made here is
good for nothing else. It stops working once used (the token hashes the stored password,
which setting one changes), when a newer invitation replaces it (which draws a new unusable
password), or after PASSWORD_RESET_TIMEOUT.

Sending is part of the administrator's change (audit/services/administration.py);
accepting is the user's own change, with its own event.
"""

from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from audit.event_types import EventType
from audit.record.chain import append_event, atomic_unit
from prevent_cases.models import User
from prevent_cases.selectors import membership_for_user

INVITATION_USED = (
    "This link has already been used or has been replaced by a newer one. "
    "Ask your administrator to send you a new invitation."
)
SUBJECT = "Set your password for Prevent case management"


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "audit.services.invitations.InvitationTokenGenerator"


invitation_tokens = InvitationTokenGenerator()


def invitation_valid_days() -> int:
    """How long a link works, in whole days, as the email tells it."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))


def invitation_email_send(*, user: User) -> None:
    """Email the user a link to set their password.

    The email leaves the service, so it holds the link and the username to sign in with,
    and nothing else about the person or their agency.
    """
    path = reverse(
        "invitation_password",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invitation_tokens.make_token(user),
        },
    )
    body = render_to_string(
        "registration/invitation_email.txt",
        {
            "username": user.get_username(),
            "link": f"{settings.SITE_URL.rstrip('/')}{path}",
            "valid_days": invitation_valid_days(),
        },
    )
    send_mail(SUBJECT, body, settings.DEFAULT_FROM_EMAIL, [user.email], fail_silently=False)


@atomic_unit
def invitation_password_set(*, user: User, password: str) -> User:
    """Set the password an invited user chose, checked by the service's validators.

    The view has checked the link's token against `user` as it loaded it; the new password
    ends that token. Two submissions of one link race to the lock, and the second finds the
    password changed under it and is refused like a used link.
    """
    stored = User.objects.select_for_update().get(pk=user.pk)
    if stored.password != user.password or not stored.is_active:
        raise ValidationError(INVITATION_USED)
    password_validation.validate_password(password, stored)
    stored.set_password(password)
    stored.save(update_fields=["password"])
    user.password = stored.password
    membership = membership_for_user(user)
    append_event(
        event_type=EventType.USER_PASSWORD_CHOSEN,
        actor=user.pk,
        agency=membership.agency_id if membership else None,
        target_type="user",
        target_id=user.pk,
    )
    return user
