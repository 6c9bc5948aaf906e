"""Every permission-scoped read of panel data. Views never query panel models themselves.

A panel case is reached through its referral: an agency that may see nothing of the
referral cannot see the case (NotFound, as for a missing id). What each row of the case
shows is decided item by item from its (category, source, scope) and the viewer's grants.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet

from audit.vocabulary import Category
from panels.models import CLOSED_STAGES, Assessment, Consent, Intervention, PanelCase
from panels.models.vocabulary import ConsentDecision
from panels.rules.stages import PANEL_ROLES, StageEvent
from prevent_cases.exceptions import NotFound
from prevent_cases.models import Membership
from prevent_cases.policy import WHOLE_CASE, handles_case_content, sees_item
from referrals.models import Referral, ReferralStatus
from referrals.selectors import VisibleReferral, referral_get_for_user, referral_list_for_user


@dataclass(frozen=True)
class VisiblePanelCase:
    """A panel case with what the viewer may see of it: through `shown`, the referral and
    the viewer's grants on it."""

    panel_case: PanelCase
    shown: VisibleReferral
    membership: Membership

    @property
    def referral(self) -> Referral:
        return self.shown.referral

    def sees(self, category: str, source_id, scope: str = WHOLE_CASE) -> bool:
        """Whether the viewer may see one item: `category` of `source_id`'s information."""
        return sees_item(
            self.membership,
            agency_id=self.membership.agency_id,
            item=(category, source_id, scope),
            grants=self.shown.grants,
        )

    def sees_panel(self, category: str = Category.PANEL) -> bool:
        """Whether the viewer may see what the panel itself recorded in `category`."""
        return self.sees(category, self.panel_case.source_agency_id)


def _panel_cases() -> QuerySet[PanelCase]:
    return PanelCase.objects.select_related(
        "panel", "panel__area", "source_agency", "referral", "referral__subject"
    )


def channel_inbox(*, membership: Membership | None) -> QuerySet[Referral]:
    """Referrals progressed to the member's panel and not yet accepted, oldest first.

    Only the responsible panel's chair and coordinators have an inbox."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        return Referral.objects.none()
    open_case = PanelCase.objects.filter(referral=OuterRef("pk")).exclude(stage__in=CLOSED_STAGES)
    # A case this panel has already held (not adopted, exited) does not come back here: a
    # post-exit review reopens it instead.
    held_here = PanelCase.objects.filter(
        referral=OuterRef("pk"), panel__agency_id=membership.agency_id
    )
    return (
        referral_list_for_user(membership=membership)
        .filter(status=ReferralStatus.PROGRESSED, responsible_agency_id=membership.agency_id)
        .exclude(Exists(open_case))
        .exclude(Exists(held_here))
        .order_by("status_changed_at", "id")
    )


def panel_cases_for_user(*, membership: Membership | None) -> QuerySet[PanelCase]:
    """Open cases before the member's own panel (chair and coordinators), oldest stage first."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        return PanelCase.objects.none()
    return (
        _panel_cases()
        .filter(
            panel__agency_id=membership.agency_id,
            referral__responsible_agency_id=membership.agency_id,
        )
        .exclude(stage__in=CLOSED_STAGES)
        .order_by("stage_changed_at", "id")
    )


def panel_case_get_for_user(
    *, membership: Membership | None, panel_case_id: uuid.UUID
) -> VisiblePanelCase:
    """One panel case as the member may see it; NotFound if it may see nothing of it."""
    panel_case = _panel_cases().filter(pk=panel_case_id).first()
    if panel_case is None:
        raise NotFound("No panel case with that id.")
    shown = referral_get_for_user(membership=membership, referral_id=panel_case.referral_id)
    return VisiblePanelCase(panel_case=panel_case, shown=shown, membership=membership)


def stage_blockers(panel_case: PanelCase, event: str) -> list[str]:
    """What stops the panel from taking this decision now, in words for the page: the
    assessment must be agreed before the plan, and consent given and support assigned
    before support starts (CTSA s.36(4)-(5))."""
    blockers = []
    if event == StageEvent.AGREE_ASSESSMENT:
        latest = Assessment.objects.filter(panel_case=panel_case).order_by("-number").first()
        if latest is None or latest.agreed_at is None:
            blockers.append("The panel has not agreed a needs assessment for this case yet.")
    if event == StageEvent.START_SUPPORT:
        consent = Consent.objects.filter(panel_case=panel_case).order_by("-created_at").first()
        if consent is None or consent.decision != ConsentDecision.GIVEN:
            blockers.append("Support cannot start until consent is recorded as given.")
        if not Intervention.objects.filter(panel_case=panel_case).exists():
            blockers.append("The support plan assigns no intervention yet.")
    return blockers
