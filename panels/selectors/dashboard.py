"""What the chair's dashboard reads: the panel's own cases by stage and the work that is
due or overdue on them, in two queries whatever the number of cases: the panel with its
counts by stage and its next meeting; then a page of open cases (by keyset, no count)
together with the first rows of every other section, read as one union of the few columns
the page shows.

Only the chair and coordinators of a panel read it, and only for the cases that panel is
responsible for: a case before the panel whose referral has since moved to another area's
panel is that panel's work, not this one's.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import (
    CharField,
    Count,
    DateField,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    UUIDField,
)
from django.db.models.functions import Coalesce

from audit.keyset import KeysetPage, Ordering, keyset_page
from audit.vocabulary import Category
from panels.models import (
    CLOSED_STAGES,
    Consent,
    InformationRequest,
    Intervention,
    Panel,
    PanelAction,
    PanelCase,
    PostExitReview,
    ProgressEntry,
)
from panels.models.vocabulary import (
    ConsentDecision,
    InterventionStatus,
    InterventionType,
    RequestStatus,
    Stage,
)
from panels.rules.stages import PANEL_ROLES
from panels.selectors.cases import NextMeeting, next_meeting_of, panels_with_next_meeting
from panels.selectors.delivery import InterventionScope
from panels.selectors.union_parts import rows_by_section, union_part
from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import Membership
from prevent_cases.policy import WHOLE_CASE, handles_case_content
from referrals.selectors import live_grants
from referrals.services.grants import permissions_by_category

# Open cases listed per page, longest in their stage first.
OPEN_CASES_PAGE_SIZE = 25
OPEN_CASES_ORDER = Ordering(fields=("stage_changed_at", "id"), descending=False)
# Rows shown in each of the other sections, as many as a page of open cases; the section
# says when there are more.
SECTION_LIMIT = OPEN_CASES_PAGE_SIZE
# Post-exit reviews and re-assessments are listed this many days before they fall due,
# so the coordinator can put them on an agenda in time.
DUE_SOON_DAYS = 14
# Stages at which the panel needs consent before support can run (CTSA s.36(4)).
CONSENT_STAGES = (Stage.SUPPORT_PLAN, Stage.REVIEW)
OPEN_STAGES = tuple(stage for stage in Stage.values if stage not in CLOSED_STAGES)

NOT_RUNNING = "The panel dashboard is for the Channel panel's chair and coordinators. "


def _own(panel: Panel, path: str = "") -> Q:
    """The panel's own cases: before it, and it still responsible for the referral."""
    return Q(**{f"{path}panel": panel, f"{path}referral__responsible_agency_id": panel.agency_id})


def _cases(panel: Panel) -> QuerySet[PanelCase]:
    return PanelCase.objects.filter(_own(panel))


def _open_cases(panel: Panel) -> QuerySet[PanelCase]:
    return _cases(panel).exclude(stage__in=CLOSED_STAGES)


# --- The panel, its counts by stage and its next meeting: one query. ---------------------


def _panel_with_summary(membership: Membership, now: datetime.datetime) -> Panel | None:
    """The member's panel, annotated with its open cases at each stage (`open_<stage>`)
    and its next meeting (panels.selectors.cases.panels_with_next_meeting)."""
    own = PanelCase.objects.filter(
        panel=OuterRef("pk"), referral__responsible_agency_id=OuterRef("agency_id")
    ).order_by()
    counts = {
        f"open_{stage}": Coalesce(
            Subquery(
                own.filter(stage=stage).values("panel").annotate(cases=Count("pk")).values("cases")
            ),
            0,
        )
        for stage in OPEN_STAGES
    }
    panels = Panel.objects.select_related("agency", "area").filter(agency_id=membership.agency_id)
    return panels_with_next_meeting(panels.annotate(**counts), now=now).first()


# --- The sections: which rows each lists, in its own order. -------------------------------


def overdue_reviews(*, panel: Panel, today: datetime.date) -> QuerySet[PanelCase]:
    """Open cases whose review date has passed, the longest overdue first."""
    return _open_cases(panel).filter(next_review_on__lt=today).order_by("next_review_on", "id")


def post_exit_reviews_due(*, panel: Panel, today: datetime.date) -> QuerySet[PostExitReview]:
    """Post-exit reviews not yet done that fall due within DUE_SOON_DAYS or are overdue."""
    return PostExitReview.objects.filter(
        _own(panel, "panel_case__"),
        done_at__isnull=True,
        due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
    ).order_by("due_on", "id")


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
    return PanelAction.objects.filter(
        _own(panel, "panel_case__"), done_at__isnull=True, due_on__lt=today
    ).order_by("due_on", "id")


