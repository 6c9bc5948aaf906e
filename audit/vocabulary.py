"""The fixed vocabularies of a sharing decision: categories, legal bases, consent, actions.

Sources: shared/domain.md section 7 (the seed guide's four questions, HM Government's
information-sharing advice and the ICO Data Sharing Code).
"""

from django.db import models

from prevent_cases.roles import Role


class Category(models.TextChoices):
    """The categories of case information a decision names. Every screen and field belongs
    to exactly one."""

    IDENTITY = "identity", "Identity and contact"
    CONCERN = "concern", "Concern narrative"
    SCREENING = "screening", "Screening"
    ASSESSMENT = "assessment", "Vulnerability assessment"
    SUPPORT = "support", "Support plan and interventions"
    CRIMINAL_JUSTICE = "criminal_justice", "Criminal justice"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    FAMILY = "family", "Family"
    # What the panel itself records: its discussion, decisions and their reasons, minutes
    # and actions. Its source is the responsible panel's local authority.
    PANEL = "panel", "Panel decisions and minutes"


class LegalBasis(models.TextChoices):
    CONSENT = "consent", "Consent of the person (or parent or guardian)"
    CTSA_S38 = "ctsa_2015_s36_38", "Counter-Terrorism and Security Act 2015 ss.36-38"
    CDA_S115 = "cda_1998_s115", "Crime and Disorder Act 1998 s.115"
    CHILDREN_ACT = "children_act_2004_s10_s11", "Children Act 2004 s.10 and s.11"
    OMA_S14 = "oma_2007_s14", "Offender Management Act 2007 s.14"
    PUBLIC_TASK = "uk_gdpr_public_task", "UK GDPR Article 6(1)(e) public task"
    COMMON_LAW_POLICING = "common_law_policing", "Common law policing purpose"
    LGA_S111 = "lga_1972_s111", "Local Government Act 1972 s.111"
    OTHER = "other", "Other (stated)"


LEGAL_BASIS_HELP: dict[str, str] = {
    LegalBasis.CONSENT: "The person, or for a child a parent or guardian, has agreed to this "
    "sharing after being told who will see what and why.",
    LegalBasis.CTSA_S38: "Co-operation of panel partners with the Channel panel, within data "
    "protection law. Never intelligence-service material.",
    LegalBasis.CDA_S115: "A power, not a duty, to disclose to the police, local authorities, "
    "probation and health bodies to prevent crime and disorder.",
    LegalBasis.CHILDREN_ACT: "Co-operation and safeguarding duties for children.",
    LegalBasis.OMA_S14: "Exchange with probation for offender management purposes.",
    LegalBasis.PUBLIC_TASK: "A public task; for special category or criminal offence data, name "
    "the Data Protection Act 2018 Schedule 1 condition.",
    LegalBasis.COMMON_LAW_POLICING: "Protecting life and property, preserving order, preventing "
    "offences, bringing offenders to justice.",
    LegalBasis.LGA_S111: "Functions of a local authority.",
    LegalBasis.OTHER: "State the legal basis in full.",
}


class Schedule1Condition(models.TextChoices):
    """Data Protection Act 2018 Schedule 1 conditions for special category data."""

    NONE = "", "Not special category or criminal offence data"
    PREVENTING_UNLAWFUL_ACTS = "preventing_unlawful_acts", "Preventing or detecting unlawful acts"
    SAFEGUARDING_CHILDREN = (
        "safeguarding_children",
        "Safeguarding of children and of individuals at risk",
    )


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    NOT_SOUGHT = "not_sought", "Consent not sought"


class DecisionAction(models.TextChoices):
    """What a decision does: share, record a refusal to share, or end an earlier decision."""

    SHARE = "share", "Shared"
    WITHHOLD = "withhold", "Withheld"
    REVOKE = "revoke", "Revoked"


class ReviewFinding(models.TextChoices):
    SATISFACTORY = "satisfactory", "Satisfactory"
    CONCERN = "concern", "Concern raised"


def role_label(code: str) -> str:
    """A decider's role as words: the record keeps the role's code as it was then."""
    return dict(Role.choices).get(code, "Role not recorded")


def review_label(finding: str | None) -> str:
    """A decision's latest review finding as words, or that nobody has reviewed it."""
    return dict(ReviewFinding.choices).get(finding, "Not reviewed") if finding else "Not reviewed"
