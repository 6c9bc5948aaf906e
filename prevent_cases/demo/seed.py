"""Seeding the synthetic demo through the real services. Safe to run again: it only adds
what is missing."""

from django.db import transaction
from django.utils.text import slugify
from faker import Faker

from panels.services.cases import panel_set_up
from prevent_cases.demo.accounts import (
    DEMO_ACCOUNTS,
    DEMO_AREAS,
    DEMO_PASSWORD,
    demo_agency_name,
    demo_username,
)
from prevent_cases.models import Agency, Area, User
from prevent_cases.roles import AgencyKind
from prevent_cases.services import (
    agency_create,
    area_create,
    area_panel_agency_set,
    user_create_with_membership,
)

SEED = 2026


def _contact_set(agency: Agency, area_code: str) -> None:
    """A team mailbox and phone line for each demo agency, so partners given information
    see whom to ask (phone numbers from Ofcom's range for drama, never in use)."""
    if agency.contact_email:
        return
    number = Agency.objects.filter(contact_phone__startswith="01632 96").count()
    Agency.objects.filter(pk=agency.pk).update(
        contact_email=f"{slugify(agency.name)}@{area_code}.example.org",
        contact_phone=f"01632 96{number:04d}",
    )


@transaction.atomic
def seed_people() -> dict[str, int]:
    """Create the demo areas, agencies and users that do not exist yet; return what was added."""
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    added = {"areas": 0, "agencies": 0, "users": 0}
    for demo_area in DEMO_AREAS:
        area = Area.objects.filter(code=demo_area.code).first()
        if area is None:
            area = area_create(name=demo_area.name, code=demo_area.code)
            added["areas"] += 1
        for account in DEMO_ACCOUNTS:
            # Names are drawn even for existing users so later names stay the same.
            first_name, last_name = fake.first_name(), fake.last_name()
            agency_name = demo_agency_name(demo_area, account)
            agency = Agency.objects.filter(name=agency_name).first()
            if agency is None:
                agency = agency_create(name=agency_name, kind=account.agency_kind, area=area)
                added["agencies"] += 1
            _contact_set(agency, demo_area.code)
            username = demo_username(demo_area, account)
            if User.objects.filter(username=username).exists():
                continue
            user_create_with_membership(
                username=username,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                email=f"{username}@example.org",
                agency=agency,
                role=account.role,
            )
            added["users"] += 1
        if area.panel_agency_id is None:
            panel = Agency.objects.get(name=f"{demo_area.name} Council Channel Team")
            area_panel_agency_set(area=area, agency=panel)
        # The area's partners sit on its panel as standing members; an intervention
        # provider is not a member but delivers what the panel assigns it, and the
        # information governance team (auditors, administrators) sees no cases.
        panel_set_up(
            agency=area.panel_agency,
            members=list(
                Agency.objects.filter(area=area)
                .exclude(name__endswith="Information Governance")
                .exclude(kind=AgencyKind.INTERVENTION_PROVIDER)
            ),
        )
    return added
