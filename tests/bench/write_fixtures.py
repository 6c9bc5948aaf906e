"""Rows for the write benchmarks, made through the real services before any clock starts,
so every writer has rows of its own and writers meet only at the audit chain's lock.

* Sharing decisions: fresh referrals of the officer's force (tests.bench.writers).
* Progress entries: one intervention in delivery per writer, reused by every run (each
  entry moves the intervention to its next version, which the next entry names).
* Stage moves: fresh cases at identification, all on the agenda of one open meeting of the
  chair's panel with everyone present; each decision is the panel's decision not to adopt a
  case (returned to the police), which closes it, so nothing is left for later agendas.

They are left in the database afterwards: the write part adds synthetic rows.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.utils import timezone

from panels.models import AgendaItem
from panels.models.vocabulary import Attendance, DecisionMethod, NotAdoptedRoute
from panels.rules.stages import StageEvent
from panels.services.cases import panel_for_agency
from panels.services.meetings import (
    AttendanceEntry,
    agenda_build,
    meeting_attendance_record,
    meeting_schedule,
)
from prevent_cases.models import Membership, User
from prevent_cases.roles import AgencyKind, Role
from tests.bench.cast import BENCH_LOCATION, Cast, CastMissing
from tests.panels.delivery_steps import answer, assigned
from tests.panels.factories import open_case
from tests.panels.support_steps import RATIONALE


@dataclass(frozen=True)
class WriteCast:
    """The people who write: the chair's panel, a Prevent officer of its area and the
    practitioner of the agency delivering most interventions."""

    officer: User
    chair: User
    practitioner: User


def write_cast(cast: Cast) -> WriteCast:
    """The cast's chair and practitioner, and an officer of the chair's area (cases go
    before the area's panel, so the officer who logs them must be of that area)."""
    area_id = cast.chair.membership.agency.area_id
    if cast.officer.membership.agency.area_id == area_id:
        officer = cast.officer
    else:
        membership = (
            Membership.objects.select_related("user")
            .filter(
                role=Role.PREVENT_OFFICER,
                is_active=True,
                agency__area_id=area_id,
                agency__kind=AgencyKind.POLICE,
            )
            .order_by("user__username")
            .first()
        )
        if membership is None:
            raise CastMissing("no Prevent officer in the chair's area")
        officer = membership.user
    return WriteCast(
        officer=_loaded(officer), chair=_loaded(cast.chair), practitioner=_loaded(cast.practitioner)
    )


def _loaded(user: User) -> User:
    return User.objects.select_related("membership__agency__area").get(pk=user.pk)


def interventions_in_delivery(people: WriteCast, count: int) -> list[uuid.UUID]:
    """`count` interventions of fresh cases in review, delivered by the practitioner's
    agency and accepted by the practitioner: active, ready for progress entries."""
    provider = people.practitioner.membership.agency
    interventions = []
    for _ in range(count):
        (intervention,) = assigned(
            people.officer, people.chair, provider, practitioner=people.practitioner
        )
        answer(people.practitioner, intervention)
        interventions.append(intervention.pk)
    return interventions


@dataclass(frozen=True)
class Agenda:
    meeting_id: uuid.UUID
    # Each writer's own agenda items, in the order it decides them.
    items: list[list[uuid.UUID]]
    # Every item on the agenda, the writers' and whatever else was due at the panel.
    size: int


def cases_on_agenda(people: WriteCast, writers: int, per_writer: int) -> Agenda:
    """Fresh cases at identification, `per_writer` for each writer, on the agenda of one
    open meeting of the chair's panel, with every agency of the panel present."""
    chair, membership = people.chair, people.chair.membership
    case_ids = [
        [
            open_case(people.officer, chair, family_name=f"Bench{uuid.uuid4().hex[:8]}").pk
            for _ in range(per_writer)
        ]
        for _ in range(writers)
    ]
    meeting = meeting_schedule(
        actor=chair,
        membership=membership,
        starts_at=timezone.now() + datetime.timedelta(minutes=1),
        location=BENCH_LOCATION,
    )
    panel = panel_for_agency(membership.agency)
    meeting_attendance_record(
        actor=chair,
        membership=membership,
        meeting=meeting,
        entries=[
            AttendanceEntry(agency_id=agency.pk, status=Attendance.PRESENT)
            for agency in [panel.agency, *panel.members.all()]
        ],
    )
    agenda_build(actor=chair, membership=membership, meeting=meeting)
    by_case = dict(AgendaItem.objects.filter(meeting=meeting).values_list("panel_case_id", "pk"))
    return Agenda(
        meeting_id=meeting.pk,
        items=[[by_case[case_id] for case_id in own] for own in case_ids],
        size=len(by_case),
    )


def decision_data(version: int) -> dict:
    """The panel's decision not to adopt a case, as the API takes it."""
    return {
        "event": StageEvent.NOT_ADOPT,
        "method": DecisionMethod.UNANIMOUS,
        "votes_for": None,
        "votes_against": None,
        "rationale": RATIONALE,
        "minutes": "Synthetic minutes of the benchmark's decision.",
        "not_adopted_route": NotAdoptedRoute.POLICE,
        "onward_service": "",
        "exit_outcome": "",
        "next_review_on": None,
        "version": version,
    }
