"""Delivering an intervention: the delivering agency answers the panel's assignment,
records sessions and progress, raises concerns and moves its intervention along the status
table; the panel considers concerns and ends a finished intervention's access.

Accepting records the delivering agency's own sharing decision: it will report progress on
this intervention to the panel (category support, in the intervention's scope, under CTSA
2015 s.38). That decision is what lets the panel read the agency's progress, like every
other cross-agency read; declining shares only the agency's reason.

Every write by the delivering agency names the intervention version it was made against;
of two writes from the same version only the first stands, and the second writer is told
what changed (InterventionChanged carries the version they opened).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from audit.event_types import EventType
from audit.models import SharingDecision
from audit.record.chain import append_event, atomic_unit
from audit.vocabulary import Category
from panels.models import (
    ConcernReview,
    GoalProgress,
    Intervention,
    InterventionStatusChange,
    ProgressEntry,
)
from panels.models.vocabulary import DeliveryEvent
from panels.rules.decisions import panel_share
from panels.rules.delivery import (
    ANSWERS,
    CORRECTING_STATUSES,
    RECORDING_STATUSES,
    ProgressInput,
    move_refusal,
    next_contact_due,
    progress_errors,
    reason_errors,
    status_after,
)
from panels.rules.permissions import runs_case
from panels.selectors.delivery import FINISHED_STATUSES, OPEN_STATUSES, delivers
from panels.services.cases import support_shares
from panels.services.support import consent_given
from panels.tasks import concern_alert_task
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.models import Membership, User
from prevent_cases.policy import WHOLE_CASE
from referrals.services.case import (
    information_source_record,
    referral_decision_revoke,
    referral_share,
)
from referrals.services.grants import CASE_TYPE

REPORTING_PURPOSE = "Report progress on the intervention the panel assigned to this agency"
REPORTING_JUSTIFICATION = (
    "The panel reviews the support it agreed at each meeting and cannot do so without the "
    "delivering agency's account of sessions, progress against goals and concerns. Only this "
    "intervention's record is shared, with the panel's local authority alone."
)
DECLINE_PURPOSE = "Tell the panel why this agency cannot deliver the intervention assigned to it"
DECLINE_JUSTIFICATION = (
    "The panel must know why the assignment was declined to arrange the support another way; "
    "only the reason is shared, with the panel's local authority alone."
)
ACCEPTED_REASON = "The agency accepted the assignment."
ACCESS_ENDED_REASON = "The intervention has finished: the delivering agency no longer needs it."


class InterventionChanged(ConflictError):
    """Someone changed the intervention after the writer opened it at `opened_version`."""

    def __init__(self, opened_version: int) -> None:
        super().__init__(
            "Someone else has changed this intervention since you opened it. What they "
            "recorded is shown below; check it, then send yours again."
        )
        self.opened_version = opened_version


def authorise_delivering(membership: Membership | None, intervention: Intervention, what: str):
    if not delivers(membership) or membership.agency_id != intervention.delivering_agency_id:
        raise AccessDenied(
            f"Only a practitioner of the agency delivering this intervention may {what}."
        )


def _claim(intervention: Intervention, version: int, **changes) -> int:
    """Move the intervention to its next version if it is still at `version`, applying
    `changes`; return the new version."""
    updated = Intervention.objects.filter(pk=intervention.pk, version=version).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes
    )
    if updated != 1:
        raise InterventionChanged(version)
    intervention.version = version + 1
    for name, value in changes.items():
        setattr(intervention, name, value)
    return intervention.version


def _delivery_share(intervention: Intervention, *, accepting: bool):
    """The delivering agency's decision to give the panel its record of the intervention:
    its progress if it accepts, its reason if it declines."""
    return panel_share(
        (Category.SUPPORT,),
        purpose=REPORTING_PURPOSE if accepting else DECLINE_PURPOSE,
        justification=REPORTING_JUSTIFICATION if accepting else DECLINE_JUSTIFICATION,
        consent_given=consent_given(intervention.panel_case),
        consent_reason=(
            "Reporting to the panel is part of the support the panel agreed; it is made "
            "under the partners' duty to co-operate with the panel."
        ),
    )


@atomic_unit
def intervention_move(
    *,
    actor: User,
    membership: Membership,
    intervention: Intervention,
    event: str,
    reason: str,
    version: int,
) -> InterventionStatusChange:
    """Move the intervention along the status table (panels.rules.delivery), with the
    delivering agency's reason. Accepting and declining record the agency's sharing
    decision to the panel in the same unit."""
    authorise_delivering(membership, intervention, "change its status")
    if event not in DeliveryEvent.values:
        raise ValidationError({"event": ["Choose what to do with the intervention."]})
    reason = " ".join(reason.split())
    if event == DeliveryEvent.ACCEPT:
        reason = reason or ACCEPTED_REASON
    errors = reason_errors(reason)
    if errors:
        raise ValidationError(errors)
    from_status = intervention.status
    to_status = status_after(event, from_status)
    if to_status is None:
        raise TransitionNotAllowed(move_refusal(event, from_status))
    changes = {"status": to_status}
    if event == DeliveryEvent.ACCEPT:
        changes["next_contact_due_on"] = next_contact_due(
            last_contact_on=intervention.last_contact_on,
            start_on=intervention.start_on,
            every_days=intervention.contact_every_days,
        )
    made_version = _claim(intervention, version, **changes)
    decision = None
    if event in ANSWERS:
        referral = intervention.panel_case.referral
        information_source_record(referral=referral, agency=membership.agency)
        decision = referral_share(
            actor=actor,
            membership=membership,
            referral=referral,
            receiving_agency=intervention.source_agency,
            data=_delivery_share(intervention, accepting=event == DeliveryEvent.ACCEPT),
            scope=intervention.scope,
        )
    change = InterventionStatusChange.objects.create(
        intervention=intervention,
        referral_id=intervention.referral_id,
        source_agency_id=membership.agency_id,
        event=event,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        decision=decision,
        made_version=made_version,
        changed_by=actor,
    )
    append_event(
        event_type=EventType.INTERVENTION_STATUS_CHANGED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=intervention.referral_id,
        payload={
            "intervention": intervention.pk,
            "event": event,
            "from_status": from_status,
            "to_status": to_status,
            "decision": decision.pk if decision else None,
        },
    )
    return change


def _last_contact(intervention: Intervention) -> datetime.date | None:
    return ProgressEntry.objects.filter(
        intervention=intervention, attended=True, correction__isnull=True
    ).aggregate(last=Max("occurred_on"))["last"]


@atomic_unit
def progress_record(
    *,
    actor: User,
    membership: Membership,
    intervention: Intervention,
    data: ProgressInput,
    version: int,
    corrects: ProgressEntry | None = None,
) -> ProgressEntry:
    """Record a session or contact, with progress against the goals and any concern; or,
    with `corrects`, a new entry that puts an earlier one right (both stay on the record).
    A concern alerts the panel's chair and coordinators once the entry is saved."""
    authorise_delivering(membership, intervention, "record progress on it")
    statuses = CORRECTING_STATUSES if corrects is not None else RECORDING_STATUSES
    if intervention.status not in statuses:
        raise TransitionNotAllowed(
            f"Progress cannot be recorded on a {intervention.get_status_display().lower()} "
            "intervention."
        )
    if corrects is not None and corrects.intervention_id != intervention.pk:
        raise ValidationError({"corrects": ["That entry is not this intervention's."]})
    goal_ids = {goal.pk for goal in intervention.goals.all()}
    errors = progress_errors(
        data, goal_ids=goal_ids, start_on=intervention.start_on, today=timezone.localdate()
    )
    if errors:
        raise ValidationError(errors)
    made_version = _claim(intervention, version)
    try:
        with transaction.atomic():
            entry = ProgressEntry.objects.create(
                intervention=intervention,
                referral_id=intervention.referral_id,
                source_agency_id=membership.agency_id,
                occurred_on=data.occurred_on,
                contact_type=data.contact_type,
                attended=data.attended,
                duration_minutes=data.duration_minutes,
                notes=data.notes.strip(),
                concern=data.concern,
                concern_open=data.concern,
                corrects=corrects,
                made_version=made_version,
                recorded_by=actor,
            )
    except IntegrityError as error:
        raise ConflictError("That entry has already been corrected.") from error
    if corrects is not None:
        # A corrected concern is no longer open (the correction raises its own if it must).
        ProgressEntry.objects.filter(pk=corrects.pk, concern_open=True).update(concern_open=False)
    GoalProgress.objects.bulk_create(
        GoalProgress(entry=entry, goal_id=goal_id, rating=rating)
        for goal_id, rating in sorted(data.ratings.items())
    )
    last = _last_contact(intervention)
    Intervention.objects.filter(pk=intervention.pk).update(
        last_contact_on=last,
        next_contact_due_on=next_contact_due(
            last_contact_on=last,
            start_on=intervention.start_on,
            every_days=intervention.contact_every_days,
        ),
    )
    append_event(
        event_type=EventType.PROGRESS_RECORDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=intervention.referral_id,
        payload={
            "intervention": intervention.pk,
            "entry": entry.pk,
            "corrects": corrects.pk if corrects else None,
            "attended": data.attended,
            "concern": data.concern,
            "goals": len(data.ratings),
        },
    )
    if data.concern:
        transaction.on_commit(lambda: concern_alert_task.delay(str(entry.pk)))
    return entry


