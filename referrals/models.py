"""People referred, their referrals, and the grants that let other agencies see them."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase

from audit.vocabulary import Category
from prevent_cases.models import Agency, Area, BaseModel
from referrals.rules.vocabulary import Deconfliction, ScreeningOutcome, Sector, Sex, SignpostService

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_reference() -> str:
    """A server-generated reference that reveals nothing about volume or order."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PR-{body[:4]}-{body[4:]}"


def category_codename(category: str) -> str:
    """The object-permission codename that grants one category of a referral."""
    return f"see_{category}"


class Subject(BaseModel):
    """The person referred, as one referral's agency recorded them. Each field belongs to
    one information category (referrals.rules.case_data) and its source is the agency that owns
    the referral; another agency sees it only through a live grant.

    Each referral has its own Subject row: linking a new referral to an earlier person
    shares the earlier row's `person` id, never the earlier agency's details."""

    # The same person across referrals: a linked subject takes the earlier one's id here.
    person = models.UUIDField(default=uuid.uuid4, db_index=True, editable=False)
    given_names = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    # Other names and spellings: a misspelt name on a later referral must not hide an
    # earlier one.
    aliases = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=16, choices=Sex.choices, default=Sex.NOT_KNOWN)
    gender_identity = models.CharField(max_length=80, blank=True, default="")
    address = models.TextField(blank=True, default="")
    postcode = models.CharField(max_length=10, blank=True, default="")
    phone = models.CharField(max_length=40, blank=True, default="")
    email = models.EmailField(blank=True, default="")
    nationality = models.CharField(max_length=80, blank=True, default="")
    first_language = models.CharField(max_length=80, blank=True, default="")
    interpreter_needed = models.BooleanField(default=False)
    pnc_number = models.CharField(
        "Police National Computer number", max_length=20, blank=True, default=""
    )
    is_child = models.BooleanField(default=False)
    parent_guardian_name = models.CharField(max_length=200, blank=True, default="")
    parent_guardian_contact = models.CharField(max_length=200, blank=True, default="")
    school = models.CharField(max_length=200, blank=True, default="")
    # Lower-case, accent-free "given family aliases" for duplicate matching.
    match_key = models.CharField(max_length=600, blank=True, default="", db_index=True)

    class Meta:
        ordering = ["family_name", "given_names", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(estimated_age__isnull=True) | models.Q(estimated_age__lte=120),
                name="subject_estimated_age_plausible",
            ),
        ]

    def __str__(self) -> str:
        return f"Subject {self.id}"


class PublishedListVersion(BaseModel):
    """One version of a list the Home Office publishes and revises; the newest in force
    applies to new records, older ones stay for the records made under them."""

    name = models.CharField(max_length=80, unique=True)
    valid_from = models.DateField()

    class Meta:
        abstract = True
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name


class ConcernTypeVersion(PublishedListVersion):
    """One published list of types of concern (the Home Office has changed it often)."""


