"""Reading the chair's dashboard: its sections, and who each case is about where the panel
holds that, recorded as one read of the cases listed."""

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from audit.vocabulary import Category
from panels.selectors.dashboard import (
    DashboardItem,
    PanelDashboard,
    Section,
    panel_dashboard_for_user,
)
from prevent_cases.models import Membership, User
from referrals.selectors import VisibleReferral, referrals_named
from referrals.services.reads import referrals_read

# The dashboard names the person a case is about, where identity is held, and shows
# nothing else of the case: its stage and dates are the panel's own framing.
DASHBOARD_CATEGORIES = frozenset({Category.IDENTITY})


@dataclass(frozen=True)
class DashboardRow:
    """One row of a dashboard section: the item, the person's name where the viewer may
    see it, and the dates the row is listed for."""

    item: DashboardItem
    person_name: str
    days_in_stage: int
    due_on: datetime.date | None = None
    overdue: bool = False
    days_overdue: int = 0
    # Days since something the row is listed for happened (the last contact, a concern).
    days_since: int = 0

    @property
    def panel_case_id(self) -> uuid.UUID:
        return self.item.panel_case_id


@dataclass(frozen=True)
class DashboardRead:
    """The dashboard's sections as the viewer may see them."""

    dashboard: PanelDashboard
    shown: dict[uuid.UUID, VisibleReferral]

    @property
    def sections(self) -> dict[str, Section]:
        return self.dashboard.sections

    def _person_name(self, item: DashboardItem) -> str:
        case = self.shown.get(item.referral_id)
        if case is None or not case.shows(Category.IDENTITY):
            return ""
        subject = case.referral.subject
        return f"{subject.given_names} {subject.family_name}".strip()

    def _row(self, item: DashboardItem, due: bool = False, since: bool = False) -> DashboardRow:
        today = self.dashboard.today
        changed = timezone.localtime(item.stage_changed_at).date()
        due_on = item.on if due else None
        late = due_on is not None and due_on < today
        return DashboardRow(
            item=item,
            person_name=self._person_name(item),
            days_in_stage=(today - changed).days,
            due_on=due_on,
            overdue=late,
            days_overdue=(today - due_on).days if late else 0,
            days_since=(today - item.on).days if since and item.on else 0,
        )

    def _rows(self, name: str, **dates) -> list[DashboardRow]:
        return [self._row(item, **dates) for item in self.sections[name].rows]

    @property
    def open_cases(self) -> list[DashboardRow]:
        return [self._row(item) for item in self.dashboard.open_cases.rows]

    @property
    def overdue_reviews(self) -> list[DashboardRow]:
        return self._rows("overdue_reviews", due=True)

    @property
    def post_exit_reviews(self) -> list[DashboardRow]:
        return self._rows("post_exit_reviews", due=True)

    @property
    def reassessments(self) -> list[DashboardRow]:
        return self._rows("reassessments", due=True)

    @property
    def without_consent(self) -> list[DashboardRow]:
        return self._rows("without_consent")

    @property
    def overdue_actions(self) -> list[DashboardRow]:
        return self._rows("overdue_actions", due=True)

    @property
    def overdue_requests(self) -> list[DashboardRow]:
        return self._rows("overdue_requests", due=True)

    @property
    def without_contact(self) -> list[DashboardRow]:
        return self._rows("without_contact", since=True)

    @property
    def open_concerns(self) -> list[DashboardRow]:
        return self._rows("open_concerns", since=True)


def panel_dashboard_read(
    *,
    actor: User,
    membership: Membership,
    cursor: str | None = None,
    today: datetime.date | None = None,
) -> DashboardRead:
    """The chair's dashboard, with the cases it lists recorded as one read event naming
    identity only; AccessDenied for anyone who does not run a panel."""
    dashboard = panel_dashboard_for_user(
        membership=membership,
        today=today or timezone.localdate(),
        now=timezone.now(),
        no_contact_days=settings.INTERVENTION_NO_CONTACT_DAYS,
        cursor=cursor,
    )
    # The cases the page names, with only what the names need of each: the person's names
    # and the viewer's grants of identity.
    referrals = referrals_named(
        membership=membership,
        ids=dashboard.referral_ids(),
        fields=("owning_agency", "subject__given_names", "subject__family_name"),
        categories=DASHBOARD_CATEGORIES,
    ).values()
    shown = {
        case.referral.pk: case
        for case in referrals_read(
            actor=actor,
            membership=membership,
            referrals=referrals,
            via="panel_dashboard",
            displayed=DASHBOARD_CATEGORIES,
        )
    }
    return DashboardRead(dashboard=dashboard, shown=shown)
