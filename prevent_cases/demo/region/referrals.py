"""The region's referrals, each with its subject, its owning force, its area and the steps
that brought it to its status, as referral_create, referral_start_screening and
referral_screen write them: the transitions, the screening outcome, and for a referral
progressed to Channel the responsibility of the area's panel and the police's decision
sharing the case with it.

Proportions (sector, type of concern, age, sex, needs) are the national figures in
shared/domain.md section 8, as the small demo uses them (prevent_cases.demo.cases).
"""

import datetime
import math
import uuid
from dataclasses import dataclass

from audit.event_types import EventType
from audit.services.decision_rules import DecisionInput
from audit.vocabulary import DecisionAction, LegalBasis
from prevent_cases.demo.figures import (
    AGES,
    CONCERN_TYPES,
    CONCERNS,
    SECTORS,
    SHARE_JUSTIFICATION,
    SHARE_REASON,
)
from prevent_cases.demo.region.names import FAMILY, GIVEN_FEMALE, GIVEN_MALE, STREETS
from prevent_cases.demo.region.people import Region, RegionAgency, RegionArea
from prevent_cases.demo.region.tables import Table
from prevent_cases.roles import Role
from referrals.models import (
    REFERENCE_ALPHABET,
    Referral,
    ReferralResponsibility,
    ReferralStatus,
    ReferralTransition,
    Subject,
)
from referrals.rules.intake import is_child_on
from referrals.rules.matching import match_key
from referrals.rules.timeliness import screening_due_on
from referrals.rules.vocabulary import Deconfliction, ScreeningOutcome, SignpostService
from referrals.rules.workflow import ScreeningEvent
from referrals.selectors import current_concern_types
from referrals.services.screening import PANEL_CATEGORIES

# Of every referral: waiting to be screened, being screened, progressed to Channel (enough
# that the panels can open their cases and leave a few in their inboxes); the rest closed.
RECEIVED_SHARE = 0.03
SCREENING_SHARE = 0.04
PROGRESSED_OPENED = 0.96
# Closed at screening, of those closed (about a quarter of all referrals end with no
# further action, about half are passed to other services).
CLOSED_OUTCOMES = (
    (ScreeningOutcome.NO_FURTHER_ACTION, 33),
    (ScreeningOutcome.SIGNPOSTED, 55),
    (ScreeningOutcome.POLICE_LED, 12),
)
# A repeat referral about someone referred before in the same area.
REPEAT_SHARE = 0.06
PANEL_PURPOSE = (
    "Channel panel: decide whether the person is susceptible to being drawn into terrorism "
    "and whether Channel is the right route"
)
SCREENING_NOTES = "Partners asked what they hold; answers recorded as sharing decisions."
RATIONALES = {
    ScreeningOutcome.NO_FURTHER_ACTION: "No susceptibility to radicalisation found; no "
    "further action needed.",
    ScreeningOutcome.SIGNPOSTED: "Needs are better met by another service; the person was "
    "signposted there.",
    ScreeningOutcome.POLICE_LED: "Risk is best managed by the police in a police-led partnership.",
    ScreeningOutcome.CHANNEL: "Susceptibility to radicalisation found; the panel should "
    "consider Channel support.",
}
REFERRER_ROLES = {
    "education": ("Designated safeguarding lead", "Vale Academy"),
    "police": ("Neighbourhood officer", "Police"),
    "local_authority": ("Social worker", "Council"),
    "health": ("Community psychiatric nurse", "NHS trust"),
    "community": ("Youth worker", "Community centre"),
    "family_friend": ("Relative", ""),
    "prison_probation": ("Probation officer", "Probation service"),
    "other": ("Employer", "Local business"),
}


@dataclass
class RegionReferral:
    """What later parts need of a referral."""

    id: uuid.UUID
    area: RegionArea
    force: RegionAgency
    officer: uuid.UUID
    date_of_birth: datetime.date
    is_child: bool
    mental_health: bool
    status: str
    outcome: str
    screened_at: datetime.datetime | None
    panel_decision: object = None  # the police's share with the panel, when progressed

    @property
    def progressed(self) -> bool:
        return self.status == ReferralStatus.PROGRESSED


def _pick(rng, table):
    values, weights = zip(*table, strict=True)
    return rng.choices(values, weights=weights)[0]


def _statuses(total: int, progressed: int, rng) -> list[str]:
    received = round(total * RECEIVED_SHARE)
    screening = round(total * SCREENING_SHARE)
    closed = max(0, total - received - screening - progressed)
    statuses = (
        [ReferralStatus.RECEIVED] * received
        + [ReferralStatus.SCREENING] * screening
        + [ReferralStatus.PROGRESSED] * progressed
        + [ReferralStatus.CLOSED] * closed
    )[:total]
    rng.shuffle(statuses)
    return statuses


