"""The synthetic demo areas, agencies and sign-ins. No real person or organisation."""

from dataclasses import dataclass

from prevent_cases.roles import AgencyKind, Role

# Every demo account shares one password, printed by `make run` and on the sign-in page.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105  (synthetic demo accounts only)


@dataclass(frozen=True)
class DemoArea:
    name: str
    code: str


@dataclass(frozen=True)
class DemoAccount:
    handle: str  # the part of the username after the area code
    agency_suffix: str
    agency_kind: str
    role: str


DEMO_AREAS = (
    DemoArea(name="Northby", code="northby"),
    DemoArea(name="Southmere", code="southmere"),
)

# One account per role and agency in each area; the agency name is "<area> <suffix>".
DEMO_ACCOUNTS = (
    DemoAccount("officer", "Police Prevent Team", AgencyKind.POLICE, Role.PREVENT_OFFICER),
    DemoAccount(
        "coordinator", "Council Channel Team", AgencyKind.LOCAL_AUTHORITY, Role.CHANNEL_COORDINATOR
    ),
    DemoAccount("chair", "Council Channel Team", AgencyKind.LOCAL_AUTHORITY, Role.PANEL_CHAIR),
    DemoAccount("probation", "Probation Service", AgencyKind.PROBATION, Role.PRACTITIONER),
    DemoAccount("health", "NHS Trust", AgencyKind.HEALTH, Role.PANEL_MEMBER),
    DemoAccount("education", "College", AgencyKind.EDUCATION, Role.PANEL_MEMBER),
    DemoAccount(
        "childrens", "Children's Services", AgencyKind.CHILDRENS_SERVICES, Role.PANEL_MEMBER
    ),
    DemoAccount(
        "provider", "Mentoring Partnership", AgencyKind.INTERVENTION_PROVIDER, Role.PRACTITIONER
    ),
    DemoAccount(
        "auditor", "Council Information Governance", AgencyKind.LOCAL_AUTHORITY, Role.AUDITOR
    ),
    DemoAccount(
        "admin", "Council Information Governance", AgencyKind.LOCAL_AUTHORITY, Role.ADMINISTRATOR
    ),
)


def demo_username(area: DemoArea, account: DemoAccount) -> str:
    return f"{area.code}.{account.handle}"


def demo_agency_name(area: DemoArea, account: DemoAccount) -> str:
    return f"{area.name} {account.agency_suffix}"


def demo_sign_ins() -> list[dict[str, str]]:
    """Every demo sign-in, in the shape `seed_demo --list-json` prints."""
    return [
        {
            "username": demo_username(area, account),
            "password": DEMO_PASSWORD,
            "role": account.role,
            "agency": demo_agency_name(area, account),
            "agency_kind": account.agency_kind,
            "area": area.name,
        }
        for area in DEMO_AREAS
        for account in DEMO_ACCOUNTS
    ]
