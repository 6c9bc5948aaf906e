"""The region's areas, partner agencies, panels and users.

Forty agencies in eight areas policed by two forces: each area's council Channel team (which
runs its panel), the forces, children's and adult services, health, education, probation,
youth offending, housing, a prison, intervention providers and community safety
partnerships, and one information governance team for the auditors and administrators.
Each agency serves some of the areas; a case's partners are those that serve its area.

Usernames are `<agency-slug>.<role>.<n>` (n from 1), e.g. `north-vale-police.prevent_officer.1`;
every user shares one password, hashed once.
"""

import random
import uuid
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from panels.services.cases import panel_set_up
from prevent_cases.demo.region.names import AREAS, FAMILY, FORCES, GIVEN_FEMALE, GIVEN_MALE
from prevent_cases.models import Agency, Membership, User
from prevent_cases.roles import CONTENT_ROLES, AgencyKind, Role
from prevent_cases.services import agency_create, area_create, area_panel_agency_set

NORTH = frozenset(range(0, 4))
SOUTH = frozenset(range(4, 8))
EVERY_AREA = NORTH | SOUTH

# Who works in each kind of agency, with how many of each role relative to the others.
SEATS: dict[str, tuple[tuple[str, int], ...]] = {
    "police": (
        (Role.PREVENT_OFFICER, 30),
        (Role.CHANNEL_COORDINATOR, 4),
        (Role.PANEL_MEMBER, 3),
    ),
    "channel_team": (
        (Role.CHANNEL_COORDINATOR, 3),
        (Role.PANEL_CHAIR, 1),
        (Role.PANEL_MEMBER, 1),
    ),
    "governance": ((Role.AUDITOR, 6), (Role.ADMINISTRATOR, 4)),
    "partner": ((Role.PANEL_MEMBER, 3), (Role.PRACTITIONER, 3)),
    "probation": ((Role.PRACTITIONER, 8), (Role.PANEL_MEMBER, 2)),
    "provider": ((Role.PRACTITIONER, 10),),
}


@dataclass(frozen=True)
class AgencyPlan:
    name: str
    kind: str
    seats: str  # a key of SEATS
    home: int  # the area it is registered in
    serves: frozenset[int]


def _plans() -> list[AgencyPlan]:
    area = [name for name, _ in AREAS]
    plans = [
        AgencyPlan(f"{name} Council Channel Team", AgencyKind.LOCAL_AUTHORITY, "channel_team", n,
                   frozenset({n}))
        for n, name in enumerate(area)
    ]  # fmt: skip
    plans += [
        AgencyPlan(FORCES[0], AgencyKind.POLICE, "police", 0, NORTH),
        AgencyPlan(FORCES[1], AgencyKind.POLICE, "police", 4, SOUTH),
        AgencyPlan("Vale Region Information Governance", AgencyKind.LOCAL_AUTHORITY,
                   "governance", 0, EVERY_AREA),
    ]  # fmt: skip
    partners = (
        (AgencyKind.CHILDRENS_SERVICES, "Children's Services", (0, 2, 4, 6)),
        (AgencyKind.HEALTH, "NHS Foundation Trust", (0, 3, 5)),
        (AgencyKind.EDUCATION, "College", (1, 3, 6)),
        (AgencyKind.YOUTH_OFFENDING, "Youth Justice Service", (0, 3, 6)),
    )
    for kind, suffix, homes in partners:
        for number, home in enumerate(homes):
            # Each serves the areas from its home up to the next one's (the first also
            # those before it).
            end = homes[number + 1] if number + 1 < len(homes) else len(area)
            serves = frozenset(range(0 if number == 0 else home, end))
            seats = "partner"
            plans.append(AgencyPlan(f"{area[home]} {suffix}", kind, seats, home, serves))
    regional = (
        ("North Vale Adult Social Care", AgencyKind.ADULT_SOCIAL_CARE, "partner", 1, NORTH),
        ("South Vale Adult Social Care", AgencyKind.ADULT_SOCIAL_CARE, "partner", 5, SOUTH),
        ("Vale Integrated Care Board", AgencyKind.HEALTH, "partner", 2, EVERY_AREA),
        ("University of Ashbourne", AgencyKind.EDUCATION, "partner", 0, NORTH),
        ("Eastholm University", AgencyKind.EDUCATION, "partner", 4, SOUTH),
        ("Vale Schools Trust", AgencyKind.EDUCATION, "partner", 2, EVERY_AREA),
        ("North Vale Probation Delivery Unit", AgencyKind.PROBATION, "probation", 0, NORTH),
        ("South Vale Probation Delivery Unit", AgencyKind.PROBATION, "probation", 4, SOUTH),
        ("North Vale Housing Partnership", AgencyKind.HOUSING, "partner", 1, NORTH),
        ("South Vale Housing Partnership", AgencyKind.HOUSING, "partner", 6, SOUTH),
        ("HMP Greystoke", AgencyKind.PRISON, "partner", 6, EVERY_AREA),
        ("Pathways Mentoring", AgencyKind.INTERVENTION_PROVIDER, "provider", 0, EVERY_AREA),
        ("Bridgeway Support", AgencyKind.INTERVENTION_PROVIDER, "provider", 3, EVERY_AREA),
        ("Common Ground Mentors", AgencyKind.INTERVENTION_PROVIDER, "provider", 5, EVERY_AREA),
        ("North Vale Community Safety Partnership", AgencyKind.OTHER, "partner", 0, NORTH),
        ("South Vale Community Safety Partnership", AgencyKind.OTHER, "partner", 4, SOUTH),
    )
    plans += [AgencyPlan(*row) for row in regional]
    return plans


