"""The vocabulary of who does what: agency kinds and roles, as enums, and which go together."""

from django.db import models


class AgencyKind(models.TextChoices):
    POLICE = "police", "Police force"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    PROBATION = "probation", "Probation"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    CHILDRENS_SERVICES = "childrens_services", "Children's services"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HOUSING = "housing", "Housing"
    YOUTH_OFFENDING = "youth_offending", "Youth offending team"
    PRISON = "prison", "Prison"
    INTERVENTION_PROVIDER = "intervention_provider", "Intervention provider"
    OTHER = "other", "Other"


class Role(models.TextChoices):
    PREVENT_OFFICER = "prevent_officer", "Prevent officer"
    CHANNEL_COORDINATOR = "channel_coordinator", "Channel coordinator"
    PANEL_CHAIR = "panel_chair", "Panel chair"
    PANEL_MEMBER = "panel_member", "Panel member"
    PRACTITIONER = "practitioner", "Practitioner"
    AUDITOR = "auditor", "Auditor"
    ADMINISTRATOR = "administrator", "Administrator"


# Roles that handle case content. Only these ever join their agency's grant group;
# auditors see decisions and the chain, administrators manage users, neither sees cases.
CONTENT_ROLES = frozenset(
    {
        Role.PREVENT_OFFICER,
        Role.CHANNEL_COORDINATOR,
        Role.PANEL_CHAIR,
        Role.PANEL_MEMBER,
        Role.PRACTITIONER,
    }
)

# Roles tied to one kind of agency by law or practice (shared/domain.md section 2):
# Prevent officers are police, the panel is chaired by the local authority, and a
# Channel coordinator sits in the police or the local authority. Other roles may sit
# in any agency.
ROLE_AGENCY_KINDS: dict[str, frozenset[str]] = {
    Role.PREVENT_OFFICER: frozenset({AgencyKind.POLICE}),
    Role.PANEL_CHAIR: frozenset({AgencyKind.LOCAL_AUTHORITY}),
    Role.CHANNEL_COORDINATOR: frozenset({AgencyKind.POLICE, AgencyKind.LOCAL_AUTHORITY}),
}


def role_allowed_in_agency(*, role: str, agency_kind: str) -> bool:
    """Whether a user with this role may belong to an agency of this kind."""
    allowed = ROLE_AGENCY_KINDS.get(role)
    return allowed is None or agency_kind in allowed
