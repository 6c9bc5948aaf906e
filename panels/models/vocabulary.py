"""The fixed vocabularies of the panel: stages, outcomes, consent and meetings.

Sources: shared/domain.md sections 1, 5 and 6 (CTSA 2015 ss.36-37, the Channel Duty
Guidance). Lists the Home Office revises (the assessment framework) are data, not here.
"""

from django.db import models


class Stage(models.TextChoices):
    """Where a panel case stands. The moves between them are panels.rules.stages."""

    IDENTIFICATION = "identification", "Identification"
    ASSESSMENT = "assessment", "Needs assessment"
    SUPPORT_PLAN = "support_plan", "Support plan"
    REVIEW = "review", "Review"
    EXITED = "exited", "Exited"
    NOT_ADOPTED = "not_adopted", "Not adopted"


class NotAdoptedRoute(models.TextChoices):
    """Where a case the panel does not adopt goes (CTSA s.36(6))."""

    HEALTH = "health", "Referred to health services"
    SOCIAL_CARE = "social_care", "Referred to social care"
    POLICE = "police", "Returned to police for police-led management"


class ExitOutcome(models.TextChoices):
    NO_FURTHER_CONCERN = "no_further_concern", "No further terrorism-related concern"
    CONSENT_WITHDRAWN = "consent_withdrawn", "Consent refused or withdrawn: police manage the risk"
    TRANSFERRED = "transferred", "Transferred to another area"
    OTHER_SERVICES = "other_services", "Referred to other services"
    OTHER = "other", "Other"


class ConsentDecision(models.TextChoices):
    GIVEN = "given", "Consent given"
    REFUSED = "refused", "Consent refused"
    WITHDRAWN = "withdrawn", "Consent withdrawn"


class ConsentGiver(models.TextChoices):
    PERSON = "person", "The person"
    PARENT_GUARDIAN = "parent_guardian", "A parent or guardian"


class ConsentMethod(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    PHONE = "phone", "By phone"
    WRITING = "writing", "In writing"
    OTHER = "other", "Other"


class InterventionType(models.TextChoices):
    MENTORING_IDEOLOGICAL = (
        "ideological_mentoring",
        "Ideological or theological mentoring (approved intervention provider)",
    )
    MENTORING = "mentoring", "Mentoring and counselling"
    EDUCATION = "education", "Education, training and careers"
    EMPLOYMENT = "employment", "Employment"
    CIVIC = "civic", "Civic engagement"
    FAMILY = "family", "Family and support-network work"
    HEALTH = "health", "Health and mental health"
    DRUGS_ALCOHOL = "drugs_alcohol", "Drugs and alcohol"
    LIFE_SKILLS = "life_skills", "Anger management and life skills"
    HOUSING = "housing", "Housing"
    DIVERSIONARY = "diversionary", "Diversionary activity"
    OTHER = "other", "Other"


class InterventionStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    COMPLETED = "completed", "Completed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AgendaReason(models.TextChoices):
    NEW = "new", "New case"
    REVIEW = "review", "Due for review"
    POST_EXIT = "post_exit", "Due for post-exit review"
    REASSESSMENT = "reassessment", "Due for re-assessment after consent was refused"


class DecisionMethod(models.TextChoices):
    """How the panel decided (CTSA s.37): unanimously, else by majority, else the chair."""

    UNANIMOUS = "unanimous", "Unanimous"
    MAJORITY = "majority", "By majority"
    CASTING = "casting", "The chair's casting decision"


class Attendance(models.TextChoices):
    PRESENT = "present", "Present"
    APOLOGIES = "apologies", "Apologies"


class RequestStatus(models.TextChoices):
    OPEN = "open", "Awaiting an answer"
    SHARED = "shared", "Answered: information shared"
    WITHHELD = "withheld", "Answered: information withheld"


class PostExitOutcome(models.TextChoices):
    NO_FURTHER_CONCERN = "no_further_concern", "No further concern"
    REOPENED = "reopened", "Concern: case reopened"


class ContactType(models.TextChoices):
    """How a session or contact with the person took place."""

    MEETING = "meeting", "Face-to-face meeting"
    CALL = "call", "Phone or video call"
    HOME_VISIT = "home_visit", "Home visit"
    ONLINE = "online", "Online (messages or e-learning)"
    OTHER = "other", "Other"


class GoalRating(models.TextChoices):
    """Progress against one goal of an intervention, as the practitioner judges it."""

    NOT_STARTED = "not_started", "Not started"
    SOME = "some", "Some progress"
    GOOD = "good", "Good progress"
    ACHIEVED = "achieved", "Achieved"


class DeliveryEvent(models.TextChoices):
    """What the delivering agency does to its intervention: the events of the status
    table (panels.rules.delivery)."""

    ACCEPT = "accept", "Accept the assignment"
    DECLINE = "decline", "Decline the assignment"
    PAUSE = "pause", "Pause"
    RESUME = "resume", "Resume"
    COMPLETE = "complete", "Complete"
    WITHDRAW = "withdraw", "Withdraw"
