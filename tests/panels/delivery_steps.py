"""Steps for intervention delivery, through the real services: a case in review with an
intervention assigned to a provider, its answer, and progress entries."""

import datetime

from django.utils import timezone

from audit.record.chain import atomic_unit
from audit.vocabulary import Category
from panels.models import Intervention
from panels.models.vocabulary import ContactType, DeliveryEvent, GoalRating, InterventionType
from panels.rules.decisions import panel_share
from panels.rules.delivery import ProgressInput
from panels.rules.stages import StageEvent
from panels.services.delivery import intervention_move, progress_record
from prevent_cases.models import Agency, User
from referrals.services.case import referral_share
from tests.panels.factories import open_case
from tests.panels.support_steps import adopt_and_assess, consent, intervention, move, record_plan

STARTED_DAYS_AGO = 30


def assigned(officer: User, chair: User, *providers: Agency, practitioner: User | None = None):
    """A case in review whose plan gives each provider one intervention that started a
    month ago; returns the interventions in the providers' order."""
    case = adopt_and_assess(chair, open_case(officer, chair))
    start = timezone.localdate() - datetime.timedelta(days=STARTED_DAYS_AGO)
    plan = record_plan(
        chair,
        case,
        *(
            intervention(
                provider,
                practitioner
                if practitioner and practitioner.membership.agency == provider
                else None,
                start_on=start,
                type=InterventionType.MENTORING,
            )
            for provider in providers
        ),
    )
    consent(chair, case)
    move(chair, case, StageEvent.START_SUPPORT)
    return list(plan.interventions.order_by("created_at", "id"))


def _of(practitioner: User | None, provider: Agency) -> User | None:
    """The practitioner, if they work for this provider."""
    if practitioner and practitioner.membership.agency_id == provider.pk:
        return practitioner
    return None


def fresh_intervention(intervention) -> Intervention:
    return Intervention.objects.select_related(
        "panel_case__referral", "panel_case__panel", "source_agency", "delivering_agency"
    ).get(pk=intervention.pk)


def answer(user: User, intervention, event=DeliveryEvent.ACCEPT, reason="", version=None):
    intervention = fresh_intervention(intervention)
    with atomic_unit():
        return intervention_move(
            actor=user,
            membership=user.membership,
            intervention=intervention,
            event=event,
            reason=reason,
            version=intervention.version if version is None else version,
        )


def accepted_by_provider(people) -> Intervention:
    """The mentoring provider's intervention, assigned to its practitioner and accepted."""
    (work,) = assigned(
        people["officer"],
        people["chair"],
        people["provider_agency"],
        practitioner=people["provider"],
    )
    answer(people["provider"], work)
    return fresh_intervention(work)


def session(**overrides) -> ProgressInput:
    values = {
        "occurred_on": timezone.localdate() - datetime.timedelta(days=2),
        "contact_type": ContactType.MEETING,
        "attended": True,
        "duration_minutes": 60,
        "notes": "Talked about college and the football team he wants to join.",
        "concern": False,
        "ratings": {},
    }
    values.update(overrides)
    return ProgressInput(**values)


def ratings(intervention, rating=GoalRating.SOME) -> dict[int, str]:
    return {goal.pk: rating for goal in fresh_intervention(intervention).goals.all()}


def record(
    user: User, intervention, data: ProgressInput | None = None, version=None, corrects=None
):
    intervention = fresh_intervention(intervention)
    with atomic_unit():
        return progress_record(
            actor=user,
            membership=user.membership,
            intervention=intervention,
            data=data or session(),
            version=intervention.version if version is None else version,
            corrects=corrects,
        )


def share_with_health(people, work, *categories) -> None:
    """The panel shares its own record of the case (by default its support information:
    the plan and its interventions, not the providers' records of them) with the NHS trust."""
    chair = people["chair"]
    with atomic_unit():
        referral_share(
            actor=chair,
            membership=chair.membership,
            referral=fresh_intervention(work).panel_case.referral,
            receiving_agency=people["health"].membership.agency,
            data=panel_share(
                categories or (Category.SUPPORT,),
                purpose="Papers for the panel's review of the case",
                justification="Health sits on the panel and reviews the case with it.",
                consent_reason="Shared under the partners' duty to co-operate with the panel.",
            ),
        )
