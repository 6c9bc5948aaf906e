"""The rule the Channel inbox's waiting list stands for, as the inbox applied it before the
referral carried a marker: every progressed referral checked against the panel cases.
Tests hold the marker that the services and generators keep to it."""

from django.db.models import Exists, OuterRef, QuerySet

from panels.models import PanelCase
from panels.models.cases import CLOSED_STAGES
from referrals.models import Referral, ReferralStatus


def waiting_by_rule() -> QuerySet[Referral]:
    """Progressed, no case open before any panel, none ever held by the responsible panel;
    in the inbox's order."""
    open_case = PanelCase.objects.filter(referral=OuterRef("pk")).exclude(stage__in=CLOSED_STAGES)
    held_by_responsible = PanelCase.objects.filter(
        referral=OuterRef("pk"), panel__agency_id=OuterRef("responsible_agency_id")
    )
    return (
        Referral.objects.filter(status=ReferralStatus.PROGRESSED)
        .exclude(Exists(open_case))
        .exclude(Exists(held_by_responsible))
        .order_by("status_changed_at", "id")
    )


def marked_waiting() -> set:
    return set(Referral.objects.filter(awaiting_panel=True).values_list("pk", flat=True))