class ConcernType(BaseModel):
    version = models.ForeignKey(ConcernTypeVersion, on_delete=models.PROTECT, related_name="types")
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField(default=0)
    # Where an older category sits in the current list, for year-on-year tables.
    current_equivalent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="older_equivalents"
    )

    class Meta:
        ordering = ["version", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="concern_type_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class AgeBandVersion(PublishedListVersion):
    """One published set of age bands. Bands are derived from the date of birth and never
    stored instead of it."""


class AgeBand(BaseModel):
    version = models.ForeignKey(AgeBandVersion, on_delete=models.PROTECT, related_name="bands")
    label = models.CharField(max_length=40)
    min_age = models.PositiveSmallIntegerField()
    max_age = models.PositiveSmallIntegerField(null=True, blank=True)  # none: and over

    class Meta:
        ordering = ["version", "min_age"]

    def __str__(self) -> str:
        return self.label


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    SCREENING = "screening", "Screening"
    CLOSED = "closed", "Closed"
    PROGRESSED = "progressed", "Progressed to Channel"


# Referrals still to be screened: defined here, beside the index that serves them, and used
# by the workflow's rules (referrals.rules.workflow.OPEN_STATUSES).
OPEN_REFERRAL_STATUSES = (ReferralStatus.RECEIVED, ReferralStatus.SCREENING)


class Referral(BaseModel):
    """A referral about one person, owned by the agency that logged it."""

    reference = models.CharField(max_length=16, unique=True, default=new_reference, editable=False)
    owning_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="referrals")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="referrals")
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="referrals")
    status = models.CharField(
        max_length=16, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    received_on = models.DateField()
    # The last day of the screening service level, in working days from receipt.
    screening_due_on = models.DateField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_logged"
    )
    # The agency whose Channel panel is responsible for the case: set when the referral is
    # progressed (the area's panel agency) and changed only by a transfer; see
    # ReferralResponsibility for its history.
    responsible_agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_responsible_for",
    )
    # Waiting in the responsible panel's Channel inbox: progressed, with no case open before
    # any panel and none ever held by the responsible panel. Kept by the services that
    # progress, accept and transfer a referral, so the inbox reads only the waiting rows
    # (panels.selectors.cases.channel_inbox) instead of every progressed referral's cases.
    awaiting_panel = models.BooleanField(default=False, editable=False)
    # Who referred (concern narrative category).
    referrer_name = models.CharField(max_length=200, blank=True, default="")
    referrer_role = models.CharField(max_length=200, blank=True, default="")
    referrer_organisation = models.CharField(max_length=200, blank=True, default="")
    referrer_sector = models.CharField(max_length=20, choices=Sector.choices, default=Sector.OTHER)
    # The concern (concern narrative category).
    concern_summary = models.TextField()
    concern_type = models.ForeignKey(
        ConcernType, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    existing_involvement = models.TextField(blank=True, default="")
    person_aware = models.BooleanField(null=True, blank=True)
    # Wider safeguarding needs (health category).
    send_needs = models.BooleanField("Special educational needs and disabilities", default=False)
    mental_health = models.BooleanField(default=False)
    neurodiversity = models.BooleanField(default=False)
    # Screening, the police gateway assessment (screening category). Deconfliction is a
    # status only: no detail of any investigation is ever stored.
    deconfliction = models.CharField(
        max_length=16, choices=Deconfliction.choices, default=Deconfliction.NOT_CHECKED
    )
    screening_notes = models.TextField(blank=True, default="")
    outcome = models.CharField(
        max_length=24, choices=ScreeningOutcome.choices, blank=True, default=""
    )
    signposted_to = models.CharField(
        max_length=32, choices=SignpostService.choices, blank=True, default=""
    )
    outcome_rationale = models.TextField(blank=True, default="")
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals_screened",
    )
    screened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            (category_codename(category), f"See {label.lower()}")
            for category, label in Category.choices
        ]
        indexes = [
            models.Index(
                fields=["owning_agency", "-created_at", "-id"], name="referral_owner_recent"
            ),
            # The dashboard's pages, soonest screening due first: the open referrals (its
            # default view, a few among the thousands a force has closed), one status, all.
            models.Index(
                fields=["owning_agency", "screening_due_on", "id"],
                condition=models.Q(status__in=OPEN_REFERRAL_STATUSES),
                name="referral_owner_open_due",
            ),
            models.Index(
                fields=["owning_agency", "status", "screening_due_on", "id"],
                name="referral_owner_status_due",
            ),
            models.Index(
                fields=["owning_agency", "screening_due_on", "id"], name="referral_owner_due"
            ),
            # The Channel inbox's waiting list, the longest waiting first.
            models.Index(
                fields=["responsible_agency", "status_changed_at", "id"],
                condition=models.Q(awaiting_panel=True),
                name="referral_awaiting_panel",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferralTransition(models.Model):
    """One step of a referral's workflow, kept for its history page and business rules."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    to_status = models.CharField(max_length=16, choices=ReferralStatus.choices)
    event = models.CharField(max_length=32)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referral_transitions"
    )
    created_at = models.DateTimeField()
    reason = models.TextField(blank=True, default="")

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class ReferralResponsibility(models.Model):
    """One change of the agency responsible for a referral's Channel case."""

    class Reason(models.TextChoices):
        PROGRESSED = "progressed", "Progressed to Channel"
        TRANSFERRED = "transferred", "Transferred to another area's panel"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(
        Referral, on_delete=models.CASCADE, related_name="responsibility_changes"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    previous_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    note = models.TextField(blank=True, default="")
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=["progressed", "transferred"]),
                name="responsibility_reason_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} -> {self.agency_id}"


class ReferralSource(models.Model):
    """An agency whose own information the case holds besides the owning force's: the
    panel's local authority for its records, a partner for what it contributed. Only an
    agency with information on a case can share any of it."""

    id = models.BigAutoField(primary_key=True)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="sources")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["referral", "agency"], name="referral_source_once"),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id} <- {self.agency_id}"