class _References:
    def __init__(self, rng) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def new(self) -> str:
        while True:
            body = "".join(self.rng.choices(REFERENCE_ALPHABET, k=8))
            reference = f"PR-{body[:4]}-{body[4:]}"
            if reference not in self.used:
                self.used.add(reference)
                return reference


def progressed_needed(panel_cases: int) -> int:
    """Referrals to progress so the panels can open `panel_cases` and leave a few waiting."""
    return math.ceil(panel_cases / PROGRESSED_OPENED)


def build_referrals(build, region: Region, *, total: int, panel_cases: int) -> list:
    rng = build.rng
    types = dict(current_concern_types().values_list("code", "pk"))
    subjects = Table(
        Subject,
        (
            "id", "created_at", "updated_at", "person", "given_names", "family_name", "aliases",
            "date_of_birth", "sex", "address", "postcode", "nationality", "first_language",
            "is_child", "school", "match_key",
        ),
    )  # fmt: skip
    referrals = Table(
        Referral,
        (
            "id", "created_at", "updated_at", "reference", "owning_agency_id", "area_id",
            "subject_id", "status", "received_on", "screening_due_on", "status_changed_at",
            "created_by_id", "responsible_agency_id", "referrer_name", "referrer_role",
            "referrer_organisation", "referrer_sector", "concern_summary", "concern_type_id",
            "person_aware", "send_needs", "mental_health", "neurodiversity", "deconfliction",
            "screening_notes", "outcome", "signposted_to", "outcome_rationale",
            "screened_by_id", "screened_at", "awaiting_panel",
        ),
    )  # fmt: skip
    transitions = Table(
        ReferralTransition,
        ("id", "referral_id", "from_status", "to_status", "event", "actor_id", "created_at",
         "reason"),
    )  # fmt: skip
    responsibilities = Table(
        ReferralResponsibility,
        ("id", "referral_id", "agency_id", "previous_agency_id", "reason", "note",
         "changed_by_id", "created_at"),
    )  # fmt: skip
    references = _References(rng)
    area_weights = [area.weight for area in region.areas]
    earlier_people: dict[int, list[tuple]] = {area.index: [] for area in region.areas}
    made = []
    for status in _statuses(total, progressed_needed(panel_cases), rng):
        area = rng.choices(region.areas, weights=area_weights)[0]
        force = area.force
        officer = region.user(force, Role.PREVENT_OFFICER, rng)
        waiting = status in (ReferralStatus.RECEIVED, ReferralStatus.SCREENING)
        days_ago = rng.randint(0, 10) if waiting else rng.randint(4, 3 * 365 - 1)
        received_on = build.today - datetime.timedelta(days=days_ago)
        created = build.on(received_on)
        # The person.
        age = rng.choice(_pick(rng, AGES))
        birth = received_on - datetime.timedelta(days=age * 365 + rng.randint(0, 364))
        roll = rng.random()
        sex = "male" if roll < 0.89 else "female" if roll < 0.99 else "not_known"
        earlier = earlier_people[area.index]
        if earlier and rng.random() < REPEAT_SHARE:
            person, given, family, birth, sex = rng.choice(earlier)
        else:
            person = build.ids.new()
            given = rng.choice(GIVEN_FEMALE if sex == "female" else GIVEN_MALE)
            family = rng.choice(FAMILY)
            earlier.append((person, given, family, birth, sex))
        aliases = [f"{given} {family[:-1]}"] if rng.random() < 0.05 else []
        child = is_child_on(received_on, date_of_birth=birth, estimated_age=None)
        subject_id = build.ids.new()
        subjects.add(
            subject_id, created, created, person, given, family, aliases, birth, sex,
            f"{rng.randint(1, 180)} {rng.choice(STREETS)}, {area.name}",
            f"ZV{area.index + 1} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
            f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}",
            "British" if rng.random() < 0.9 else "Not recorded",
            "English" if rng.random() < 0.92 else "Not recorded",
            child,
            "Vale Academy" if child else "",
            match_key(given, family, aliases),
        )  # fmt: skip
        # The referral and its steps.
        referral_id = build.ids.new()
        sector = _pick(rng, SECTORS)
        concern = _pick(rng, CONCERN_TYPES)
        mental_health = rng.random() < 0.34
        outcome, signposted, screened_at, screened_by = "", "", None, None
        deconfliction = Deconfliction.NOT_CHECKED
        changed = created
        reference = references.new()
        timeline = build.timeline
        timeline.on_referral(
            created, EventType.REFERRAL_CREATED, officer, force.id, referral_id,
            {"reference": reference, "area": area.id, "subject": subject_id,
             "linked_subject": False},
        )  # fmt: skip
        if status != ReferralStatus.RECEIVED:
            started = build.after(created, 0, 1.5 if waiting else 2)
            _step(
                build, transitions, referral_id, officer, force, started,
                ReferralStatus.RECEIVED, ReferralStatus.SCREENING, ScreeningEvent.START, "",
            )  # fmt: skip
            changed = started
            deconfliction = Deconfliction.PENDING if rng.random() < 0.5 else deconfliction
        made_referral = RegionReferral(
            referral_id, area, force, officer, birth, child, mental_health, status, "", None,
        )  # fmt: skip
        if status in (ReferralStatus.CLOSED, ReferralStatus.PROGRESSED):
            screened_at = build.after(changed, 0.5, 6)
            screened_by = officer
            deconfliction = Deconfliction.NO
            if status == ReferralStatus.PROGRESSED:
                outcome = ScreeningOutcome.CHANNEL
                _progress(build, responsibilities, made_referral, screened_at)
                event = ScreeningEvent.PROGRESS
            else:
                outcome = _pick(rng, CLOSED_OUTCOMES)
                if outcome == ScreeningOutcome.POLICE_LED and rng.random() < 0.2:
                    deconfliction = Deconfliction.YES
                if outcome == ScreeningOutcome.SIGNPOSTED:
                    signposted = rng.choice(SignpostService.values)
                event = ScreeningEvent.CLOSE
            _step(
                build, transitions, referral_id, officer, force, screened_at,
                ReferralStatus.SCREENING, status, event, RATIONALES[outcome],
            )  # fmt: skip
            timeline.on_referral(
                screened_at, EventType.REFERRAL_SCREENED, officer, force.id, referral_id,
                {"outcome": outcome, "deconfliction": deconfliction,
                 "signposted_to": signposted},
            )  # fmt: skip
            changed = screened_at
        made_referral.outcome, made_referral.screened_at = outcome, screened_at
        role, organisation = REFERRER_ROLES[sector]
        referrals.add(
            referral_id, created, changed, reference, force.id, area.id, subject_id, status,
            received_on, screening_due_on(received_on), changed, officer,
            area.panel_agency.id if status == ReferralStatus.PROGRESSED else None,
            f"{rng.choice(GIVEN_FEMALE + GIVEN_MALE)} {rng.choice(FAMILY)}", role,
            organisation, sector, CONCERNS[concern], types.get(concern),
            rng.choice((True, False, None)), rng.random() < 0.1, mental_health,
            rng.random() < 0.14, deconfliction, SCREENING_NOTES if screened_at else "",
            outcome, signposted, RATIONALES[outcome] if outcome else "", screened_by,
            screened_at, status == ReferralStatus.PROGRESSED,
        )  # fmt: skip
        made.append(made_referral)
    for table in (subjects, referrals, transitions, responsibilities):
        table.flush()
    build.counts.update(
        subjects=subjects.count,
        referrals=referrals.count,
        referral_transitions=transitions.count,
        responsibilities=responsibilities.count,
    )
    return made


