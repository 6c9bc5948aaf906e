"""Opening a panel case from the Channel inbox and moving it between stages.

Every move goes through `panel_case_move`: it applies the transition table, refuses a
write made against an older version of the case, keeps the move and its reasons, and
appends the audit event. The panel's decisions (panels.services.meetings), consent
(panels.services.support) and transfers call it; nothing else changes a case's stage.
"""

import datetime
import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from audit.event_types import EventType
from audit.models import SharingDecision
from audit.record.chain import append_event, atomic_unit
from audit.vocabulary import DecisionAction
from panels.models import Intervention, Panel, PanelCase, PostExitReview, StageMove
from panels.models.support import INTERVENTION_SCOPE_PREFIX
from panels.models.vocabulary import ExitOutcome, InterventionStatus, Stage
from panels.rules.permissions import runs_case, runs_panel_for
from panels.rules.stages import StageEvent, move_for
from panels.selectors.cases import stage_blockers
from panels.selectors.support import transferred_case_for
from prevent_cases.dates import add_months
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from prevent_cases.models import Agency, Membership, User
from referrals.models import Referral, ReferralStatus
from referrals.services.case import information_source_record, referral_decision_revoke
from referrals.services.grants import CASE_TYPE

MIN_RATIONALE_CHARS = 20
POST_EXIT_REVIEW_MONTHS = (6, 12)
# The purpose of the onward share of the person's identity the panel makes to an agency it
# assigns an intervention, so the provider can find and contact the person it supports.
IDENTITY_PURPOSE = "Let the assigned provider identify and contact the person it supports"
OPEN_INTERVENTION_STATUSES = (
    InterventionStatus.PLANNED,
    InterventionStatus.ACTIVE,
    InterventionStatus.PAUSED,
)


def authorise_running(membership: Membership, panel_case: PanelCase, what: str) -> None:
    """AccessDenied unless the member is the chair or a coordinator of the case's panel,
    still responsible for it; `what` names the refused act in the message."""
    if not runs_case(membership, panel_case):
        raise AccessDenied(f"Only the chair or a coordinator of the case's panel may {what}.")


def _say_why(text: str, field_name: str = "rationale") -> str:
    cleaned = " ".join(text.split())
    if len(cleaned) < MIN_RATIONALE_CHARS:
        raise ValidationError(
            {field_name: [f"Give the panel's reasons (at least {MIN_RATIONALE_CHARS} characters)."]}
        )
    return text.strip()


def panel_for_agency(agency: Agency) -> Panel:
    """The Channel panel the agency chairs: the one of the area whose panel agency it is."""
    panel = Panel.objects.filter(agency=agency).first()
    if panel is not None:
        return panel
    area = agency.panel_for.first()
    if area is None:
        raise ValidationError("Your agency is not set up as an area's Channel panel.")
    panel, _ = Panel.objects.get_or_create(agency=agency, defaults={"area": area})
    return panel


def panel_set_up(*, agency: Agency, members: list[Agency]) -> Panel:
    """Give the area whose panel agency this is a panel with these standing members."""
    panel = panel_for_agency(agency)
    panel.members.add(*[member for member in members if member.pk != agency.pk])
    return panel


@atomic_unit
def panel_case_open(
    *,
    actor: User,
    membership: Membership,
    referral: Referral,
    previous_case: PanelCase | None = None,
) -> PanelCase:
    """Accept a referral from the Channel inbox: it becomes a case before the panel, at
    identification. Only the responsible panel's chair or coordinator accepts. A referral
    another panel transferred here is linked to the episode that panel closed."""
    if not runs_panel_for(membership, referral):
        raise AccessDenied(
            "Only the responsible panel's chair or coordinator may accept a referral."
        )
    if referral.status != ReferralStatus.PROGRESSED:
        raise TransitionNotAllowed("Only a referral progressed to Channel can be accepted.")
    # Out of the inbox first: the update locks the referral's row, so of two coordinators
    # accepting it at once the second waits here and then finds the first one's case.
    Referral.objects.filter(pk=referral.pk).update(awaiting_panel=False)
    referral.awaiting_panel = False
    if (
        PanelCase.objects.filter(referral=referral)
        .exclude(stage__in=(Stage.EXITED, Stage.NOT_ADOPTED))
        .exists()
    ):
        raise ConflictError("This referral is already before a panel.")
    previous_case = previous_case or transferred_case_for(referral.pk)
    now = timezone.now()
    panel_case = PanelCase.objects.create(
        referral=referral,
        panel=panel_for_agency(membership.agency),
        source_agency_id=membership.agency_id,
        previous_case=previous_case,
        stage=Stage.IDENTIFICATION,
        stage_changed_at=now,
        accepted_by=actor,
    )
    information_source_record(referral=referral, agency=membership.agency)
    append_event(
        event_type=EventType.PANEL_CASE_OPENED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=referral.pk,
        payload={
            "panel": panel_case.panel_id,
            "panel_case": panel_case.pk,
            "previous_case": previous_case.pk if previous_case else None,
        },
    )
    return panel_case


