"""Telling people about work waiting for them. Messages carry references and dates only:
never a name, a date of birth or any of the concern, since email leaves the service."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils import timezone

from prevent_cases.models import Membership
from prevent_cases.roles import Role
from referrals.models import Referral
from referrals.rules.workflow import OPEN_STATUSES


def _recipients(agency_id) -> list[str]:
    """The agency's Channel coordinators; its Prevent officers when it has none."""
    members = Membership.objects.filter(
        agency_id=agency_id, is_active=True, user__is_active=True
    ).exclude(user__email="")
    for role in (Role.CHANNEL_COORDINATOR, Role.PREVENT_OFFICER):
        emails = list(members.filter(role=role).values_list("user__email", flat=True))
        if emails:
            return sorted(emails)
    return []


def overdue_screening_notify() -> int:
    """Email each agency's coordinators the referrals overdue for screening; return how many
    emails were sent."""
    today = timezone.localdate()
    overdue = (
        Referral.objects.filter(status__in=OPEN_STATUSES, screening_due_on__lt=today)
        .order_by("owning_agency_id", "screening_due_on", "reference")
        .values_list("owning_agency_id", "reference", "screening_due_on")
    )
    by_agency: dict[object, list[str]] = defaultdict(list)
    for agency_id, reference, due in overdue:
        by_agency[agency_id].append(f"{reference} (screening was due {due:%d %B %Y})")
    messages = []
    for agency_id, lines in by_agency.items():
        recipients = _recipients(agency_id)
        if not recipients:
            continue
        body = (
            f"{len(lines)} referral{'s are' if len(lines) > 1 else ' is'} overdue for "
            "screening:\n\n" + "\n".join(lines) + "\n\nSign in to the service to see them."
        )
        subject = f"Prevent case management: {len(lines)} referral(s) overdue for screening"
        messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
    return send_mass_mail(messages, fail_silently=False) if messages else 0