def _step(build, transitions, referral_id, officer, force, moment, before, after, event, why):
    """One transition row and its event (the event follows the screening's own events)."""
    transitions.add(build.ids.new(), referral_id, before, after, event, officer, moment, why)
    build.timeline.on_referral(
        moment,
        EventType.REFERRAL_TRANSITIONED,
        officer,
        force.id,
        referral_id,
        {"from": before, "to": after, "event": event},
    )


def _progress(build, responsibilities, referral: RegionReferral, moment) -> None:
    """The area's panel becomes responsible, and the police share the case with it."""
    panel = referral.area.panel_agency
    responsibilities.add(
        build.ids.new(), referral.id, panel.id, None, ReferralResponsibility.Reason.PROGRESSED,
        "", referral.officer, moment,
    )  # fmt: skip
    build.timeline.on_referral(
        moment,
        EventType.REFERRAL_RESPONSIBILITY_CHANGED,
        referral.officer,
        referral.force.id,
        referral.id,
        {"from_agency": None, "to_agency": panel.id, "reason": "progressed"},
    )
    referral.panel_decision = build.sharing.record(
        moment=moment,
        referral_id=referral.id,
        discloser=referral.force.id,
        receiver=panel.id,
        data=DecisionInput(
            action=DecisionAction.SHARE,
            categories=PANEL_CATEGORIES,
            purpose=PANEL_PURPOSE,
            legal_basis=LegalBasis.CTSA_S38,
            legal_basis_other="",
            schedule1_condition="",
            consent_status="not_sought",
            consent_reason=SHARE_REASON,
            justification=SHARE_JUSTIFICATION,
            expires_at=None,
        ),
        decided_by=referral.officer,
        role=Role.PREVENT_OFFICER,
    )
