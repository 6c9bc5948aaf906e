"""What the chair's dashboard reads: the panel's own cases by stage and the work that is
due or overdue on them, each section one query whatever the number of cases (open
concerns two: the panel's grants of delivering agencies' records, then the concerns).

Only the chair and coordinators of a panel read it, and only for the cases that panel is
responsible for: a case before the panel whose referral has since moved to another area's
panel is that panel's work, not this one's.
"""

import datetime
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from audit.vocabulary import Category
from panels.models import (
    CLOSED_STAGES,
    ConcernReview,
    Consent,
    InformationRequest,
    Intervention,
    Meeting,
    Panel,
    PanelAction,
    PanelCase,
    PostExitReview,
    ProgressEntry,
)
from panels.models.vocabulary import (
    ConsentDecision,
    InterventionStatus,
    RequestStatus,
    Stage,
)
from panels.rules.stages import PANEL_ROLES
from panels.selectors.cases import next_meeting, panel_for_member
from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import Membership
from prevent_cases.policy import WHOLE_CASE, handles_case_content
from referrals.selectors import live_grants
from referrals.services.grants import permissions_by_category

# Open cases listed per page, longest in their stage first.
OPEN_CASES_PAGE_SIZE = 25
# Rows shown in each of the other sections, as many as a page of open cases; the section
# says when there are more.
SECTION_LIMIT = OPEN_CASES_PAGE_SIZE
# Post-exit reviews and re-assessments are listed this many days before they fall due,
# so the coordinator can put them on an agenda in time.
DUE_SOON_DAYS = 14
# Stages at which the panel needs consent before support can run (CTSA s.36(4)).
CONSENT_STAGES = (Stage.SUPPORT_PLAN, Stage.REVIEW)


def dashboard_panel_for_user(*, membership: Membership | None) -> Panel:
    """The panel the member runs as its chair or a coordinator; AccessDenied, saying why,
    for anyone else."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        raise AccessDenied(
            "The panel dashboard is for the Channel panel's chair and coordinators. "
            "Your role does not include running the panel."
        )
    panel = panel_for_member(membership=membership)
    if panel is None:
        raise AccessDenied(
            "The panel dashboard is for the Channel panel's chair and coordinators. "
            "Your agency does not run an area's Channel panel."
        )
    return panel


def _own(panel: Panel, path: str = "") -> Q:
    """The panel's own cases: before it, and it still responsible for the referral."""
    return Q(**{f"{path}panel": panel, f"{path}referral__responsible_agency_id": panel.agency_id})


def _cases(panel: Panel) -> QuerySet[PanelCase]:
    return PanelCase.objects.filter(_own(panel)).select_related("referral")


def _open_cases(panel: Panel) -> QuerySet[PanelCase]:
    return _cases(panel).exclude(stage__in=CLOSED_STAGES)


def stage_counts(*, panel: Panel) -> dict[str, int]:
    """How many of the panel's open cases stand at each stage."""
    counted = dict(_open_cases(panel).order_by().values_list("stage").annotate(cases=Count("id")))
    return {stage: counted.get(stage, 0) for stage in Stage.values if stage not in CLOSED_STAGES}


def open_cases_page(*, panel: Panel, page_number: str | int | None) -> Page:
    """One page of the panel's open cases, the longest in their stage first."""
    cases = _open_cases(panel).order_by("stage_changed_at", "id")
    return Paginator(cases, OPEN_CASES_PAGE_SIZE).get_page(page_number)


def overdue_reviews(*, panel: Panel, today: datetime.date) -> QuerySet[PanelCase]:
    """Open cases whose review date has passed, the longest overdue first."""
    return _open_cases(panel).filter(next_review_on__lt=today).order_by("next_review_on", "id")


def post_exit_reviews_due(*, panel: Panel, today: datetime.date) -> QuerySet[PostExitReview]:
    """Post-exit reviews not yet done that fall due within DUE_SOON_DAYS or are overdue."""
    return (
        PostExitReview.objects.filter(
            _own(panel, "panel_case__"),
            done_at__isnull=True,
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
        )
        .select_related("panel_case", "panel_case__referral")
        .order_by("due_on", "id")
    )


