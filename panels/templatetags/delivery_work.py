"""A practitioner's delivery work at a glance, for the home page: the core's page may not
import the panels app (the layer contract), so its template loads this tag instead."""

from django import template
from django.utils import timezone

from panels.models.vocabulary import InterventionStatus
from panels.selectors.delivery import awaiting_answer, in_delivery
from prevent_cases.roles import Role

register = template.Library()


@register.inclusion_tag("panels/delivery/home_summary.html", takes_context=True)
def delivery_work(context) -> dict:
    """How many assignments await the agency's answer and how many of its interventions
    are overdue for a session; nothing for roles other than practitioners."""
    membership = getattr(context.get("request"), "membership", None)
    if membership is None or membership.role != Role.PRACTITIONER:
        return {"shown": False}
    delivering = in_delivery(membership=membership)
    return {
        "shown": True,
        "awaiting": awaiting_answer(membership=membership).count(),
        # Overdue as the practitioner's list marks it: active, next session due before today.
        "overdue": delivering.filter(
            status=InterventionStatus.ACTIVE, next_contact_due_on__lt=timezone.localdate()
        ).count(),
    }
