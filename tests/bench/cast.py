"""Who the region benchmark signs in as, and which case, meeting and intervention it opens,
chosen from whatever the database holds rather than from demo usernames.

For each role the user is taken from the agency holding most of what that role works on,
so the pages measured are the heaviest of their kind: the Prevent officer of the force that
owns most referrals, the chair and coordinator of the local authority whose panel has most
cases, the practitioner of the agency delivering most interventions, and an auditor of the
area with most referrals. Ties go to the first name in alphabetical order, so two runs on
the same data pick the same people.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Count

from panels.models import Intervention, Meeting, Panel, PanelCase
from panels.models.vocabulary import InterventionStatus
from prevent_cases.models import Agency, Membership, User
from prevent_cases.roles import Role
from referrals.models import Referral

# Meetings the write benchmark schedules are named by place, so none is picked to be read.
BENCH_LOCATION = "Benchmark room (synthetic)"
OPEN_INTERVENTIONS = (
    InterventionStatus.PLANNED,
    InterventionStatus.ACTIVE,
    InterventionStatus.PAUSED,
)


class CastMissing(RuntimeError):
    """The database lacks someone or something the benchmark needs; it says what."""


@dataclass(frozen=True)
class Cast:
    officer: User
    chair: User
    coordinator: User | None
    practitioner: User
    auditor: User
    referral_id: uuid.UUID
    panel_case_id: uuid.UUID
    # None where the panel has held no meeting (the synthetic region generates none).
    meeting_id: uuid.UUID | None
    intervention_id: uuid.UUID | None

    def users(self) -> dict[str, User]:
        """The signed-in roles by name, each once."""
        people = {
            "officer": self.officer,
            "chair": self.chair,
            "coordinator": self.coordinator,
            "practitioner": self.practitioner,
            "auditor": self.auditor,
        }
        return {name: user for name, user in people.items() if user is not None}


def _member(role: str, agencies: list[Agency]) -> User | None:
    """The first active member, by username, with this role in the first of the agencies
    (in the order given) that has one."""
    for agency in agencies:
        membership = (
            Membership.objects.select_related("user", "agency__area")
            .filter(agency=agency, role=role, is_active=True, user__is_active=True)
            .order_by("user__username")
            .first()
        )
        if membership is not None:
            return membership.user
    return None


def _ranked(counts: dict[uuid.UUID, int], key=lambda agency: agency.pk) -> list[Agency]:
    """Active agencies, most first by `counts` of what `key` names, then by name."""
    agencies = Agency.objects.filter(is_active=True).select_related("area")
    return sorted(agencies, key=lambda agency: (-counts.get(key(agency), 0), agency.name))


def _needed(user: User | None, what: str) -> User:
    if user is None:
        raise CastMissing(f"no active {what} in the database")
    return user


def _first_id(queryset, what: str) -> uuid.UUID:
    found = queryset.values_list("pk", flat=True).first()
    if found is None:
        raise CastMissing(f"no {what} in the database")
    return found


def choose_cast() -> Cast:
    """Pick the people and the objects the benchmark opens (see the module docstring)."""
    forces = _ranked(dict(Referral.objects.values_list("owning_agency").annotate(held=Count("pk"))))
    officer = _needed(_member(Role.PREVENT_OFFICER, forces), "Prevent officer")
    councils = _ranked(dict(Panel.objects.values_list("agency").annotate(held=Count("cases"))))
    chair = _needed(_member(Role.PANEL_CHAIR, councils), "panel chair")
    chair_agency = chair.membership.agency
    coordinator = _member(Role.CHANNEL_COORDINATOR, [chair_agency])
    providers = _ranked(
        dict(Intervention.objects.values_list("delivering_agency").annotate(held=Count("pk")))
    )
    practitioner = _needed(_member(Role.PRACTITIONER, providers), "practitioner")
    areas = _ranked(
        dict(Referral.objects.values_list("area").annotate(held=Count("pk"))),
        key=lambda agency: agency.area_id,
    )
    auditor = _needed(_member(Role.AUDITOR, areas), "auditor")
    return Cast(
        officer=officer,
        chair=chair,
        coordinator=coordinator,
        practitioner=practitioner,
        auditor=auditor,
        referral_id=_first_id(
            Referral.objects.filter(owning_agency=officer.membership.agency_id).order_by(
                "-created_at", "-id"
            ),
            "referral owned by the officer's force",
        ),
        panel_case_id=_first_id(
            PanelCase.objects.filter(panel__agency=chair_agency).order_by("-created_at", "-id"),
            "panel case of the chair's panel",
        ),
        meeting_id=Meeting.objects.filter(panel__agency=chair_agency)
        .exclude(location=BENCH_LOCATION)
        .annotate(size=Count("items"))
        .order_by("-size", "-starts_at", "id")
        .values_list("pk", flat=True)
        .first(),
        intervention_id=Intervention.objects.filter(
            delivering_agency=practitioner.membership.agency_id, status__in=OPEN_INTERVENTIONS
        )
        .order_by("-created_at", "-id")
        .values_list("pk", flat=True)
        .first(),
    )
