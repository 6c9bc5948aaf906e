"""Progress entries and stage moves through the real services, one forked writer process
per job (tests.bench.writers.run_writers), each on its own rows (tests.bench.write_fixtures).

Each operation is what a web request does after its reads: the service call, in its own
atomic unit of work, ending with the chain append and the commit.
"""

import uuid
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType

from panels.models import AgendaItem, Intervention
from panels.services.cases import MoveDetails
from panels.services.delivery import progress_record
from panels.services.meetings import agenda_decision_record
from prevent_cases.models import User
from referrals.models import Referral
from tests.bench.write_fixtures import decision_data
from tests.bench.writers import Job, WriterResult, timed_calls
from tests.panels.delivery_steps import session


def _user(user_id: uuid.UUID) -> User:
    return User.objects.select_related("membership__agency__area").get(pk=user_id)


def _progress(
    practitioner_id: uuid.UUID, intervention_id: uuid.UUID, count: int, ready: Callable[[], None]
) -> WriterResult:
    practitioner = _user(practitioner_id)
    intervention = Intervention.objects.select_related(
        "panel_case__referral", "panel_case__panel", "source_agency", "delivering_agency"
    ).get(pk=intervention_id)
    ContentType.objects.get_for_model(Referral)
    entry = session()

    def record() -> None:
        # The service moves the intervention to its next version, which the next entry
        # names, as the next form opened after this one would.
        progress_record(
            actor=practitioner,
            membership=practitioner.membership,
            intervention=intervention,
            data=entry,
            version=intervention.version,
        )

    ready()
    return timed_calls([record] * count)


def progress_jobs(
    practitioner_id: uuid.UUID, interventions: list[uuid.UUID], count: int
) -> list[Job]:
    """One writer per intervention, each recording `count` entries on its own."""
    return [
        lambda ready, intervention_id=intervention_id: _progress(
            practitioner_id, intervention_id, count, ready
        )
        for intervention_id in interventions
    ]


def _items(item_ids: list[uuid.UUID]) -> list[AgendaItem]:
    """The items as the meeting page loads them to write to (panels.selectors.meetings)."""
    items = AgendaItem.objects.select_related(
        "meeting", "meeting__panel", "panel_case", "panel_case__panel", "referral__area"
    ).in_bulk(item_ids)
    return [items[item_id] for item_id in item_ids]


def _decide(chair_id: uuid.UUID, item_ids: list[uuid.UUID], ready: Callable[[], None]):
    chair = _user(chair_id)
    ContentType.objects.get_for_model(Referral)
    calls = []
    for item in _items(item_ids):
        data = decision_data(item.panel_case.version)
        details = MoveDetails(not_adopted_route=data.pop("not_adopted_route"))
        for unused in ("onward_service", "exit_outcome", "next_review_on"):
            data.pop(unused)
        calls.append(
            lambda item=item, data=data, details=details: agenda_decision_record(
                actor=chair, membership=chair.membership, item=item, details=details, **data
            )
        )
    ready()
    return timed_calls(calls)


def stage_move_jobs(chair_id: uuid.UUID, items: list[list[uuid.UUID]]) -> list[Job]:
    """One writer per list of agenda items, deciding each in turn."""
    return [lambda ready, own=own: _decide(chair_id, own, ready) for own in items]