class ReferralGrant(GroupObjectPermissionBase):
    """One category of one agency's information on one referral, granted to another
    agency's group by a live decision: keyed by (referral, group, category, source, scope).

    Recomputed from every live decision whenever a decision about this referral and agency
    is recorded, revoked or superseded; an onward grant (the responsible panel passing on
    what another agency gave it) is recomputed when the grant it rests on changes, and
    never outlasts it. Selectors ignore rows whose expiry has passed.
    """

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="grants")
    # Whose information this grant lets the group see.
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    # "" for the whole case, else the one part granted (e.g. "intervention:<uuid>").
    scope = models.CharField(max_length=80, blank=True, default="")
    decision = models.ForeignKey(
        "audit.SharingDecision", on_delete=models.PROTECT, related_name="referral_grants"
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # guardian's base keys a row by (group, permission, object); here a row is also
        # keyed by whose information it is and which part of the case.
        constraints = [
            models.UniqueConstraint(
                fields=["group", "permission", "content_object", "source_agency", "scope"],
                name="grant_unique_holding",
            ),
        ]
        indexes = [
            models.Index(fields=["group", "content_object", "expires_at"], name="grant_group_case"),
        ]


class Correction(models.Model):
    """One correction of one recorded field of a referral's record by its owning force:
    who made it, when, why, the value before and the value after. Rows are only ever added;
    the record shows the corrected value and every correction stays in its history.

    A correction is the owning force's information in the category of the field it
    corrects (referrals.rules.case_data), so it is shown only to those who may see that
    category."""

    class Record(models.TextChoices):
        SUBJECT = "subject", "The person"
        REFERRAL = "referral", "The referral"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="corrections")
    record = models.CharField(max_length=16, choices=Record.choices)
    field = models.CharField(max_length=64)
    # The category of the corrected field, as the registry placed it when corrected.
    category = models.CharField(max_length=32, choices=Category.choices)
    # Both values as the record showed them, so the history reads the same whatever
    # later changes: "" for a value not recorded.
    previous_value = models.TextField(blank=True, default="")
    new_value = models.TextField(blank=True, default="")
    reason = models.TextField()
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["referral", "created_at"], name="correction_referral")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(record__in=["subject", "referral"]),
                name="correction_record_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referral_id}: {self.record}.{self.field}"


class ImportJob(BaseModel):
    """A bulk import of referrals from a CSV file: checked whole first, then imported all or
    nothing, with its progress shown while it runs. Row errors name rows and fields only."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        CHECKING = "checking", "Checking rows"
        MATCHES = "matches", "Waiting for your choices"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        REJECTED = "rejected", "Rejected: nothing imported"

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="import_jobs")
    file_name = models.CharField(max_length=255)
    # The uploaded CSV text, kept only until the job ends.
    content = models.TextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    imported_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    # Rows that may be about people the agency already knows: {row: [[subject id, score]]},
    # ids and scores only. Shown again through the matching selector, which re-checks that
    # the agency still holds each subject's identity.
    matches = models.JSONField(default=dict, blank=True)
    # The officer's answer for each of those rows: {row: subject id or "new"}. None until
    # they have answered; the run that follows imports with these links.
    choices = models.JSONField(null=True, blank=True, default=None)
    # What the import created: [{"id": referral id, "reference": its reference}].
    created = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"Import {self.file_name} ({self.status})"
