"""Synthetic intervention delivery for the demo, through the real services: on each area's
cases in review the mentoring provider and probation answer their assignments and record
sessions, so practitioners have work in every state and the chair has progress, a concern
and a silent intervention to review.

The interventions started six weeks ago (demo panel_cases), so sessions fall between then
and today.
"""

import datetime

from django.utils import timezone

from panels.models import Intervention, PanelCase
from panels.models.vocabulary import ContactType, DeliveryEvent, GoalRating
from panels.rules.delivery import ProgressInput
from panels.services.delivery import intervention_move, progress_record
from prevent_cases.models import User

# (days ago, how, attended, minutes, notes, rating of every goal) for each session.
SESSIONS = {
    "provider": (
        (35, ContactType.MEETING, True, 60, "First session: agreed how we will work.", None),
        (28, ContactType.MEETING, True, 60, "Talked through online content he has seen.", "some"),
        (21, ContactType.CALL, False, None, "Did not answer; left a message.", None),
        (14, ContactType.MEETING, True, 75, "Good discussion of sources he trusts.", "good"),
    ),
    "probation": (
        (30, ContactType.HOME_VISIT, True, 45, "Home visit; calm and engaged.", "some"),
        (10, ContactType.MEETING, True, 45, "Worked on a plan for conflict at work.", "good"),
    ),
}
CONCERN_NOTES = (
    "He mentioned being invited to a closed online group by someone he met at the gym; "
    "the panel may want to ask the police what is known."
)


def _work(case: PanelCase, user: User) -> Intervention:
    return Intervention.objects.select_related("panel_case__referral", "source_agency").get(
        panel_case=case, delivering_agency_id=user.membership.agency_id
    )


def _answer(user: User, work: Intervention, event: str, reason: str = "") -> None:
    intervention_move(
        actor=user,
        membership=user.membership,
        intervention=work,
        event=event,
        reason=reason,
        version=work.version,
    )


def _session(user: User, work: Intervention, row, *, concern: bool = False) -> None:
    days_ago, how, attended, minutes, notes, rating = row
    progress_record(
        actor=user,
        membership=user.membership,
        intervention=work,
        data=ProgressInput(
            occurred_on=timezone.localdate() - datetime.timedelta(days=days_ago),
            contact_type=how,
            attended=attended,
            duration_minutes=minutes,
            notes=CONCERN_NOTES if concern else notes,
            concern=concern,
            ratings={goal.pk: GoalRating(rating) for goal in work.goals.all()} if rating else {},
        ),
        version=work.version,
    )


def deliver(users: dict[str, User], delivering: list[PanelCase], silent: list[PanelCase]) -> None:
    """On `delivering` cases both agencies accept and record their sessions (the provider
    raising a concern on the first); on `silent` ones the provider accepted but has not
    seen the person yet and probation has still to answer."""
    for number, case in enumerate(delivering):
        for handle, sessions in SESSIONS.items():
            user = users[handle]
            work = _work(case, user)
            _answer(user, work, DeliveryEvent.ACCEPT)
            for row in sessions:
                _session(user, work, row)
            if handle == "provider" and number == 0:
                _session(user, work, (3, *sessions[-1][1:]), concern=True)
    for case in silent:
        provider = users["provider"]
        _answer(provider, _work(case, provider), DeliveryEvent.ACCEPT)