@atomic_unit
def concern_review_record(
    *, actor: User, membership: Membership, entry: ProgressEntry, note: str
) -> ConcernReview:
    """Record that the panel has considered a concern a practitioner raised, and what it
    will do: the concern is no longer open."""
    intervention = entry.intervention
    if not runs_case(membership, intervention.panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel may do this.")
    if not entry.concern:
        raise ValidationError({"entry": ["That entry raises no concern."]})
    note = " ".join(note.split())
    if len(note) < 10:
        raise ValidationError({"note": ["Say what the panel will do (at least 10 characters)."]})
    try:
        with transaction.atomic():
            review = ConcernReview.objects.create(
                intervention=intervention,
                referral_id=intervention.referral_id,
                source_agency_id=intervention.source_agency_id,
                entry=entry,
                note=note,
                reviewed_by=actor,
            )
    except IntegrityError as error:
        raise ConflictError(
            "Someone has already recorded that this concern was considered."
        ) from error
    # Considered, the concern is no longer open: whichever of this and a correction commits
    # last finds it open or closed and leaves it closed.
    ProgressEntry.objects.filter(pk=entry.pk, concern_open=True).update(concern_open=False)
    append_event(
        event_type=EventType.CONCERN_REVIEWED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=intervention.referral_id,
        payload={"intervention": intervention.pk, "entry": entry.pk},
    )
    return review


def access_to_end(intervention: Intervention) -> list[SharingDecision]:
    """The panel's live decisions giving the delivering agency a finished intervention, and
    the identity passed on with it if the agency has no other open intervention on the case."""
    if intervention.status not in FINISHED_STATUSES:
        return []
    other_open = (
        Intervention.objects.filter(
            panel_case_id=intervention.panel_case_id,
            delivering_agency_id=intervention.delivering_agency_id,
            status__in=OPEN_STATUSES,
        )
        .exclude(pk=intervention.pk)
        .exists()
    )
    # The identity share is the one whole-case support share the panel makes.
    scopes = [intervention.scope] if other_open else [intervention.scope, WHOLE_CASE]
    return list(
        support_shares(intervention.panel_case).filter(
            receiving_agency_id=intervention.delivering_agency_id, scope__in=scopes
        )
    )


@atomic_unit
def intervention_access_end(
    *, actor: User, membership: Membership, intervention: Intervention
) -> list[SharingDecision]:
    """End the delivering agency's access to an intervention that was declined, completed
    or withdrawn: revoke the panel's decisions that gave it (and who the person is, if
    nothing else of the case is being delivered by that agency)."""
    if not runs_case(membership, intervention.panel_case):
        raise AccessDenied("Only the chair or a coordinator of the case's panel may do this.")
    decisions = access_to_end(intervention)
    if not decisions:
        raise TransitionNotAllowed(
            "There is no access to end: the intervention is still open, or the agency's "
            "access has already ended."
        )
    revoked = [
        referral_decision_revoke(
            actor=actor,
            membership=membership,
            referral=intervention.panel_case.referral,
            decision=decision,
            reason=ACCESS_ENDED_REASON,
        )
        for decision in decisions
    ]
    append_event(
        event_type=EventType.INTERVENTION_ACCESS_ENDED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=intervention.referral_id,
        payload={
            "intervention": intervention.pk,
            "agency": intervention.delivering_agency_id,
            "decisions": len(revoked),
        },
    )
    return revoked
