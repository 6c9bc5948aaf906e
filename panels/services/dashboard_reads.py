"""Reading the chair's dashboard: its sections, and who each case is about where the panel
holds that, recorded as one read of the cases listed."""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from audit.vocabulary import Category
from panels.models import PanelCase
from panels.selectors.cases import VisiblePanelCase
from panels.selectors.dashboard import PanelDashboard, panel_dashboard_for_user
from prevent_cases.models import Membership, User
from referrals.selectors import referral_list_for_user
from referrals.services.reads import referrals_read

# The dashboard names the person a case is about, where identity is held, and shows
# nothing else of the case: its stage and dates are the panel's own framing.
DASHBOARD_CATEGORIES = frozenset({Category.IDENTITY})


@dataclass(frozen=True)
class DashboardRow:
    """One row of a dashboard section: the item, its case as the viewer may see it, and
    the dates the row is listed for."""

    item: object
    panel_case: PanelCase
    person_name: str
    days_in_stage: int
    due_on: datetime.date | None = None
    overdue: bool = False
    days_overdue: int = 0
    # Days since something the row is listed for happened (the last contact, a concern).
    days_since: int = 0


@dataclass(frozen=True)
class DashboardRead:
    """The dashboard with each listed case as the viewer may see it, by panel case id."""

    dashboard: PanelDashboard
    cases: dict[object, VisiblePanelCase]

    def _person_name(self, panel_case: PanelCase) -> str:
        case = self.cases.get(panel_case.pk)
        if case is None or not case.shown.shows(Category.IDENTITY):
            return ""
        subject = case.referral.subject
        return f"{subject.given_names} {subject.family_name}".strip()

    def _row(
        self,
        item,
        panel_case: PanelCase,
        due_on: datetime.date | None = None,
        since: datetime.date | None = None,
    ):
        today = self.dashboard.today
        changed = timezone.localtime(panel_case.stage_changed_at).date()
        late = due_on is not None and due_on < today
        return DashboardRow(
            item=item,
            panel_case=panel_case,
            person_name=self._person_name(panel_case),
            days_in_stage=(today - changed).days,
            due_on=due_on,
            overdue=late,
            days_overdue=(today - due_on).days if late else 0,
            days_since=(today - since).days if since else 0,
        )

    @property
    def open_cases(self) -> list[DashboardRow]:
        return [self._row(case, case) for case in self.dashboard.open_cases]

    @property
    def overdue_reviews(self) -> list[DashboardRow]:
        return [
            self._row(case, case, case.next_review_on)
            for case in self.dashboard.overdue_reviews.rows
        ]

    @property
    def post_exit_reviews(self) -> list[DashboardRow]:
        return [
            self._row(review, review.panel_case, review.due_on)
            for review in self.dashboard.post_exit_reviews.rows
        ]

    @property
    def reassessments(self) -> list[DashboardRow]:
        return [
            self._row(case, case, case.reassess_on) for case in self.dashboard.reassessments.rows
        ]

    @property
    def without_consent(self) -> list[DashboardRow]:
        return [self._row(case, case) for case in self.dashboard.without_consent.rows]

    @property
    def overdue_actions(self) -> list[DashboardRow]:
        return [
            self._row(action, action.panel_case, action.due_on)
            for action in self.dashboard.overdue_actions.rows
        ]

    @property
    def overdue_requests(self) -> list[DashboardRow]:
        return [
            self._row(request, request.panel_case, request.due_on)
            for request in self.dashboard.overdue_requests.rows
        ]

    @property
    def without_contact(self) -> list[DashboardRow]:
        return [
            self._row(
                intervention,
                intervention.panel_case,
                since=intervention.last_contact_on or intervention.start_on,
            )
            for intervention in self.dashboard.without_contact.rows
        ]

    @property
    def open_concerns(self) -> list[DashboardRow]:
        return [
            self._row(entry, entry.intervention.panel_case, since=entry.occurred_on)
            for entry in self.dashboard.open_concerns.rows
        ]


def panel_dashboard_read(
    *,
    actor: User,
    membership: Membership,
    page_number: str | int | None = None,
    today: datetime.date | None = None,
) -> DashboardRead:
    """The chair's dashboard, with the cases it lists recorded as one read event naming
    identity only; AccessDenied for anyone who does not run a panel."""
    dashboard = panel_dashboard_for_user(
        membership=membership,
        today=today or timezone.localdate(),
        now=timezone.now(),
        no_contact_days=settings.INTERVENTION_NO_CONTACT_DAYS,
        page_number=page_number,
    )
    panel_cases = dashboard.panel_cases()
    referrals = referral_list_for_user(membership=membership).filter(
        pk__in={case.referral_id for case in panel_cases}
    )
    shown = {
        visible.referral.pk: visible
        for visible in referrals_read(
            actor=actor,
            membership=membership,
            referrals=referrals,
            via="panel_dashboard",
            displayed=DASHBOARD_CATEGORIES,
        )
    }
    cases = {
        case.pk: VisiblePanelCase(
            panel_case=case, shown=shown[case.referral_id], membership=membership
        )
        for case in panel_cases
        if case.referral_id in shown
    }
    return DashboardRead(dashboard=dashboard, cases=cases)
