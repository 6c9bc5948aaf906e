"""People referred, their referrals, and the grants that let other agencies see them."""

import secrets

from django.conf import settings
from django.db import models
from guardian.models import GroupObjectPermissionBase

from audit.vocabulary import Category
from prevent_cases.models import Agency, Area, BaseModel

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_reference() -> str:
    """A server-generated reference that reveals nothing about volume or order."""
    body = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))
    return f"PR-{body[:4]}-{body[4:]}"


def category_codename(category: str) -> str:
    """The object-permission codename that grants one category of a referral."""
    return f"see_{category}"


class Subject(BaseModel):
    """The person referred. Every field here is in the identity and contact category."""

    given_names = models.CharField(max_length=150)
    family_name = models.CharField(max_length=150)
    date_of_birth = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["family_name", "given_names", "id"]

    def __str__(self) -> str:
        return f"Subject {self.id}"


class ReferralStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    SCREENING = "screening", "Screening"
    CLOSED = "closed", "Closed"
    PROGRESSED = "progressed", "Progressed to Channel"


class ReferralQuerySet(models.QuerySet):
    def owned_by(self, agency: Agency) -> "ReferralQuerySet":
        return self.filter(owning_agency=agency)


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
    concern_summary = models.TextField()  # concern narrative category
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_logged"
    )

    objects = ReferralQuerySet.as_manager()

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
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ReferralStatus.values), name="referral_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferralGrant(GroupObjectPermissionBase):
    """One category of one referral granted to one agency's group, by a live decision.

    Recomputed from every live decision whenever a decision about this referral and agency
    is recorded, revoked or superseded; selectors ignore rows whose expiry has passed.
    """

    content_object = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="grants")
    decision = models.ForeignKey(
        "audit.SharingDecision", on_delete=models.PROTECT, related_name="referral_grants"
    )
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False
        indexes = [
            models.Index(fields=["group", "content_object", "expires_at"], name="grant_group_case"),
        ]
