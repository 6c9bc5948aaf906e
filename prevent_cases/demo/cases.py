"""Synthetic referrals for the demo, in the proportions of the national figures, made
through the real services so the demo obeys every rule and leaves a valid audit chain.

Every name, date and narrative is invented (Faker en_GB, fixed seed). Proportions follow
shared/domain.md section 8 (Home Office statistics 2023/24 and 2024/25).
"""

import datetime
import random

from django.db import transaction
from django.utils import timezone
from faker import Faker

from audit.services.decision_rules import DecisionInput
from audit.vocabulary import Category, ConsentStatus, DecisionAction, LegalBasis
from prevent_cases.demo.accounts import DEMO_AREAS
from prevent_cases.demo.figures import (
    AGES,
    CONCERN_TYPES,
    CONCERNS,
    SECTORS,
    SHARE_JUSTIFICATION,
    SHARE_REASON,
)
from prevent_cases.models import Agency, User
from referrals.models import Referral
from referrals.rules.intake import ReferralIntake
from referrals.selectors import current_concern_types
from referrals.services.case import referral_create, referral_decision_revoke, referral_share
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening

REFERRALS_PER_AREA = 60
SEED = 2026
# Where the demo's referrals stand: most screened, some waiting, a few overdue.
STAGES = (
    ("received", 10),
    ("screening", 10),
    ("no_further_action", 22),
    ("signposted", 34),
    ("police_led", 6),
    ("channel", 18),
)


def _pick(rng: random.Random, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def _intake(
    fake: Faker, rng: random.Random, officer: User, types: dict, *, waiting: bool
) -> ReferralIntake:
    today = timezone.localdate()
    age = rng.choice(_pick(rng, AGES))
    # Referrals still waiting arrived in the last fortnight, so some are overdue and some
    # not; screened ones spread over the last nine months.
    received = today - datetime.timedelta(days=rng.randint(0, 14 if waiting else 270))
    male = rng.random() < 0.89
    concern_type = _pick(rng, CONCERN_TYPES)
    return ReferralIntake(
        area_id=officer.membership.agency.area_id,
        given_names=fake.first_name_male() if male else fake.first_name_female(),
        family_name=fake.last_name(),
        date_of_birth=received - datetime.timedelta(days=age * 365 + rng.randint(0, 364)),
        sex="male" if male else "female",
        address=fake.street_address(),
        postcode=fake.postcode(),
        received_on=received,
        referrer_name=fake.name(),
        referrer_sector=_pick(rng, SECTORS),
        concern_summary=CONCERNS[concern_type],
        concern_type_id=types[concern_type],
        mental_health=rng.random() < 0.34,
        neurodiversity=rng.random() < 0.14,
    )


def _screen(officer: User, referral: Referral, outcome: str) -> None:
    membership = officer.membership
    referral_start_screening(actor=officer, membership=membership, referral=referral)
    if outcome == "screening":
        return
    referral_screen(
        actor=officer,
        membership=membership,
        referral=referral,
        data=ScreeningInput(
            deconfliction="no",
            notes="Partners asked what they hold; answers recorded as sharing decisions.",
            outcome=outcome,
            rationale="Synthetic demo rationale: the reasons for this outcome are recorded.",
            signposted_to="early_help" if outcome == "signposted" else "",
            consent_status=ConsentStatus.NOT_SOUGHT,
            consent_reason=SHARE_REASON,
            sharing_justification=SHARE_JUSTIFICATION,
        ),
    )


def _share(by: User, referral: Referral, to: Agency, **overrides):
    values = {
        "action": DecisionAction.SHARE,
        "categories": (Category.IDENTITY, Category.CONCERN),
        "purpose": "Support the panel's assessment of the person's needs",
        "legal_basis": LegalBasis.CTSA_S38,
        "legal_basis_other": "",
        "schedule1_condition": "",
        "consent_status": ConsentStatus.NOT_SOUGHT,
        "consent_reason": SHARE_REASON,
        "justification": SHARE_JUSTIFICATION,
        "expires_at": None,
    }
    values.update(overrides)
    return referral_share(
        actor=by,
        membership=by.membership,
        referral=referral,
        receiving_agency=to,
        data=DecisionInput(**values),
        # The referral's record is its owning force's information, also when the panel
        # passes it on.
        source_agency_id=referral.owning_agency_id,
    )


def _seed_area(area_name: str, fake: Faker, rng: random.Random, types: dict) -> int:
    officer = User.objects.select_related("membership__agency__area").get(
        username=f"{area_name.lower()}.officer"
    )
    if Referral.objects.filter(owning_agency=officer.membership.agency).exists():
        return 0
    chair = User.objects.select_related("membership__agency").get(
        username=f"{area_name.lower()}.chair"
    )
    health = Agency.objects.get(name=f"{area_name} NHS Trust")
    college = Agency.objects.get(name=f"{area_name} College")
    probation = Agency.objects.get(name=f"{area_name} Probation Service")
    for number in range(REFERRALS_PER_AREA):
        stage = _pick(rng, STAGES)
        waiting = stage in ("received", "screening")
        referral = referral_create(
            actor=officer,
            membership=officer.membership,
            intake=_intake(fake, rng, officer, types, waiting=waiting),
        )
        if stage != "received":
            _screen(officer, referral, stage)
        if stage == "channel" and number % 2 == 0:
            _share(officer, referral, health, categories=(Category.IDENTITY,))
        if stage == "channel" and number % 4 == 1:
            # The panel passes on what the police gave it, for the panel's purposes.
            _share(chair, referral, probation, categories=(Category.IDENTITY, Category.CONCERN))
        if stage == "channel" and number % 3 == 0:
            decision = _share(
                officer,
                referral,
                college,
                categories=(Category.IDENTITY,),
                expires_at=timezone.now() + datetime.timedelta(days=90),
            )
            if number % 9 == 0:
                referral_decision_revoke(
                    actor=officer,
                    membership=officer.membership,
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
    types = dict(current_concern_types().values_list("code", "pk"))
    return sum(_seed_area(area.name, fake, rng, types) for area in DEMO_AREAS)
