"""Transferring a case to another area's panel when the person moves.

In one unit of work the sending panel shares with the receiving area's panel what it may
share (its own record of the case, and onward what it holds directly of the police's and
partners' information), ends the access it gave for its own purposes (onward shares to
its members, providers' interventions), closes its episode as transferred and hands
responsibility over. The receiving panel then finds the referral in its Channel inbox and
accepts it as a new episode linked to the one sent (support_selectors.transferred_case_for).

What the sending panel was given directly by the police or a partner stays with it until
that agency revokes its own decision: only the agency that made a decision may end it
(docs/adr/0010-panel-transfers.md). The sending panel can no longer act on the case, since
it is no longer responsible for it.
"""

import dataclasses

from django.core.exceptions import ValidationError

from audit.models import SharingDecision
from audit.record.chain import atomic_unit
from audit.services.decision_rules import DecisionInput
from audit.vocabulary import Category, DecisionAction
from panels.models import PanelCase, PostExitReview
from panels.rules.permissions import runs_case
from panels.rules.stages import StageEvent
from panels.services.cases import panel_case_move, support_access_end
from prevent_cases.exceptions import AccessDenied, TransitionNotAllowed
from prevent_cases.models import Area, Membership, User
from prevent_cases.policy import WHOLE_CASE
from referrals.models import Referral, ReferralResponsibility
from referrals.rules.permissions import information_sources
from referrals.selectors import direct_holdings
from referrals.services.case import (
    MIN_TRANSFER_NOTE_CHARS,
    referral_decision_revoke,
    referral_share,
    referral_transfer,
)
from referrals.services.grants import CASE_TYPE

# The panel's own record of a case: its decisions and minutes, the agreed assessment,
# consent, the plan and interventions.
PANEL_RECORD = (Category.PANEL, Category.ASSESSMENT, Category.SUPPORT)
TRANSFER_REVOKE_REASON = (
    "The case has been transferred to another area's panel; this sharing was for the "
    "sending panel's purposes."
)


@dataclasses.dataclass(frozen=True)
class TransferResult:
    responsibility: ReferralResponsibility
    shared: list[SharingDecision]
    revoked: list[SharingDecision]


def _transfer_errors(panel_case: PanelCase, to_area: Area | None, note: str) -> dict:
    errors: dict[str, list[str]] = {}
    target = to_area.panel_agency if to_area is not None else None
    if to_area is None:
        errors["to_area"] = ["Choose the area the case moves to."]
    elif target is None:
        errors["to_area"] = ["That area has no Channel panel set up."]
    elif target.pk == panel_case.referral.responsible_agency_id:
        errors["to_area"] = ["Choose another area than the one now responsible."]
    if len(" ".join(note.split())) < MIN_TRANSFER_NOTE_CHARS:
        errors["note"] = ["Say why the case is being transferred."]
    return errors


def _onward_to_members(panel_case: PanelCase, receiving_id) -> list[SharingDecision]:
    """The sending panel's live onward shares to anyone but the receiving panel."""
    return list(
        SharingDecision.objects.for_case(case_type=CASE_TYPE, case_id=panel_case.referral_id)
        .filter(
            action=DecisionAction.SHARE,
            disclosing_agency_id=panel_case.source_agency_id,
            superseded_by__isnull=True,
        )
        .exclude(source_agency_id=panel_case.source_agency_id)
        .exclude(receiving_agency_id=receiving_id)
        .select_related("receiving_agency")
    )


@atomic_unit
def panel_case_transfer(
    *,
    actor: User,
    membership: Membership,
    panel_case: PanelCase,
    to_area: Area | None,
    note: str,
    data: DecisionInput,
    version: int,
) -> TransferResult:
    """Transfer an open case to `to_area`'s panel. `data` is the sending panel's sharing
    decision (purpose, legal basis, consent, justification, expiry); its categories are
    set here, per source, to what the panel may pass on."""
    if not runs_case(membership, panel_case):
        raise AccessDenied("Only the chair or a coordinator of the responsible panel may transfer.")
    if not panel_case.is_open:
        raise TransitionNotAllowed("The case is closed: only an open case can be transferred.")
    errors = _transfer_errors(panel_case, to_area, note)
    if errors:
        raise ValidationError(errors)
    referral = panel_case.referral
    receiving = to_area.panel_agency
    panel_agency_id = panel_case.source_agency_id
    shared = [
        referral_share(
            actor=actor,
            membership=membership,
            referral=referral,
            receiving_agency=receiving,
            data=dataclasses.replace(data, categories=PANEL_RECORD),
            source_agency_id=panel_agency_id,
        )
    ]
    for source_id in information_sources(referral):
        if source_id in (panel_agency_id, receiving.pk):
            continue
        held = direct_holdings(agency=membership.agency, referral=referral, source_id=source_id)
        categories = tuple(sorted({cat for cat, _, scope in held if scope == WHOLE_CASE}))
        if categories:
            shared.append(
                referral_share(
                    actor=actor,
                    membership=membership,
                    referral=referral,
                    receiving_agency=receiving,
                    data=dataclasses.replace(data, categories=categories),
                    source_agency_id=source_id,
                )
            )
    revoked = [
        referral_decision_revoke(
            actor=actor,
            membership=membership,
            referral=referral,
            decision=decision,
            reason=TRANSFER_REVOKE_REASON,
        )
        for decision in _onward_to_members(panel_case, receiving.pk)
    ]
    panel_case_move(
        actor=actor,
        membership=membership,
        panel_case=panel_case,
        event=StageEvent.TRANSFER,
        rationale=note,
        version=version,
    )
    revoked += support_access_end(
        actor=actor, membership=membership, panel_case=panel_case, reason=TRANSFER_REVOKE_REASON
    )
    # Leaving by transfer is not leaving Channel: the receiving panel carries the case on,
    # so the post-exit reviews the move scheduled here are not this panel's to hold.
    PostExitReview.objects.filter(panel_case=panel_case, done_at__isnull=True).delete()
    responsibility = referral_transfer(
        actor=actor, membership=membership, referral=referral, to_area=to_area, note=note
    )
    # The receiving panel finds it in its Channel inbox, unless it held the case before
    # (a case comes back to a panel that held it by a post-exit review, not the inbox).
    referral.awaiting_panel = not PanelCase.objects.filter(
        referral=referral, panel__agency_id=receiving.pk
    ).exists()
    Referral.objects.filter(pk=referral.pk).update(awaiting_panel=referral.awaiting_panel)
    return TransferResult(responsibility=responsibility, shared=shared, revoked=revoked)