def reassessments_due(*, panel: Panel, today: datetime.date) -> QuerySet[PanelCase]:
    """Cases stopped for want of consent whose re-assessment falls due within DUE_SOON_DAYS
    or is overdue, unless the referral is already back before the panel."""
    return (
        _cases(panel)
        .filter(
            reassess_on__isnull=False,
            reassess_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
            next_case__isnull=True,
        )
        .order_by("reassess_on", "id")
    )


def cases_without_consent(*, panel: Panel) -> QuerySet[PanelCase]:
    """Cases at the support plan or review whose latest consent record is missing or is
    not consent given, the longest in their stage first."""
    latest = (
        Consent.objects.filter(panel_case=OuterRef("pk"))
        .order_by("-created_at", "-id")
        .values("decision")[:1]
    )
    return (
        _open_cases(panel)
        .filter(stage__in=CONSENT_STAGES)
        .annotate(latest_consent=Subquery(latest))
        .filter(Q(latest_consent__isnull=True) | ~Q(latest_consent=ConsentDecision.GIVEN))
        .order_by("stage_changed_at", "id")
    )


def overdue_actions(*, panel: Panel, today: datetime.date) -> QuerySet[PanelAction]:
    """Actions on the panel's cases not done by their due date, the longest overdue first."""
    return (
        PanelAction.objects.filter(
            _own(panel, "panel_case__"), done_at__isnull=True, due_on__lt=today
        )
        .select_related("panel_case", "panel_case__referral", "owner_agency")
        .order_by("due_on", "id")
    )


def overdue_information_requests(
    *, panel: Panel, today: datetime.date
) -> QuerySet[InformationRequest]:
    """Requests on the panel's cases still unanswered after their due date."""
    return (
        InformationRequest.objects.filter(
            _own(panel, "panel_case__"), status=RequestStatus.OPEN, due_on__lt=today
        )
        .select_related("panel_case", "panel_case__referral", "to_agency")
        .order_by("due_on", "id")
    )


def interventions_without_contact(
    *, panel: Panel, today: datetime.date, no_contact_days: int
) -> QuerySet[Intervention]:
    """Active interventions on the panel's open cases whose person was last seen (or, with
    no session yet, whose intervention started) more than `no_contact_days` ago, the
    longest without contact first. Read from the intervention's own last contact, which
    the progress service keeps up to date, not from its entries."""
    cutoff = today - datetime.timedelta(days=no_contact_days)
    return (
        Intervention.objects.filter(_own(panel, "panel_case__"), status=InterventionStatus.ACTIVE)
        .exclude(panel_case__stage__in=CLOSED_STAGES)
        .filter(
            Q(last_contact_on__lt=cutoff) | Q(last_contact_on__isnull=True, start_on__lt=cutoff)
        )
        .select_related("panel_case", "panel_case__referral", "delivering_agency")
        .order_by(Coalesce("last_contact_on", "start_on"), "id")
    )


def _reports_held(panel: Panel, entries: list[ProgressEntry]) -> list[ProgressEntry]:
    """The entries whose delivering agency's record the panel holds by a live grant: for
    the intervention's scope (the agency's decision when it accepted) or for the whole
    case. One query, for the grants on these entries' cases only."""
    held = set(
        live_grants()
        .filter(
            group_id=panel.agency.group_id,
            permission_id=permissions_by_category()[Category.SUPPORT],
            content_object_id__in={entry.referral_id for entry in entries},
        )
        .values_list("content_object_id", "source_agency_id", "scope")
    )
    return [
        entry
        for entry in entries
        if (entry.referral_id, entry.source_agency_id, WHOLE_CASE) in held
        or (entry.referral_id, entry.source_agency_id, entry.scope) in held
    ]


