"""Consent and the support plan: how consent is sought, what support, who provides it,
and the interventions assigned to delivering agencies, each in its own scope."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce

from panels.models.cases import PanelCase
from panels.models.vocabulary import (
    ConsentDecision,
    ConsentGiver,
    ConsentMethod,
    InterventionStatus,
    InterventionType,
)
from prevent_cases.models import Agency, BaseModel
from referrals.models import Referral

INTERVENTION_SCOPE_PREFIX = "intervention:"


def intervention_scope(intervention_id) -> str:
    """The scope naming one intervention, in decisions and grants."""
    return f"{INTERVENTION_SCOPE_PREFIX}{intervention_id}"


class Consent(BaseModel):
    """Consent given, refused or withdrawn: by the person if 18 or over, a parent or
    guardian if under 18. Never edited; the latest record is the case's consent."""

    panel_case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="consents")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=16, choices=ConsentDecision.choices)
    given_by = models.CharField(max_length=16, choices=ConsentGiver.choices)
    obtained_on = models.DateField()
    method = models.CharField(max_length=16, choices=ConsentMethod.choices)
    capacity_considered = models.BooleanField(default=False)
    capacity_note = models.TextField(blank=True, default="")
    note = models.TextField(blank=True, default="")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=ConsentDecision.values), name="consent_decision_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Consent {self.pk}"


class SupportPlan(BaseModel):
    """The plan the panel agreed (CTSA s.36(5)): how, when and by whom consent is sought,
    and what support. A changed plan is a new row; the last is in force."""

    panel_case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="plans")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    consent_approach = models.TextField()
    consent_sought_by = models.CharField(max_length=200)
    consent_sought_on = models.DateField()
    support_summary = models.TextField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Support plan {self.pk}"


class Intervention(BaseModel):
    """One piece of support assigned to a delivering agency and practitioner. Its record
    is the panel's information in the intervention's own scope, so a provider is given
    only its own."""

    panel_case = models.ForeignKey(
        PanelCase, on_delete=models.CASCADE, related_name="interventions"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(SupportPlan, on_delete=models.PROTECT, related_name="interventions")
    type = models.CharField(max_length=32, choices=InterventionType.choices)
    delivering_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="interventions_delivered"
    )
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="interventions_assigned",
    )
    start_on = models.DateField()
    planned_sessions = models.PositiveSmallIntegerField()
    # How often the person should be seen; with the last attended contact it sets when
    # the next session is due, kept on the row so a practitioner's list sorts by it.
    contact_every_days = models.PositiveSmallIntegerField(default=14)
    status = models.CharField(
        max_length=16, choices=InterventionStatus.choices, default=InterventionStatus.PLANNED
    )
    last_contact_on = models.DateField(null=True, blank=True)
    next_contact_due_on = models.DateField(null=True, blank=True)
    # Every write by the delivering agency names the version it was made against; of two
    # writes from the same version only the first stands.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["start_on", "id"]
        indexes = [
            models.Index(fields=["delivering_agency", "status"], name="intervention_delivery"),
            models.Index(
                fields=["delivering_agency", "next_contact_due_on"], name="intervention_due"
            ),
            # A delivering agency's lists, each in its own order: assignments awaiting its
            # answer (oldest first), those it delivers (next session due first) and those
            # it has finished (most recent first).
            models.Index(
                fields=["delivering_agency", "created_at", "id"],
                condition=Q(status=InterventionStatus.PLANNED),
                name="intervention_awaiting",
            ),
            models.Index(
                fields=["delivering_agency", "next_contact_due_on", "id"],
                condition=Q(status__in=[InterventionStatus.ACTIVE, InterventionStatus.PAUSED]),
                name="intervention_delivering",
            ),
            models.Index(
                fields=["delivering_agency", "updated_at", "id"],
                condition=Q(
                    status__in=[InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN]
                ),
                name="intervention_finished",
            ),
            # A panel's active interventions (their source is the panel's agency), the
            # longest without contact (or since they started with none) first: the chair's
            # dashboard filters and orders by this expression.
            models.Index(
                F("source_agency"),
                Coalesce("last_contact_on", "start_on"),
                F("id"),
                condition=Q(status=InterventionStatus.ACTIVE),
                name="intervention_no_contact",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InterventionStatus.values),
                name="intervention_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(planned_sessions__gte=1), name="intervention_has_sessions"
            ),
            models.CheckConstraint(
                condition=Q(contact_every_days__gte=1), name="intervention_contact_interval"
            ),
        ]

    def __str__(self) -> str:
        return f"Intervention {self.pk}"

    @property
    def scope(self) -> str:
        return intervention_scope(self.pk)


class InterventionGoal(models.Model):
    id = models.BigAutoField(primary_key=True)
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="goals")
    description = models.TextField()
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["intervention", "position"]

    def __str__(self) -> str:
        return f"Goal {self.pk}"

    # A goal is its intervention's information, in its scope (read with the intervention).
    @property
    def source_agency_id(self):
        return self.intervention.source_agency_id

    @property
    def scope(self) -> str:
        return self.intervention.scope