@dataclass(frozen=True)
class MoveDetails:
    """What a move records besides its reasons: the onward route of a case not adopted, the
    exit outcome, when to review or re-assess."""

    not_adopted_route: str = ""
    onward_service: str = ""
    exit_outcome: str = ""
    next_review_on: datetime.date | None = None
    reassess_on: datetime.date | None = None
    extra: dict = field(default_factory=dict)


def _details_errors(event: str, details: MoveDetails, today: datetime.date) -> dict:
    errors: dict[str, list[str]] = {}
    if event == StageEvent.NOT_ADOPT and not details.not_adopted_route:
        errors["not_adopted_route"] = ["Choose where the case goes if the panel does not adopt it."]
    needs_service = details.not_adopted_route in ("health", "social_care")
    if event == StageEvent.NOT_ADOPT and needs_service and not details.onward_service.strip():
        errors["onward_service"] = ["Name the service the person is referred to."]
    if event == StageEvent.EXIT and details.exit_outcome not in ExitOutcome.values:
        errors["exit_outcome"] = ["Choose the exit outcome."]
    reassess_later = details.reassess_on is not None and details.reassess_on > today
    if event == StageEvent.STOP_WITHOUT_CONSENT and not reassess_later:
        errors["reassess_on"] = ["Set a future date when the panel will re-assess the case."]
    review_on = details.next_review_on
    if event == StageEvent.CONTINUE and review_on is not None and review_on <= today:
        errors["next_review_on"] = ["The next review must be after today."]
    return errors


def _fields_after(panel_case: PanelCase, event: str, details: MoveDetails, today) -> dict:
    interval = datetime.timedelta(days=panel_case.panel.review_interval_days)
    fields: dict = {}
    if event == StageEvent.NOT_ADOPT:
        fields.update(
            not_adopted_route=details.not_adopted_route,
            onward_service=details.onward_service.strip(),
            next_review_on=None,
        )
    if event in (StageEvent.START_SUPPORT, StageEvent.CONTINUE):
        fields["next_review_on"] = details.next_review_on or today + interval
    if event == StageEvent.EXIT:
        fields.update(exit_outcome=details.exit_outcome, exited_on=today, next_review_on=None)
    if event == StageEvent.STOP_WITHOUT_CONSENT:
        fields.update(
            exit_outcome=ExitOutcome.CONSENT_WITHDRAWN,
            exited_on=today,
            next_review_on=None,
            reassess_on=details.reassess_on,
        )
    if event == StageEvent.TRANSFER:
        fields.update(exit_outcome=ExitOutcome.TRANSFERRED, exited_on=today, next_review_on=None)
    return fields


def support_shares(panel_case: PanelCase) -> QuerySet[SharingDecision]:
    """The panel's live decisions giving delivering agencies their interventions, and the
    identity it passed on with them."""
    return SharingDecision.objects.for_case(
        case_type=CASE_TYPE, case_id=panel_case.referral_id
    ).filter(
        Q(scope__startswith=INTERVENTION_SCOPE_PREFIX) | Q(purpose=IDENTITY_PURPOSE),
        action=DecisionAction.SHARE,
        disclosing_agency_id=panel_case.source_agency_id,
        superseded_by__isnull=True,
    )


