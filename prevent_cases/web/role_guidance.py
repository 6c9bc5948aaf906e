"""What each role does in the service, shown on the home page as the user's next steps."""

from dataclasses import dataclass

from prevent_cases.roles import Role


@dataclass(frozen=True)
class NextStep:
    title: str
    description: str


ROLE_GUIDANCE: dict[str, tuple[NextStep, ...]] = {
    Role.PREVENT_OFFICER: (
        NextStep(
            "Log a referral",
            "Record a concern received from a school, health service, council, family "
            "member or the public. Your force owns every referral it logs.",
        ),
        NextStep(
            "Screen referrals",
            "Check deconfliction, gather information and decide each referral's outcome "
            "within the service level of 5 working days.",
        ),
        NextStep(
            "Progress a referral to Channel",
            "Send a referral to the local authority's panel, recording what is shared "
            "with it and on what legal basis.",
        ),
    ),
    Role.CHANNEL_COORDINATOR: (
        NextStep(
            "Gather information",
            "Ask partner agencies for what they hold. Each answer is a recorded sharing decision.",
        ),
        NextStep(
            "Prepare cases for the panel",
            "Keep the agenda moving: identification, needs assessment, support plan and reviews.",
        ),
    ),
    Role.PANEL_CHAIR: (
        NextStep(
            "Run panel meetings",
            "Decide whether to adopt each case, agree assessments and support plans, and "
            "record the panel's decisions.",
        ),
        NextStep(
            "Share information with panel members",
            "Record what each member agency may see, why, and on what legal basis.",
        ),
    ),
    Role.PANEL_MEMBER: (
        NextStep(
            "Contribute to assessments",
            "Add what your agency holds to the vulnerability assessment of cases shared with you.",
        ),
        NextStep(
            "Take panel actions",
            "Complete the actions the panel has assigned to your agency.",
        ),
    ),
    Role.PRACTITIONER: (
        NextStep(
            "Deliver interventions",
            "See the interventions assigned to you and record sessions and progress against goals.",
        ),
        NextStep(
            "Raise concerns",
            "Tell the panel promptly when something in a session gives cause for concern.",
        ),
    ),
    Role.AUDITOR: (
        NextStep(
            "Review sharing decisions",
            "Check each decision's purpose, legal basis, consent and justification. You "
            "see decisions and the audit trail, never case narrative.",
        ),
        NextStep(
            "Verify the audit chain",
            "Confirm that no record of a decision or event has been altered or removed.",
        ),
    ),
    Role.ADMINISTRATOR: (
        NextStep(
            "Manage agencies and users",
            "Add partner agencies, create user accounts and set each user's agency and "
            "role. You see no case data.",
        ),
    ),
}


def next_steps_for_role(role: str) -> tuple[NextStep, ...]:
    """The next steps shown to a user with this role."""
    return ROLE_GUIDANCE[role]


# The service navigation per role, as (URL name, link text). Auditors and administrators
# get no case pages: there is nothing there for them to see. A force's officers work from
# the referrals it owns; every other agency from the cases shared with it.
_CASE_WORK = (("referrals:shared", "Shared with your agency"),)
# Those who run a panel work from its dashboard, the Channel inbox and its meetings (a
# coordinator in a police force is told there that the pages are for the panel's local
# authority); the roles that speak for a partner agency answer the panels' requests for
# information and see the actions the panel gave their agency.
_PANEL_WORK = (
    *_CASE_WORK,
    ("panels:dashboard", "Panel dashboard"),
    ("panels:inbox", "Channel inbox"),
    ("panels:meetings", "Meetings"),
)
_PARTNER_REQUESTS = (
    ("panels:my-requests", "Information requests"),
    ("panels:my-actions", "Panel actions"),
)
_PARTNER_WORK = (*_CASE_WORK, *_PARTNER_REQUESTS)
NAVIGATION: dict[str, tuple[tuple[str, str], ...]] = {
    Role.PREVENT_OFFICER: (("referrals:list", "Referrals"), *_PARTNER_REQUESTS),
    Role.CHANNEL_COORDINATOR: _PANEL_WORK,
    Role.PANEL_CHAIR: _PANEL_WORK,
    Role.PANEL_MEMBER: _PARTNER_WORK,
    Role.PRACTITIONER: (
        ("panels:my-interventions", "My interventions"),
        *_CASE_WORK,
        ("panels:my-actions", "Panel actions"),
    ),
    Role.AUDITOR: (
        ("audit:home", "Audit overview"),
        ("audit:decisions", "Sharing decisions"),
        ("audit:case-views", "Case views"),
        ("audit:chain", "Audit chain"),
    ),
    Role.ADMINISTRATOR: (("admin:index", "Administration"),),
}


# Where those who run a Channel panel start after signing in: their work queue.
PANEL_LANDING = {
    Role.CHANNEL_COORDINATOR: "panels:inbox",
    Role.PANEL_CHAIR: "panels:dashboard",
}
# Practitioners start from the interventions they deliver, wherever their agency is;
# auditors from what waits for their review.
ROLE_LANDING = {
    # A force's officers start from its referrals: counts, "Log a referral", the overdue.
    Role.PREVENT_OFFICER: "referrals:list",
    Role.PRACTITIONER: "panels:my-interventions",
    Role.AUDITOR: "audit:home",
    # A partner agency's member starts from what other agencies shared with it.
    Role.PANEL_MEMBER: "referrals:shared",
}


def landing_page(membership) -> str:
    """The URL name of the page a member starts from after signing in: an officer's
    referrals, the panel's work queue for its chair and coordinators (in the agency that
    runs an area's panel), a practitioner's interventions, a panel member's shared cases,
    an auditor's overview, the home page for everyone else."""
    if membership is None or not membership.is_active:
        return "home"
    if membership.role in ROLE_LANDING:
        return ROLE_LANDING[membership.role]
    if membership.role in PANEL_LANDING and membership.agency.panel_for.exists():
        return PANEL_LANDING[membership.role]
    return "home"
