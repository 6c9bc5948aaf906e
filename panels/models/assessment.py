"""The vulnerability assessment: a versioned framework held as data (dimensions, factors,
rating scale), and assessments of a case against it, one entry per factor and agency.

A new assessment never overwrites the last: each is its own row, and the page compares it
with the one before, factor by factor.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from panels.models.cases import PanelCase
from prevent_cases.models import Agency, BaseModel
from referrals.models import Referral


class AssessmentFramework(BaseModel):
    """One published version of the framework (the 2012 Vulnerability Assessment Framework
    is seeded; an administrator loads another with `load_assessment_framework`)."""

    name = models.CharField(max_length=120, unique=True)
    valid_from = models.DateField()
    # The rating scale, in order: [{"code": "present", "label": "Present"}, ...].
    ratings = models.JSONField()

    class Meta:
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return self.name

    def rating_codes(self) -> list[str]:
        return [rating["code"] for rating in self.ratings]

    def rating_label(self, code: str) -> str:
        return next((rating["label"] for rating in self.ratings if rating["code"] == code), code)


class AssessmentDimension(models.Model):
    id = models.BigAutoField(primary_key=True)
    framework = models.ForeignKey(
        AssessmentFramework, on_delete=models.CASCADE, related_name="dimensions"
    )
    code = models.SlugField(max_length=60)
    label = models.CharField(max_length=120)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="dimension_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class AssessmentFactor(models.Model):
    id = models.BigAutoField(primary_key=True)
    dimension = models.ForeignKey(
        AssessmentDimension, on_delete=models.CASCADE, related_name="factors"
    )
    code = models.SlugField(max_length=80)
    label = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["dimension__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["dimension", "code"], name="factor_unique_code"),
        ]

    def __str__(self) -> str:
        return self.label


class Assessment(BaseModel):
    """One assessment of a case: entries from each contributing agency, and the summary
    and ratings the panel agreed (the panel's own entries)."""

    panel_case = models.ForeignKey(PanelCase, on_delete=models.CASCADE, related_name="assessments")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    framework = models.ForeignKey(AssessmentFramework, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    previous = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="next"
    )
    summary = models.TextField(blank=True, default="")
    management_plan = models.TextField(blank=True, default="")
    agreed_at = models.DateTimeField(null=True, blank=True)
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["panel_case", "number"]
        constraints = [
            models.UniqueConstraint(fields=["referral", "number"], name="assessment_number_once"),
            # One assessment in progress at a time per case.
            models.UniqueConstraint(
                fields=["panel_case"],
                condition=Q(agreed_at__isnull=True),
                name="assessment_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment {self.number} {self.pk}"


class AssessmentEntry(BaseModel):
    """One agency's rating and evidence for one factor: that agency's information."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="entries")
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="+")
    source_agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    factor = models.ForeignKey(AssessmentFactor, on_delete=models.PROTECT, related_name="+")
    rating = models.CharField(max_length=40)
    evidence = models.TextField(blank=True, default="")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["factor__dimension__position", "factor__position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "factor", "source_agency"], name="entry_once_per_agency"
            ),
        ]

    def __str__(self) -> str:
        return f"Entry {self.pk}"