def support_access_end(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    reason: str,
    status: str = InterventionStatus.WITHDRAWN,
) -> list[SharingDecision]:
    """End delivering agencies' access to the case's interventions: revoke every live
    share the panel made in an intervention's scope and the identity it passed on with
    them, and close open interventions with `status`. Runs inside the caller's unit, so
    support stops and access ends together."""
    live = support_shares(panel_case).select_related("receiving_agency", "source_agency")
    revoked = [
        referral_decision_revoke(
            actor=actor,
            membership=membership,
            referral=panel_case.referral,
            decision=decision,
            reason=reason,
        )
        for decision in live
    ]
    Intervention.objects.filter(
        panel_case=panel_case,
        status__in=(
            InterventionStatus.PLANNED,
            InterventionStatus.ACTIVE,
            InterventionStatus.PAUSED,
        ),
    ).update(status=status, version=F("version") + 1, updated_at=timezone.now())
    return revoked


def _schedule_post_exit_reviews(panel_case: PanelCase, exited_on: datetime.date) -> None:
    PostExitReview.objects.bulk_create(
        PostExitReview(
            panel_case=panel_case,
            referral_id=panel_case.referral_id,
            source_agency_id=panel_case.source_agency_id,
            months_after_exit=months,
            due_on=add_months(exited_on, months),
        )
        for months in POST_EXIT_REVIEW_MONTHS
    )


def panel_case_move(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    event: str,
    rationale: str,
    version: int,
    details: MoveDetails | None = None,
) -> StageMove:
    """Move a case by one event of the transition table. Call it inside an atomic unit;
    the callers (a meeting decision, a consent record, a transfer) authorise the kind of
    move, this checks that the actor runs the case's panel and that nobody changed the
    case since `version` was read."""
    authorise_running(membership, panel_case, "move it")
    details = details or MoveDetails()
    move = move_for(panel_case.stage, event)
    today = timezone.localdate()
    errors = _details_errors(event, details, today)
    try:
        rationale = _say_why(rationale)
    except ValidationError as error:
        errors.update(error.message_dict)
    blockers = stage_blockers(panel_case, event)
    if blockers:
        errors["event"] = blockers
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    fields = _fields_after(panel_case, event, details, today)
    updated = PanelCase.objects.filter(
        pk=panel_case.pk, version=version, stage=panel_case.stage
    ).update(
        stage=move.to_stage,
        stage_changed_at=now,
        version=F("version") + 1,
        updated_at=now,
        **fields,
    )
    if updated != 1:
        raise ConflictError(
            "Someone else has changed this case since you opened it. Reload it and try again."
        )
    from_stage = panel_case.stage
    for name, value in {"stage": move.to_stage, "stage_changed_at": now, **fields}.items():
        setattr(panel_case, name, value)
    panel_case.version = version + 1
    step = StageMove.objects.create(
        id=uuid.uuid4(),
        panel_case=panel_case,
        referral_id=panel_case.referral_id,
        source_agency_id=panel_case.source_agency_id,
        from_stage=from_stage,
        to_stage=move.to_stage,
        event=event,
        rationale=rationale,
        actor=actor,
        created_at=now,
    )
    if move.to_stage == Stage.EXITED:
        _schedule_post_exit_reviews(panel_case, today)
    if event == StageEvent.EXIT:
        # Support ends with Channel: providers keep nothing of the case once it has left.
        support_access_end(
            actor=actor,
            membership=membership,
            panel_case=panel_case,
            reason="The case has exited Channel; support under its plan has ended.",
            status=InterventionStatus.COMPLETED
            if details.exit_outcome == ExitOutcome.NO_FURTHER_CONCERN
            else InterventionStatus.WITHDRAWN,
        )
    append_event(
        event_type=EventType.PANEL_CASE_STAGE_CHANGED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=CASE_TYPE,
        target_id=panel_case.referral_id,
        payload={
            "panel_case": panel_case.pk,
            "from": from_stage,
            "to": move.to_stage,
            "event": event,
            "outcome": fields.get("exit_outcome") or fields.get("not_adopted_route") or "",
        },
    )
    return step