def open_concerns(*, panel: Panel) -> "Section":
    """Concerns raised on the panel's cases that no later entry corrects and the panel has
    not yet recorded as considered, where the panel holds the delivering agency's record,
    the oldest first.

    Open concerns are few (each is the panel's work until considered) and come from a
    partial index of concerns; which of them the panel holds is settled for those few in
    Python, rather than by an OR over every intervention's scope in SQL."""
    concerns = (
        ProgressEntry.objects.filter(
            _own(panel, "intervention__panel_case__"), concern=True, correction__isnull=True
        )
        .exclude(pk__in=ConcernReview.objects.values("entry_id"))
        .select_related(
            "intervention__panel_case",
            "intervention__panel_case__referral",
            "intervention__delivering_agency",
        )
        .order_by("occurred_on", "created_at", "id")
    )
    return section(_reports_held(panel, list(concerns)))


@dataclass(frozen=True)
class Section:
    """The first SECTION_LIMIT rows of one list, and whether it holds more."""

    rows: list
    more: bool

    def shown_as(self, row) -> "Section":
        """The same section with each row turned into what the page shows of it."""
        return Section(rows=[row(item) for item in self.rows], more=self.more)


def section(rows: QuerySet | list) -> Section:
    """Read one more row than is shown, to know whether there are more, in one query."""
    batch = list(rows[: SECTION_LIMIT + 1])
    return Section(rows=batch[:SECTION_LIMIT], more=len(batch) > SECTION_LIMIT)


@dataclass(frozen=True)
class PanelDashboard:
    """Everything on the chair's dashboard, read in a fixed number of queries."""

    panel: Panel
    today: datetime.date
    stage_counts: dict[str, int]
    open_cases: Page
    next_meeting: Meeting | None
    overdue_reviews: Section
    post_exit_reviews: Section
    reassessments: Section
    without_consent: Section
    overdue_actions: Section
    overdue_requests: Section
    no_contact_days: int
    without_contact: Section
    open_concerns: Section

    def panel_cases(self) -> list[PanelCase]:
        """Every case a row of the dashboard names, once each, in the order first shown."""
        cases: dict = {}
        for case in [*self.open_cases, *self.overdue_reviews.rows]:
            cases.setdefault(case.pk, case)
        for case in [*self.reassessments.rows, *self.without_consent.rows]:
            cases.setdefault(case.pk, case)
        for rows in (
            self.post_exit_reviews,
            self.overdue_actions,
            self.overdue_requests,
            self.without_contact,
        ):
            for item in rows.rows:
                cases.setdefault(item.panel_case_id, item.panel_case)
        for entry in self.open_concerns.rows:
            cases.setdefault(entry.intervention.panel_case_id, entry.intervention.panel_case)
        return list(cases.values())


def panel_dashboard_for_user(
    *,
    membership: Membership | None,
    today: datetime.date,
    now: datetime.datetime,
    no_contact_days: int,
    page_number: str | int | None = None,
) -> PanelDashboard:
    """The chair's dashboard for the panel the member runs; AccessDenied for anyone else."""
    panel = dashboard_panel_for_user(membership=membership)
    return PanelDashboard(
        panel=panel,
        today=today,
        stage_counts=stage_counts(panel=panel),
        open_cases=open_cases_page(panel=panel, page_number=page_number),
        next_meeting=next_meeting(panel=panel, now=now),
        overdue_reviews=section(overdue_reviews(panel=panel, today=today)),
        post_exit_reviews=section(post_exit_reviews_due(panel=panel, today=today)),
        reassessments=section(reassessments_due(panel=panel, today=today)),
        without_consent=section(cases_without_consent(panel=panel)),
        overdue_actions=section(overdue_actions(panel=panel, today=today)),
        overdue_requests=section(overdue_information_requests(panel=panel, today=today)),
        no_contact_days=no_contact_days,
        without_contact=section(
            interventions_without_contact(panel=panel, today=today, no_contact_days=no_contact_days)
        ),
        open_concerns=open_concerns(panel=panel),
    )