def overdue_information_requests(
    *, panel: Panel, today: datetime.date
) -> QuerySet[InformationRequest]:
    """Requests on the panel's cases still unanswered after their due date."""
    return InformationRequest.objects.filter(
        _own(panel, "panel_case__"), status=RequestStatus.OPEN, due_on__lt=today
    ).order_by("due_on", "id")


def interventions_without_contact(
    *, panel: Panel, today: datetime.date, no_contact_days: int
) -> QuerySet[Intervention]:
    """Active interventions on the panel's open cases whose person was last seen (or, with
    no session yet, whose intervention started) more than `no_contact_days` ago, the
    longest without contact first. Read from the intervention's own last contact, which
    the progress service keeps up to date, not from its entries; `seen_or_started` is the
    expression the index `intervention_no_contact` holds, so the index serves both the
    filter and the order."""
    cutoff = today - datetime.timedelta(days=no_contact_days)
    return (
        # An intervention's source is its panel's agency (the panel's record of it), so the
        # index leading with it reads only this panel's interventions.
        Intervention.objects.filter(
            _own(panel, "panel_case__"),
            source_agency_id=panel.agency_id,
            status=InterventionStatus.ACTIVE,
        )
        .exclude(panel_case__stage__in=CLOSED_STAGES)
        .annotate(seen_or_started=Coalesce("last_contact_on", "start_on"))
        .filter(seen_or_started__lt=cutoff)
        .order_by("seen_or_started", "id")
    )


def _holds_record(panel: Panel) -> Q:
    """Whether the panel holds the record a progress entry is part of: the panel's agency
    made it, or a live decision of the delivering agency's gave the panel its support
    information for the intervention's scope or the whole case. Asked of the grants on
    each entry's own case, as interventions_delivered_by asks them."""
    grants = live_grants().filter(
        group_id=panel.agency.group_id,
        permission_id=permissions_by_category()[Category.SUPPORT],
        content_object_id=OuterRef("intervention__panel_case__referral_id"),
        source_agency_id=OuterRef("source_agency_id"),
    )
    return (
        Q(source_agency_id=panel.agency_id)
        | Exists(grants.filter(scope=InterventionScope(OuterRef("intervention_id"))))
        | Exists(grants.filter(scope=WHOLE_CASE))
    )


def open_concerns(*, panel: Panel) -> QuerySet[ProgressEntry]:
    """Concerns raised on the panel's cases that no later entry corrects and the panel has
    not yet recorded as considered, the oldest first, where the panel holds the delivering
    agency's record they are part of. Read from the partial index of open concerns (the
    delivery services keep `concern_open`): a handful in a region, each reaching its case
    and grants from there."""
    return (
        ProgressEntry.objects.filter(_own(panel, "intervention__panel_case__"), concern_open=True)
        .filter(_holds_record(panel))
        .order_by("occurred_on", "created_at", "id")
    )


# --- Every section's first rows, in one query. -------------------------------------------

# The columns each section's rows are read with, and their types: what a section does not
# have is null. `on` is the date a row is listed by (due, last seen or started, raised).
COLUMNS = {
    "section": CharField(),
    "item_id": UUIDField(),
    "panel_case_id": UUIDField(),
    "referral_id": UUIDField(),
    "reference": CharField(),
    "stage": CharField(),
    "stage_changed_at": DateTimeField(),
    "on": DateField(),
    "seen_on": DateField(),
    "created_at": DateTimeField(),
    "intervention_id": UUIDField(),
    "agency_id": UUIDField(),
    "agency_name": CharField(),
    "kind": CharField(),
    "number": IntegerField(),
}


@dataclass(frozen=True)
class DashboardItem:
    """One row of a section, with what the page shows of it and nothing else."""

    section: str
    item_id: uuid.UUID
    panel_case_id: uuid.UUID
    referral_id: uuid.UUID
    reference: str
    stage: str
    stage_changed_at: datetime.datetime
    # The date the row is listed by: due, last seen (or started), raised.
    on: datetime.date | None = None
    # When the person was last seen, for an intervention without contact.
    seen_on: datetime.date | None = None
    created_at: datetime.datetime | None = None
    intervention_id: uuid.UUID | None = None
    # The agency an action is given to, a request asked of, an intervention delivered by.
    agency_id: uuid.UUID | None = None
    agency_name: str = ""
    # The intervention's type, or the latest consent decision.
    kind: str = ""
    # Months after exit, for a post-exit review.
    number: int | None = None

    @property
    def id(self) -> uuid.UUID:
        # The name keyset pages read a row's unique key by.
        return self.item_id

    @property
    def stage_label(self) -> str:
        return Stage(self.stage).label

    @property
    def kind_label(self) -> str:
        """The intervention's type, in words."""
        return InterventionType(self.kind).label


