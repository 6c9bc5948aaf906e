"""Fixed vocabularies of a referral. Lists the Home Office revises over the years (types of
concern, age bands) are versioned data in models.py instead."""

from django.db import models


class Sector(models.TextChoices):
    """Who made the referral (the national statistics' sectors, with common additions)."""

    EDUCATION = "education", "Education"
    HEALTH = "health", "Health"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    POLICE = "police", "Police"
    PRISON_PROBATION = "prison_probation", "Prison or probation"
    COMMUNITY = "community", "Community"
    FAMILY_FRIEND = "family_friend", "Family or friend"
    PUBLIC = "public", "Member of the public"
    OTHER = "other", "Other"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Deconfliction(models.TextChoices):
    """Whether the person is part of a live counter-terrorism investigation. Only this
    status is ever recorded, never any detail of an investigation."""

    NOT_CHECKED = "not_checked", "Not yet checked"
    PENDING = "pending", "Check pending"
    NO = "no", "Not part of a live investigation"
    YES = "yes", "Part of a live investigation"


class SignpostService(models.TextChoices):
    EARLY_HELP = "early_help", "Early help"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    ADULT_SOCIAL_CARE = "adult_social_care", "Adult social care"
    HEALTH = "health", "Health"
    MENTAL_HEALTH = "mental_health", "Mental health services"
    HOUSING = "housing", "Housing"
    EDUCATION = "education", "Education"
    OTHER = "other", "Other service"


class ScreeningOutcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    SIGNPOSTED = "signposted", "Signposted to other services"
    POLICE_LED = "police_led", "Managed by police (police-led partnership)"
    CHANNEL = "channel", "Progressed to the local authority for a Channel panel"
