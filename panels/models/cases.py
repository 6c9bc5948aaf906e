"""Panels, the cases they hold and what moves a case: stage moves, information requests
and the answers partners contribute, actions and post-exit reviews.

Every row hangs off its referral (the one case root: decisions, grants and read events key
on it) and names its source agency, whose information it is; its category and scope are
placed in the case-data registry (panels.rules.case_data).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.vocabulary import Category
from panels.models.vocabulary import (
    ExitOutcome,
    NotAdoptedRoute,
    PostExitOutcome,
    RequestStatus,
    Stage,
)
from prevent_cases.models import Agency, Area, BaseModel
from referrals.models import Referral

CLOSED_STAGES = (Stage.EXITED, Stage.NOT_ADOPTED)


class Panel(BaseModel):
    """A local authority's Channel panel for one area. The local authority chairs it
    (CTSA s.37); its chair and coordinators are that agency's users in those roles."""

    area = models.OneToOneField(Area, on_delete=models.PROTECT, related_name="panel")
    agency = models.OneToOneField(Agency, on_delete=models.PROTECT, related_name="panel")
    # How often an open case comes back to the panel for review.
    review_interval_days = models.PositiveSmallIntegerField(default=28)
    # Standing member agencies, invited to every meeting; a case can add others.
    members = models.ManyToManyField(Agency, related_name="panel_memberships", blank=True)

    class Meta:
        ordering = ["area__name"]

    def __str__(self) -> str:
        return f"{self.area} Channel panel"


class PanelCase(BaseModel):
    """One episode of a referral before a panel, from acceptance to exit. A reopened or
    transferred case is a new episode that names the one before it."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="panel_cases")
    panel = models.ForeignKey(Panel, on_delete=models.PROTECT, related_name="cases")
    # The panel's local authority: its stage decisions and outcomes are its information.
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    previous_case = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next_case"
    )
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.IDENTIFICATION)
    stage_changed_at = models.DateTimeField()
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Agencies added to the panel for this case alone (CTSA s.37(4)).
    added_members = models.ManyToManyField(Agency, related_name="panel_cases_joined", blank=True)
    next_review_on = models.DateField(null=True, blank=True)
    # After consent is refused or withdrawn, when the panel looks at the case again.
    reassess_on = models.DateField(null=True, blank=True)
    not_adopted_route = models.CharField(
        max_length=16, choices=NotAdoptedRoute.choices, blank=True, default=""
    )
    onward_service = models.CharField(max_length=200, blank=True, default="")
    exit_outcome = models.CharField(
        max_length=24, choices=ExitOutcome.choices, blank=True, default=""
    )
    exited_on = models.DateField(null=True, blank=True)
    # Raised by every change; a write that read an older version is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["referral"],
                condition=~Q(stage__in=CLOSED_STAGES),
                name="panel_case_one_open_per_referral",
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values), name="panel_case_stage_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["panel", "stage", "next_review_on"], name="panel_case_queue"),
            # The chair's dashboard: a panel's open cases longest in their stage first, those
            # past their review date, and those due a re-assessment, each in its own order.
            models.Index(
                fields=["panel", "stage_changed_at", "id"],
                condition=~Q(stage__in=CLOSED_STAGES),
                name="panel_case_open_by_age",
            ),
            models.Index(
                fields=["panel", "next_review_on", "id"],
                condition=~Q(stage__in=CLOSED_STAGES),
                name="panel_case_open_by_review",
            ),
            models.Index(
                fields=["panel", "reassess_on", "id"],
                condition=Q(reassess_on__isnull=False),
                name="panel_case_reassess",
            ),
        ]

    def __str__(self) -> str:
        return f"Panel case {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.stage not in CLOSED_STAGES


class StageMove(models.Model):
    """One move of a panel case between stages, with the panel's reasons for it."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    panel_case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="moves")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    event = models.CharField(max_length=32)
    rationale = models.TextField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_stage} -> {self.to_stage}"


class InformationRequest(BaseModel):
    """The coordinator asking a partner agency for what it holds: which categories, why,
    by when. The partner answers by sharing (a sharing decision of its own) or by a
    recorded decision to withhold."""

    panel_case = models.ForeignKey(
        PanelCase, on_delete=models.CASCADE, related_name="information_requests"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="information_requests"
    )
    categories = models.JSONField(default=list)
    purpose = models.TextField()
    due_on = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=RequestStatus.choices, default=RequestStatus.OPEN
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    # The sharing decision that answered it (share or withhold), kept in the audit log.
    answer = models.ForeignKey(
        "audit.SharingDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["to_agency", "status", "due_on"], name="request_addressee_queue"),
            # Open requests, the most overdue first (the chair's dashboard).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(status=RequestStatus.OPEN),
                name="request_open_by_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RequestStatus.values), name="request_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Request {self.pk}"


class Contribution(BaseModel):
    """What a partner agency holds about the person, in one category, as its own
    information: the panel sees it only through that agency's sharing decision."""

    panel_case = models.ForeignKey(
        PanelCase, on_delete=models.CASCADE, related_name="contributions"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(
        InformationRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
    )
    category = models.CharField(max_length=24, choices=Category.choices)
    content = models.TextField()
    contributed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Contribution {self.pk}"


class PanelAction(BaseModel):
    """Something the panel asked one agency to do, by a date. The agency it is given to
    sees its own actions; the rest of the panel's record only through a grant."""

    panel_case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="actions")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    agenda_item = models.ForeignKey(
        "panels.AgendaItem", on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    owner_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="panel_actions")
    description = models.TextField()
    due_on = models.DateField()
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["owner_agency", "done_at", "due_on"], name="action_owner_queue"),
            # Actions not done, the most overdue first (the chair's dashboard).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(done_at__isnull=True),
                name="action_undone_by_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Action {self.pk}"


class PostExitReview(BaseModel):
    """A review scheduled when a case exits (6 and 12 months, extendable to 24)."""

    panel_case = models.ForeignKey(
        PanelCase, on_delete=models.CASCADE, related_name="post_exit_reviews"
    )
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    months_after_exit = models.PositiveSmallIntegerField()
    due_on = models.DateField()
    outcome = models.CharField(
        max_length=24, choices=PostExitOutcome.choices, blank=True, default=""
    )
    rationale = models.TextField(blank=True, default="")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel_case", "months_after_exit"], name="post_exit_review_once"
            ),
            models.CheckConstraint(
                condition=Q(months_after_exit__gte=1) & Q(months_after_exit__lte=24),
                name="post_exit_review_within_two_years",
            ),
        ]
        indexes = [
            # Reviews not yet done, the soonest due first (the chair's dashboard).
            models.Index(
                fields=["due_on", "id"],
                condition=Q(done_at__isnull=True),
                name="post_exit_undone_by_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.months_after_exit}-month review {self.pk}"


class ReminderSent(models.Model):
    """A reminder already sent, so running the reminder task again sends nothing twice.
    The key names what it was about and for which date; never case content."""

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=32)
    subject_id = models.UUIDField()
    due_on = models.DateField()
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "subject_id", "due_on", "recipient"], name="reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_id} {self.due_on}"