def _first(rows: QuerySet, model) -> QuerySet:
    # The first rows of a section, by id: one more than shown, to know if there are more.
    # As a subquery, so each part of the union keeps its own order and limit everywhere
    # (SQLite takes no LIMIT or ORDER BY in the parts of a compound query).
    return model.objects.filter(pk__in=rows.values("pk")[: SECTION_LIMIT + 1])


def _case_columns(path: str = "panel_case__") -> dict:
    return {
        "panel_case_id": F(f"{path}pk") if path else F("pk"),
        "referral_id": F(f"{path}referral_id"),
        "reference": F(f"{path}referral__reference"),
        "stage": F(f"{path}stage"),
        "stage_changed_at": F(f"{path}stage_changed_at"),
    }


# Each section's sort key, as the database sorted it.
ORDER = {
    "overdue_reviews": lambda row: (row.on, row.item_id),
    "post_exit_reviews": lambda row: (row.on, row.item_id),
    "reassessments": lambda row: (row.on, row.item_id),
    "without_consent": lambda row: (row.stage_changed_at, row.item_id),
    "overdue_actions": lambda row: (row.on, row.item_id),
    "overdue_requests": lambda row: (row.on, row.item_id),
    "without_contact": lambda row: (row.on, row.item_id),
    "open_concerns": lambda row: (row.on, row.created_at, row.item_id),
}


def _section_parts(*, panel: Panel, today: datetime.date, no_contact_days: int) -> list[QuerySet]:
    """Every section but the open cases, as parts of one union: the first SECTION_LIMIT + 1
    rows of each (to know whether it has more)."""
    without_consent = cases_without_consent(panel=panel)
    return [
        union_part(
            _first(overdue_reviews(panel=panel, today=today), PanelCase),
            "overdue_reviews",
            columns=COLUMNS,
            item_id=F("pk"),
            on=F("next_review_on"),
            **_case_columns(""),
        ),
        union_part(
            _first(post_exit_reviews_due(panel=panel, today=today), PostExitReview),
            "post_exit_reviews",
            columns=COLUMNS,
            item_id=F("pk"),
            on=F("due_on"),
            number=F("months_after_exit"),
            **_case_columns(),
        ),
        union_part(
            _first(reassessments_due(panel=panel, today=today), PanelCase),
            "reassessments",
            columns=COLUMNS,
            item_id=F("pk"),
            on=F("reassess_on"),
            **_case_columns(""),
        ),
        union_part(
            # Its first rows by id like the others', keeping the latest consent annotated.
            without_consent.filter(pk__in=without_consent.values("pk")[: SECTION_LIMIT + 1]),
            "without_consent",
            columns=COLUMNS,
            item_id=F("pk"),
            kind=F("latest_consent"),
            **_case_columns(""),
        ),
        union_part(
            _first(overdue_actions(panel=panel, today=today), PanelAction),
            "overdue_actions",
            columns=COLUMNS,
            item_id=F("pk"),
            on=F("due_on"),
            agency_id=F("owner_agency_id"),
            agency_name=F("owner_agency__name"),
            **_case_columns(),
        ),
        union_part(
            _first(overdue_information_requests(panel=panel, today=today), InformationRequest),
            "overdue_requests",
            columns=COLUMNS,
            item_id=F("pk"),
            on=F("due_on"),
            agency_id=F("to_agency_id"),
            agency_name=F("to_agency__name"),
            **_case_columns(),
        ),
        union_part(
            _first(
                interventions_without_contact(
                    panel=panel, today=today, no_contact_days=no_contact_days
                ),
                Intervention,
            ),
            "without_contact",
            columns=COLUMNS,
            item_id=F("pk"),
            on=Coalesce("last_contact_on", "start_on"),
            seen_on=F("last_contact_on"),
            intervention_id=F("pk"),
            agency_id=F("delivering_agency_id"),
            agency_name=F("delivering_agency__name"),
            kind=F("type"),
            **_case_columns(),
        ),
        union_part(
            _first(open_concerns(panel=panel), ProgressEntry),
            "open_concerns",
            columns=COLUMNS,
            item_id=F("pk"),
            on=F("occurred_on"),
            created_at=F("created_at"),
            intervention_id=F("intervention_id"),
            agency_id=F("source_agency_id"),
            agency_name=F("intervention__delivering_agency__name"),
            **_case_columns("intervention__panel_case__"),
        ),
    ]


