"""Synthetic referrals and sharing decisions for the demo, made through the real services.

Every name, date and narrative is invented (Faker en_GB with a fixed seed). The later
referrals issue replaces this small set with a spread that follows the national figures.
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from audit.decision_rules import DecisionInput
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.demo.accounts import DEMO_AREAS
from prevent_cases.models import Agency, User
from referrals.intake import ReferralIntake
from referrals.models import Referral
from referrals.services import referral_create, referral_decision_revoke, referral_share

REFERRALS_PER_AREA = 12
SEED = 2026

CONCERNS = (
    "A teacher reports that the pupil has been sharing extreme right-wing memes in a class "
    "group chat and talking about a 'race war'.",
    "A youth worker is worried about a fascination with school shootings and mass-casualty "
    "attacks, with no clear ideology.",
    "A family member reports a sudden change in behaviour and time spent on forums that "
    "glorify violence against women.",
    "College staff report the student handing out leaflets from a proscribed group.",
    "A GP reports that the patient talked about wanting to hurt people he sees as enemies "
    "of his faith.",
)

JUSTIFICATION = (
    "The panel needs identity and the concern to decide whether Channel is the right route; "
    "nothing less would let it assess vulnerability, and no wider information is shared."
)


def _share_input(categories, **overrides) -> DecisionInput:
    values = {
        "action": DecisionAction.SHARE,
        "categories": tuple(categories),
        "purpose": "Assess the person's support needs at the Channel panel",
        "legal_basis": LegalBasis.CTSA_S38,
        "legal_basis_other": "",
        "schedule1_condition": "",
        "consent_status": ConsentStatus.NOT_SOUGHT,
        "consent_reason": "Seeking consent before the panel meets would prejudice the "
        "assessment of risk.",
        "justification": JUSTIFICATION,
        "expires_at": None,
    }
    values.update(overrides)
    return DecisionInput(**values)


def _seed_area(area_name: str, fake: Faker, rng: random.Random) -> int:
    officer = User.objects.select_related("membership__agency__area").get(
        username=f"{area_name.lower()}.officer"
    )
    membership = officer.membership
    if Referral.objects.filter(owning_agency=membership.agency).exists():
        return 0
    council = Agency.objects.get(name=f"{area_name} Council Channel Team")
    health = Agency.objects.get(name=f"{area_name} NHS Trust")
    college = Agency.objects.get(name=f"{area_name} College")
    today = timezone.localdate()
    for number in range(REFERRALS_PER_AREA):
        is_child = rng.random() < 0.54  # national figure: 54% of referrals are under 18
        age = rng.randint(11, 17) if is_child else rng.randint(18, 55)
        intake = ReferralIntake(
            area_id=membership.agency.area_id,
            given_names=fake.first_name_male() if rng.random() < 0.89 else fake.first_name(),
            family_name=fake.last_name(),
            date_of_birth=today - datetime.timedelta(days=age * 365 + rng.randint(0, 364)),
            received_on=today - datetime.timedelta(days=rng.randint(0, 60)),
            concern_summary=rng.choice(CONCERNS),
        )
        referral = referral_create(actor=officer, membership=membership, intake=intake)
        if number % 3 == 0:
            referral_share(
                actor=officer,
                membership=membership,
                referral=referral,
                receiving_agency=council,
                data=_share_input((Category.IDENTITY, Category.CONCERN)),
            )
        if number % 4 == 0:
            referral_share(
                actor=officer,
                membership=membership,
                referral=referral,
                receiving_agency=health,
                data=_share_input((Category.IDENTITY,)),
            )
        if number % 6 == 0:
            decision = referral_share(
                actor=officer,
                membership=membership,
                referral=referral,
                receiving_agency=college,
                data=_share_input(
                    (Category.IDENTITY,),
                    expires_at=timezone.now() + datetime.timedelta(days=90),
                ),
            )
            if number % 12 == 0:
                referral_decision_revoke(
                    actor=officer,
                    membership=membership,
                    referral=referral,
                    decision=decision,
                    reason="The college has no further part in supporting this person.",
                )
    return REFERRALS_PER_AREA


@transaction.atomic
def seed_cases() -> int:
    """Add the demo referrals to any area that has none yet; return how many were added."""
    fake = Faker("en_GB")
    fake.seed_instance(SEED)
    rng = random.Random(SEED)
    return sum(_seed_area(area.name, fake, rng) for area in DEMO_AREAS)
