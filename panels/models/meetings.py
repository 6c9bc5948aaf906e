"""Panel meetings: who attended for which agency, the agenda of cases, and the decision
the panel took on each."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from panels.models.cases import Panel, PanelCase
from panels.models.vocabulary import AgendaReason, Attendance, DecisionMethod
from prevent_cases.models import Agency, BaseModel
from referrals.models import Referral


class Meeting(BaseModel):
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="meetings")
    # The panel's local authority: the minutes are its information.
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True, default="")
    # Set when the chair confirms the papers' sharing decisions; members see papers after.
    papers_confirmed_at = models.DateTimeField(null=True, blank=True)
    papers_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # General minutes of the meeting (the panel's information); minutes about one case sit
    # on its agenda item.
    minutes = models.TextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["panel", "starts_at"], name="meeting_panel_date")]

    def __str__(self) -> str:
        return f"Meeting {self.pk}"


class MeetingAttendance(models.Model):
    """An agency at a meeting: present (with who attended, by role) or sent apologies."""

    id = models.BigAutoField(primary_key=True)
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Attendance.choices)
    attendee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["agency__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_once"),
            models.CheckConstraint(
                condition=Q(status__in=Attendance.values), name="attendance_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.status}"


class AgendaItem(BaseModel):
    """One case on a meeting's agenda, and what the panel decided about it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    panel_case = models.ForeignKey(PanelCase, on_delete=models.PROTECT, related_name="agenda_items")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=16, choices=AgendaReason.choices)
    position = models.PositiveSmallIntegerField(default=0)
    # The decision: which stage event, how the panel reached it, and the votes if by majority.
    decision_event = models.CharField(max_length=32, blank=True, default="")
    decision_method = models.CharField(
        max_length=16, choices=DecisionMethod.choices, blank=True, default=""
    )
    votes_for = models.PositiveSmallIntegerField(null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField(null=True, blank=True)
    decision_rationale = models.TextField(blank=True, default="")
    minutes = models.TextField(blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "panel_case"], name="agenda_case_once"),
        ]

    def __str__(self) -> str:
        return f"Agenda item {self.pk}"