@dataclass
class RegionAgency:
    id: uuid.UUID
    name: str
    kind: str
    seats: str
    serves: frozenset[int]
    group_id: int
    users: dict[str, list[uuid.UUID]] = field(default_factory=dict)


@dataclass
class RegionArea:
    index: int
    id: uuid.UUID
    name: str
    weight: int
    force: RegionAgency
    panel_agency: RegionAgency
    panel_id: uuid.UUID | None = None
    partners: list[RegionAgency] = field(default_factory=list)

    def partner(self, kind: str, rng: random.Random) -> RegionAgency | None:
        of_kind = [agency for agency in self.partners if agency.kind == kind]
        return rng.choice(of_kind) if of_kind else None


@dataclass
class Region:
    areas: list[RegionArea]
    agencies: list[RegionAgency]
    usernames: dict[uuid.UUID, str]

    def user(self, agency: RegionAgency, role: str, rng: random.Random) -> uuid.UUID:
        return rng.choice(agency.users[role])


def _seat_counts(plans: list[AgencyPlan], users: int) -> list[tuple[AgencyPlan, str, int]]:
    """Users per (agency, role): one per seat at least, the rest shared out by weight."""
    seats = [(plan, role, weight) for plan in plans for role, weight in SEATS[plan.seats]]
    extra = max(0, users - len(seats))
    total = sum(weight for _, _, weight in seats)
    shares = [extra * weight / total for _, _, weight in seats]
    counts = [1 + int(share) for share in shares]
    # Largest remainders take what rounding down left over.
    left = extra - sum(int(share) for share in shares)
    by_remainder = sorted(range(len(seats)), key=lambda n: int(shares[n]) - shares[n])
    for n in by_remainder[:left]:
        counts[n] += 1
    return [(plan, role, count) for (plan, role, _), count in zip(seats, counts, strict=True)]


def build_people(*, users: int, password: str, rng: random.Random) -> Region:
    """Create the areas, agencies, panels and users through the services where they are
    cheap, and the users in bulk with one password hash between them."""
    plans = _plans()
    areas = [area_create(name=name, code=slugify(name)) for name, _ in AREAS]
    made: dict[str, RegionAgency] = {}
    for plan in plans:
        agency = agency_create(name=plan.name, kind=plan.kind, area=areas[plan.home])
        made[plan.name] = RegionAgency(
            agency.pk, plan.name, plan.kind, plan.seats, plan.serves, agency.group_id
        )
    hashed = make_password(password)
    user_rows, memberships, group_links = [], [], []
    usernames: dict[uuid.UUID, str] = {}
    for plan, role, count in _seat_counts(plans, users):
        agency = made[plan.name]
        agency.users[role] = []
        for number in range(1, count + 1):
            male = rng.random() < 0.5
            username = f"{slugify(plan.name)}.{role}.{number}"
            user = User(
                id=uuid.UUID(int=rng.getrandbits(128), version=4),
                username=username,
                password=hashed,
                first_name=rng.choice(GIVEN_MALE if male else GIVEN_FEMALE),
                last_name=rng.choice(FAMILY),
                email=f"{username}@example.org",
            )
            user_rows.append(user)
            usernames[user.pk] = username
            agency.users[role].append(user.pk)
            memberships.append(Membership(user_id=user.pk, agency_id=agency.id, role=role))
            if role in CONTENT_ROLES:
                group_links.append(User.groups.through(user_id=user.pk, group_id=agency.group_id))
    User.objects.bulk_create(user_rows, batch_size=1_000)
    Membership.objects.bulk_create(memberships, batch_size=1_000)
    User.groups.through.objects.bulk_create(group_links, batch_size=1_000)
    region_areas = []
    for index, ((name, weight), area) in enumerate(zip(AREAS, areas, strict=True)):
        channel_team = made[f"{name} Council Channel Team"]
        force = made[FORCES[0] if index in NORTH else FORCES[1]]
        region_area = RegionArea(index, area.pk, name, weight, force, channel_team)
        region_area.partners = [
            agency
            for agency in made.values()
            if index in agency.serves and agency.seats in ("partner", "probation", "provider")
        ]
        panel_agency = Agency.objects.get(pk=channel_team.id)
        area_panel_agency_set(area=area, agency=panel_agency)
        # The area's force and partners sit on its panel; providers deliver what it assigns
        # but are not members, and the governance team sees no cases.
        members = Agency.objects.filter(
            pk__in=[force.id]
            + [agency.id for agency in region_area.partners if agency.seats != "provider"]
        )
        region_area.panel_id = panel_set_up(agency=panel_agency, members=list(members)).pk
        region_areas.append(region_area)
    return Region(region_areas, list(made.values()), usernames)
