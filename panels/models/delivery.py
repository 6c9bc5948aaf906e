"""Delivering an intervention: the delivering agency's answer to the assignment and each
change of status, its progress entries (sessions and contacts, with progress against each
goal and any concern) and the panel's consideration of a concern.

What the delivering agency records is its own information in the intervention's scope
(category support): the panel sees it through the sharing decision the agency made when it
accepted. Every row here is written once and never changed: a mistake in a progress entry
is put right by a new entry that names the one it corrects. The one exception is a progress
entry's `concern_open`, a marker the delivery services keep so the chair's dashboard finds
the few open concerns without asking every concern whether it was corrected or considered.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.models import SharingDecision
from panels.models.support import Intervention, InterventionGoal, intervention_scope
from panels.models.vocabulary import (
    ContactType,
    DeliveryEvent,
    GoalRating,
    InterventionStatus,
)
from prevent_cases.models import Agency, BaseModel
from referrals.models import Referral


class InterventionScoped(BaseModel):
    """A row about one intervention: whose information it is, and in which scope."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="+")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")

    class Meta:
        abstract = True

    @property
    def scope(self) -> str:
        return intervention_scope(self.intervention_id)


class InterventionStatusChange(InterventionScoped):
    """One move on the status table, with the delivering agency's reason. Accepting and
    declining are moves too; each names the sharing decision it recorded."""

    event = models.CharField(max_length=16, choices=DeliveryEvent.choices)
    from_status = models.CharField(max_length=16, choices=InterventionStatus.choices)
    to_status = models.CharField(max_length=16, choices=InterventionStatus.choices)
    reason = models.TextField()
    decision = models.ForeignKey(
        SharingDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The intervention's version this change made: what a writer holding an older one
    # missed.
    made_version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["intervention", "made_version"], name="status_change_ver")]
        constraints = [
            models.CheckConstraint(
                condition=Q(event__in=DeliveryEvent.values), name="status_change_event_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Status change {self.pk}"


class ProgressEntry(InterventionScoped):
    """A session or contact and what came of it. A correction is a new entry naming the
    one it corrects (at most one correction of each); both stay on the record."""

    occurred_on = models.DateField()
    contact_type = models.CharField(max_length=16, choices=ContactType.choices)
    attended = models.BooleanField()
    duration_minutes = models.PositiveSmallIntegerField(null=True, blank=True)
    notes = models.TextField(blank=True, default="")
    concern = models.BooleanField(default=False)
    # A concern still open: raised, no later entry corrects it and the panel has not yet
    # recorded that it considered it. Set when the concern is recorded and cleared, in the
    # same transaction, by the correction or the review that closes it.
    concern_open = models.BooleanField(default=False)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="correction"
    )
    made_version = models.PositiveIntegerField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["occurred_on", "created_at", "id"]
        verbose_name_plural = "progress entries"
        indexes = [
            models.Index(fields=["intervention", "occurred_on"], name="progress_by_date"),
            models.Index(fields=["intervention", "made_version"], name="progress_by_version"),
            # The chair's open concerns, oldest first: a handful among the entries, so the
            # dashboard reads them all from here and reaches each one's case from it.
            models.Index(
                fields=["occurred_on", "created_at", "id"],
                condition=models.Q(concern_open=True),
                name="progress_open_concerns",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(contact_type__in=ContactType.values), name="progress_contact_valid"
            ),
            # A concern is never raised without saying what it is.
            models.CheckConstraint(
                condition=Q(concern=False) | ~Q(notes=""), name="progress_concern_has_notes"
            ),
            # Only a concern is ever open.
            models.CheckConstraint(
                condition=Q(concern_open=False) | Q(concern=True),
                name="progress_open_only_if_concern",
            ),
        ]

    def __str__(self) -> str:
        return f"Progress entry {self.pk}"


class GoalProgress(models.Model):
    """Progress against one goal, as one entry recorded it."""

    id = models.BigAutoField(primary_key=True)
    entry = models.ForeignKey(ProgressEntry, on_delete=models.CASCADE, related_name="goals")
    goal = models.ForeignKey(InterventionGoal, on_delete=models.PROTECT, related_name="progress")
    rating = models.CharField(max_length=16, choices=GoalRating.choices)

    class Meta:
        ordering = ["entry", "goal__position"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "goal"], name="goal_progress_once"),
            models.CheckConstraint(
                condition=Q(rating__in=GoalRating.values), name="goal_progress_rating_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Goal progress {self.pk}"

    # Progress is its entry's information, in its scope (read with the entry).
    @property
    def source_agency_id(self):
        return self.entry.source_agency_id

    @property
    def scope(self) -> str:
        return self.entry.scope


class ConcernReview(InterventionScoped):
    """The panel's note that it has considered a concern a practitioner raised: the concern
    is open until then. The panel's information, in the intervention's scope, so the
    delivering agency sees the answer to its concern."""

    entry = models.OneToOneField(ProgressEntry, on_delete=models.PROTECT, related_name="review")
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Concern review {self.pk}"
