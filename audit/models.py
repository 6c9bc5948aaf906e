"""The append-only record: audit events, sharing decisions, auditors' reviews, checkpoints.

The database refuses UPDATE, DELETE and TRUNCATE on every table here (triggers created in
migrations). Nothing here has a foreign key into case tables: cases are named by type and
UUID so case data can be deleted under a retention rule while the record stays whole.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from audit.vocabulary import (
    ConsentStatus,
    DecisionAction,
    LegalBasis,
    ReviewFinding,
    Schedule1Condition,
)


class AuditEvent(models.Model):
    """One link of the hash chain. See docs/audit-chain.md for the canonical form."""

    seq = models.BigIntegerField(primary_key=True)
    created_at = models.DateTimeField()
    # No choices: the payload registry (audit/event_types.py) checks every type at write
    # time, so a new event type needs no migration.
    type = models.CharField(max_length=64)
    actor = models.UUIDField(null=True)
    agency = models.UUIDField(null=True)
    target_type = models.CharField(max_length=64, blank=True, default="")
    target_id = models.UUIDField(null=True)
    payload = models.JSONField(default=dict)
    # UNIQUE seq and prev_hash are the backstop against forks: two events can never claim
    # the same place or the same predecessor. `hash` follows from the rest, so it needs no
    # index of its own, which keeps each append cheaper.
    prev_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "seq"], name="audit_event_target"),
            models.Index(fields=["type", "seq"], name="audit_event_type"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(seq__gte=1), name="audit_event_seq_positive"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.type}"


class SharingDecisionQuerySet(models.QuerySet):
    def live(self, *, at) -> "SharingDecisionQuerySet":
        """Decisions to share that nothing has superseded and that have not expired."""
        return self.filter(action=DecisionAction.SHARE, superseded_by__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=at)
        )

    def for_case(self, *, case_type: str, case_id: uuid.UUID) -> "SharingDecisionQuerySet":
        return self.filter(case_type=case_type, case_id=case_id)


class SharingDecision(models.Model):
    """A recorded decision to share, or to withhold, information about one case.

    Never edited: a correction or a revocation is a new decision that supersedes this one.
    A live decision to share is what grants the receiving agency access.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case_type = models.CharField(max_length=32)
    case_id = models.UUIDField()
    action = models.CharField(max_length=16, choices=DecisionAction.choices)
    disclosing_agency = models.ForeignKey(
        "prevent_cases.Agency", on_delete=models.PROTECT, related_name="decisions_disclosed"
    )
    receiving_agency = models.ForeignKey(
        "prevent_cases.Agency", on_delete=models.PROTECT, related_name="decisions_received"
    )
    categories = models.JSONField(default=list)
    # Whose information is shared: the disclosing agency's own, or (an onward share by the
    # responsible panel) another agency's that the panel holds. Null only on decisions
    # recorded before provenance was kept (canonical version 1): their source is the
    # disclosing agency.
    source_agency = models.ForeignKey(
        "prevent_cases.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decisions_sourced",
    )
    # The part of the case shared: "" for the whole case, else e.g. "intervention:<uuid>".
    scope = models.CharField(max_length=80, blank=True, default="")
    purpose = models.TextField()
    legal_basis = models.CharField(max_length=40, choices=LegalBasis.choices)
    legal_basis_other = models.TextField(blank=True, default="")
    schedule1_condition = models.CharField(
        max_length=40, choices=Schedule1Condition.choices, blank=True, default=""
    )
    consent_status = models.CharField(max_length=16, choices=ConsentStatus.choices)
    consent_reason = models.TextField(blank=True, default="")
    justification = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sharing_decisions"
    )
    decided_by_role = models.CharField(max_length=32)
    decided_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    # Which canonical form the decision's hash was taken over (docs/audit-chain.md).
    canonical_version = models.PositiveSmallIntegerField(default=2)

    objects = SharingDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "id"]
        indexes = [
            models.Index(
                fields=["case_type", "case_id", "receiving_agency"], name="decision_case_receiver"
            ),
            # One index per order the auditors' list can be sorted in, each ending in the
            # unique id so a page's last row is an exact place to continue from.
            models.Index(fields=["decided_at", "id"], name="decision_decided_at_id"),
            models.Index(
                fields=["decided_by_role", "decided_at", "id"], name="decision_role_decided_at"
            ),
            models.Index(
                fields=["consent_status", "decided_at", "id"], name="decision_consent_decided_at"
            ),
            # A receiving agency's list of what was shared with it, newest first.
            models.Index(
                fields=["receiving_agency", "decided_at", "id"], name="decision_receiver_decided_at"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=DecisionAction.values), name="decision_action_valid"
            ),
            models.CheckConstraint(
                condition=Q(legal_basis__in=LegalBasis.values), name="decision_legal_basis_valid"
            ),
            models.CheckConstraint(
                condition=Q(consent_status__in=ConsentStatus.values),
                name="decision_consent_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(disclosing_agency=models.F("receiving_agency")),
                name="decision_not_to_self",
            ),
            # From version 2 on, every decision says whose information it shares.
            models.CheckConstraint(
                condition=Q(canonical_version=1) | Q(source_agency__isnull=False),
                name="decision_names_source",
            ),
            # A revocation always names the decision it ends.
            models.CheckConstraint(
                condition=~Q(action=DecisionAction.REVOKE) | Q(supersedes__isnull=False),
                name="decision_revoke_names_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} decision {self.id}"

    @property
    def information_source_id(self) -> uuid.UUID:
        """Whose information the decision is about (version 1 rows: the discloser's)."""
        return self.source_agency_id or self.disclosing_agency_id


class DecisionReview(models.Model):
    """An auditor's review of one sharing decision."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    decision = models.ForeignKey(SharingDecision, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="decision_reviews"
    )
    finding = models.CharField(max_length=16, choices=ReviewFinding.choices)
    note = models.TextField()
    created_at = models.DateTimeField()
    # Which canonical form the review's hash, carried by its event, was taken over
    # (docs/audit-chain.md). Null on reviews recorded before reviews were hashed.
    canonical_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__in=ReviewFinding.values), name="review_finding_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Review of {self.decision_id}: {self.finding}"


class Checkpoint(models.Model):
    """A signed statement of the chain's size and head hash at a moment.

    Also written outside the database, so cutting the tail together with its checkpoints
    is still caught by anyone who holds an earlier copy.
    """

    size = models.BigIntegerField()
    head_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-size", "-created_at"]

    def __str__(self) -> str:
        return f"Checkpoint at {self.size}"


class VerificationRun(models.Model):
    """One run of chain verification asked for from the auditors' workspace.

    Updated as the run progresses, so not an append-only table; once it finishes, an event
    on the chain carries the hash of its result, and verification checks the finished run
    against it. What it found is reproducible at any time with `manage.py audit_verify`.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PASSED = "passed", "Verified"
        FAILED = "failed", "Broken"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verification_runs"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    events_checked = models.BigIntegerField(default=0)
    decisions_checked = models.BigIntegerField(default=0)
    checkpoints_checked = models.IntegerField(default=0)
    head_hash = models.CharField(max_length=64, blank=True, default="")
    # Findings name event numbers and decision ids only, never case content.
    findings = models.JSONField(default=list)
    # Which canonical form the finished result's hash was taken over: set when the run
    # finishes; null while it runs, and on runs that finished before results were hashed.
    canonical_version = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "id"]

    def __str__(self) -> str:
        return f"Verification {self.requested_at:%Y-%m-%d %H:%M} {self.status}"


# The record proper: the database refuses UPDATE, DELETE and TRUNCATE on these (migration
# 0002), and the application role may only SELECT and INSERT there (grant_app_role).
APPEND_ONLY_MODELS = (AuditEvent, SharingDecision, DecisionReview, Checkpoint)