class _OpenCasesWithSections:
    """The panel's open cases as `keyset_page` pages them (a filter, an order and a slice
    from the start), read in the same query as every other section's rows: taking the
    slice runs one union of the page and the other sections, and keeps the other
    sections' rows in `sections`. Nothing else of a queryset is offered."""

    model = PanelCase

    def __init__(self, cases: QuerySet[PanelCase], others: list[QuerySet], sections: dict):
        self.cases, self.others, self.sections = cases, others, sections

    def filter(self, *args, **kwargs) -> "_OpenCasesWithSections":
        return _OpenCasesWithSections(
            self.cases.filter(*args, **kwargs), self.others, self.sections
        )

    def order_by(self, *fields: str) -> "_OpenCasesWithSections":
        return _OpenCasesWithSections(self.cases.order_by(*fields), self.others, self.sections)

    def __getitem__(self, window: slice) -> list[DashboardItem]:
        page = union_part(
            PanelCase.objects.filter(pk__in=self.cases.values("pk")[window]),
            "open_cases",
            columns=COLUMNS,
            item_id=F("pk"),
            **_case_columns(""),
        )
        rows = rows_by_section([page, *self.others], DashboardItem)
        self.sections.update({name: sorted(rows[name], key=key) for name, key in ORDER.items()})
        descending = self.cases.query.order_by[0].startswith("-")
        return sorted(
            rows["open_cases"], key=lambda row: (row.stage_changed_at, row.id), reverse=descending
        )


def _read_sections(
    *, panel: Panel, today: datetime.date, no_contact_days: int, cursor: str | None
) -> tuple[KeysetPage, dict[str, "Section"]]:
    """A page of the panel's open cases, the longest in their stage first, after (or
    before) `cursor`, and every other section's first rows in its own order, in one query.
    Nothing counts the open cases (the counts by stage are the summary)."""
    rows: dict[str, list[DashboardItem]] = {}
    cases = _OpenCasesWithSections(
        _open_cases(panel),
        _section_parts(panel=panel, today=today, no_contact_days=no_contact_days),
        rows,
    )
    page = keyset_page(cases, ordering=OPEN_CASES_ORDER, cursor=cursor, size=OPEN_CASES_PAGE_SIZE)
    sections = {
        name: Section(rows=items[:SECTION_LIMIT], more=len(items) > SECTION_LIMIT)
        for name, items in rows.items()
    }
    return page, sections


@dataclass(frozen=True)
class Section:
    """The first SECTION_LIMIT rows of one list, and whether it holds more."""

    rows: list
    more: bool

    def shown_as(self, row) -> "Section":
        """The same section with each row turned into what the page shows of it."""
        return Section(rows=[row(item) for item in self.rows], more=self.more)


@dataclass(frozen=True)
class PanelDashboard:
    """Everything on the chair's dashboard, read in a fixed number of queries: a page of
    open cases and the first rows of every other section."""

    panel: Panel
    today: datetime.date
    stage_counts: dict[str, int]
    open_cases: KeysetPage
    next_meeting: NextMeeting | None
    no_contact_days: int
    sections: dict[str, Section]

    def referral_ids(self) -> set[uuid.UUID]:
        """Every referral a row the page shows names."""
        sections = self.sections.values()
        rows = [*self.open_cases.rows, *(row for section in sections for row in section.rows)]
        return {row.referral_id for row in rows}


def dashboard_panel_for_user(*, membership: Membership | None, now: datetime.datetime) -> Panel:
    """The panel the member runs as its chair or a coordinator, with its summary;
    AccessDenied, saying why, for anyone else."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        raise AccessDenied(NOT_RUNNING + "Your role does not include running the panel.")
    panel = _panel_with_summary(membership, now)
    if panel is None:
        raise AccessDenied(NOT_RUNNING + "Your agency does not run an area's Channel panel.")
    return panel


def panel_dashboard_for_user(
    *,
    membership: Membership | None,
    today: datetime.date,
    now: datetime.datetime,
    no_contact_days: int,
    cursor: str | None = None,
) -> PanelDashboard:
    """The chair's dashboard for the panel the member runs; AccessDenied for anyone else."""
    panel = dashboard_panel_for_user(membership=membership, now=now)
    open_cases, sections = _read_sections(
        panel=panel, today=today, no_contact_days=no_contact_days, cursor=cursor
    )
    return PanelDashboard(
        panel=panel,
        today=today,
        stage_counts={stage: getattr(panel, f"open_{stage}") for stage in OPEN_STAGES},
        open_cases=open_cases,
        next_meeting=next_meeting_of(panel),
        no_contact_days=no_contact_days,
        sections=sections,
    )
