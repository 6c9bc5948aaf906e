"""Who uses the system: users, the partner agencies they belong to, and the areas served."""

import uuid

from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models

from prevent_cases.roles import AgencyKind, Role, role_allowed_in_agency


class BaseModel(models.Model):
    """UUID primary key and timestamps, shared by every model that holds case data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class User(AbstractUser):
    """A person who signs in. Their agency and role come from their Membership."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Area(BaseModel):
    """A local-authority area: the unit a Channel panel is responsible for."""

    name = models.CharField(max_length=120, unique=True)
    code = models.SlugField(max_length=40, unique=True)
    # The local-authority team whose Channel panel takes referrals progressed in this area.
    panel_agency = models.ForeignKey(
        "Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="panel_for"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Agency(BaseModel):
    """A partner agency: a police force, local authority, probation service, school..."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=32, choices=AgencyKind.choices)
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="agencies")
    is_active = models.BooleanField(default=True)
    # How a partner that was given information reaches the agency that gave it: a team's
    # shared mailbox and phone line, never a person's own.
    contact_email = models.EmailField(blank=True, default="")
    contact_phone = models.CharField(max_length=40, blank=True, default="")
    # The group whose object permissions are this agency's grants on cases. Only members
    # with a content role join it.
    group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="agency",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=AgencyKind.values), name="agency_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(BaseModel):
    """A user's place in one partner agency, with one role."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["agency__name", "role"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}, {self.agency}"

    def clean(self) -> None:
        if self.agency_id and not role_allowed_in_agency(
            role=self.role, agency_kind=self.agency.kind
        ):
            raise ValidationError(
                {
                    "role": f"A {self.get_role_display().lower()} cannot belong to "
                    f"a {self.agency.get_kind_display().lower()}."
                }
            )
