"""Permission-scoped reads of intervention delivery: a delivering agency's interventions,
one intervention with its record, and the panel's summary of each case's interventions.

A delivering agency sees an intervention while the panel's sharing decision for it (its
scope, or the panel's support information for the whole case) is live, and sees the
person's identity only if that too was shared. Progress is the delivering agency's own
information in the intervention's scope: the panel sees it through the decision the agency
made when it accepted, and nobody else without a decision of their own.
"""

import datetime
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import (
    CharField,
    Count,
    Exists,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from audit.keyset import Ordering
from audit.vocabulary import Category
from panels.models import (
    ConcernReview,
    GoalProgress,
    Intervention,
    InterventionGoal,
    InterventionStatusChange,
    ProgressEntry,
)
from panels.models.support import INTERVENTION_SCOPE_PREFIX
from panels.models.vocabulary import InterventionStatus
from panels.selectors.cases import PANEL_CASE_RELATIONS, VisiblePanelCase, panel_case_visible
from panels.selectors.support import PRACTITIONER_ROLES, interventions_for_case
from prevent_cases.exceptions import NotFound
from prevent_cases.models import Membership
from prevent_cases.policy import WHOLE_CASE, Holding, handles_case_content
from referrals.models import Subject
from referrals.selectors import holdings_by_referral, live_grants
from referrals.services.grants import permissions_by_category

OPEN_STATUSES = (InterventionStatus.PLANNED, InterventionStatus.ACTIVE, InterventionStatus.PAUSED)
DELIVERING_STATUSES = (InterventionStatus.ACTIVE, InterventionStatus.PAUSED)
FINISHED_STATUSES = (InterventionStatus.COMPLETED, InterventionStatus.WITHDRAWN)


def delivers(membership: Membership | None) -> bool:
    """Whether the member's role delivers support for its agency."""
    return handles_case_content(membership) and membership.role in PRACTITIONER_ROLES


def _support_grants(membership: Membership) -> QuerySet:
    return live_grants().filter(
        group_id=membership.agency.group_id,
        permission_id=permissions_by_category()[Category.SUPPORT],
    )


class InterventionScope(Func):
    """An intervention's scope as `intervention_scope` writes it (the prefix, then the id as
    lower-case text with hyphens), built in SQL from its id: PostgreSQL renders a uuid so,
    SQLite holds it as 32 hex digits and gets the hyphens put in."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(%s || ({sql})::text)", [INTERVENTION_SCOPE_PREFIX, *params]

    def as_sqlite(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        pieces = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        text = " || '-' || ".join(f"substr({sql}, {start}, {size})" for start, size in pieces)
        return f"(%s || lower({text}))", [INTERVENTION_SCOPE_PREFIX, *params * len(pieces)]


# What a list shows of each intervention, its case and its practitioner: the lists read a
# page of rows, so every column they do not show (the referral's narrative, the person's
# details beyond their name, the practitioner's password) is left in the database.
LISTED_FIELDS = (
    "created_at",
    "updated_at",
    "panel_case",
    "source_agency",
    "type",
    "start_on",
    "planned_sessions",
    "contact_every_days",
    "status",
    "last_contact_on",
    "next_contact_due_on",
    "version",
    "referral__reference",
    "referral__owning_agency",
    "referral__subject__given_names",
    "referral__subject__family_name",
    "practitioner__username",
    "practitioner__first_name",
    "practitioner__last_name",
)


def interventions_delivered_by(*, membership: Membership | None) -> QuerySet[Intervention]:
    """Interventions assigned to the member's agency that it may still see: a live decision
    gave it the intervention's scope, or the panel's support information for the whole
    case. Nothing for roles that do not deliver support.

    Both are asked of the grants on each intervention's own case, by the index that leads
    with the agency's group, row by row as a list walks its own index in order: a page
    reads the grants of the rows it passes, not every grant the agency holds."""
    if not delivers(membership):
        return Intervention.objects.none()
    shared = _support_grants(membership).filter(
        Q(scope=InterventionScope(OuterRef("pk")))
        | Q(scope=WHOLE_CASE, source_agency_id=OuterRef("source_agency_id")),
        content_object_id=OuterRef("referral_id"),
    )
    # Asked as "the first such grant is not null", not EXISTS: PostgreSQL plans an EXISTS
    # as a join or a hash that reads every support grant of the agency's group before the
    # first row, or (misjudging how many rows pass) joins and sorts the whole list.
    return (
        Intervention.objects.filter(delivering_agency_id=membership.agency_id)
        .alias(shared_by=Subquery(shared.values("pk")[:1]))
        .filter(shared_by__isnull=False)
        .select_related("referral", "referral__subject", "practitioner")
        .only(*LISTED_FIELDS)
    )


@dataclass(frozen=True)
class DeliveryRow:
    """One intervention in a practitioner's list, with the person named only if the
    agency was given who they are."""

    intervention: Intervention
    # The person, if the agency was given who they are; None otherwise.
    subject: Subject | None
    days_since_contact: int | None
    overdue: bool


def _subject(referral, holdings: frozenset[Holding]) -> Subject | None:
    if (Category.IDENTITY, referral.owning_agency_id, WHOLE_CASE) not in holdings:
        return None
    return referral.subject


def delivery_rows(
    *,
    membership: Membership,
    interventions: list[Intervention],
    today: datetime.date,
    held: dict[uuid.UUID, frozenset[Holding]] | None = None,
) -> list[DeliveryRow]:
    """The practitioner's view of each intervention: who (if shared) and how long since
    the person was last seen. `held` is what the agency holds of each referral, where the
    caller has read it already; otherwise the identity grants it holds are read here, in
    one query (the rest of what it holds decides nothing here)."""
    if held is None:
        held = holdings_by_referral(
            agency=membership.agency,
            referral_ids={i.referral_id for i in interventions},
            categories=[Category.IDENTITY],
        )
    return [
        DeliveryRow(
            intervention=intervention,
            subject=_subject(
                intervention.referral, held.get(intervention.referral_id, frozenset())
            ),
            days_since_contact=(
                (today - intervention.last_contact_on).days
                if intervention.last_contact_on
                else None
            ),
            overdue=bool(
                intervention.status == InterventionStatus.ACTIVE
                and intervention.next_contact_due_on
                and intervention.next_contact_due_on < today
            ),
        )
        for intervention in interventions
    ]


def goal_rows_of(interventions: list[Intervention]) -> dict[uuid.UUID, list[dict]]:
    """Each intervention's goals in order as the plain rows a list shows (`id`,
    `description`, `position`), in one query."""
    goals: dict[uuid.UUID, list[dict]] = defaultdict(list)
    rows = (
        InterventionGoal.objects.filter(intervention_id__in=[i.pk for i in interventions])
        .order_by("intervention", "position")
        .values_list("intervention_id", "id", "description", "position")
    )
    for intervention_id, pk, description, position in rows:
        goals[intervention_id].append({"id": pk, "description": description, "position": position})
    return goals


# The orders of the agency's lists, each served by an index of its own (the migration
# "indexes_for_panel_and_delivery_lists"): assignments awaiting an answer, oldest first;
# those being delivered, the next session due first (set when the agency accepts, so never
# empty there); those finished, the most recent first.
AWAITING_ORDER = Ordering(fields=("created_at", "id"), descending=False)
DELIVERING_ORDER = Ordering(fields=("next_contact_due_on", "id"), descending=False)
FINISHED_ORDER = Ordering(fields=("updated_at", "id"), descending=True)


def awaiting_answer(
    *, membership: Membership | None, mine: bool = False, delivered: QuerySet | None = None
):
    """Assignments the agency has not yet accepted or declined, oldest first. `delivered`
    is `interventions_delivered_by` for the member where the caller built it already (a
    page of two lists builds it once)."""
    if delivered is None:
        delivered = interventions_delivered_by(membership=membership)
    rows = delivered.filter(status=InterventionStatus.PLANNED)
    if mine:
        rows = rows.filter(Q(practitioner_id=membership.user_id) | Q(practitioner__isnull=True))
    return rows.order_by(*AWAITING_ORDER.order_by())


def in_delivery(
    *,
    membership: Membership | None,
    mine: bool = False,
    finished: bool = False,
    delivered: QuerySet | None = None,
):
    """Interventions the agency is delivering, the next session due (or overdue) first; or,
    with `finished`, those completed or withdrawn, most recent first. `delivered` as for
    `awaiting_answer`."""
    rows = interventions_delivered_by(membership=membership) if delivered is None else delivered
    if mine:
        rows = rows.filter(practitioner_id=membership.user_id)
    if finished:
        return rows.filter(status__in=FINISHED_STATUSES).order_by(*FINISHED_ORDER.order_by())
    return rows.filter(status__in=DELIVERING_STATUSES).order_by(*DELIVERING_ORDER.order_by())


@dataclass(frozen=True)
class VisibleIntervention:
    """One intervention and the case it belongs to, as the viewer may see them."""

    intervention: Intervention
    case: VisiblePanelCase

    @property
    def delivered_by_viewer(self) -> bool:
        return self.intervention.delivering_agency_id == self.case.membership.agency_id

    def sees_progress(self) -> bool:
        """Whether the viewer may see the delivering agency's record of this intervention."""
        return self.case.sees(
            Category.SUPPORT, self.intervention.delivering_agency_id, self.intervention.scope
        )


NO_INTERVENTION = "No intervention with that id."
NO_ENTRY = "No progress entry with that id."


def intervention_get_for_user(
    *, membership: Membership | None, intervention_id: uuid.UUID
) -> VisibleIntervention:
    """One intervention as the member may see it; NotFound if it may not see it."""
    intervention = (
        Intervention.objects.filter(pk=intervention_id)
        .select_related(
            "delivering_agency",
            "practitioner",
            "source_agency",
            *(f"panel_case__{relation}" for relation in PANEL_CASE_RELATIONS),
        )
        .prefetch_related(Prefetch("goals", queryset=InterventionGoal.objects.order_by("position")))
        .first()
    )
    if intervention is None:
        raise NotFound(NO_INTERVENTION)
    try:
        case = panel_case_visible(membership=membership, panel_case=intervention.panel_case)
    except NotFound:
        # The same answer as for an id that does not exist, so ids cannot be probed.
        raise NotFound(NO_INTERVENTION) from None
    if not case.sees(Category.SUPPORT, intervention.source_agency_id, intervention.scope):
        raise NotFound(NO_INTERVENTION)
    # The intervention's case is its panel case's: read once, with the person.
    if intervention.referral_id == case.referral.pk:
        intervention.referral = case.referral
    return VisibleIntervention(intervention=intervention, case=case)


def _entries() -> QuerySet[ProgressEntry]:
    return ProgressEntry.objects.select_related(
        "recorded_by", "review", "review__reviewed_by", "correction"
    ).prefetch_related(
        Prefetch(
            "goals", queryset=GoalProgress.objects.select_related("goal").order_by("goal__position")
        )
    )


def progress_entries(visible: VisibleIntervention) -> list[ProgressEntry]:
    """The delivering agency's entries, newest first (corrections beside what they
    correct), if the viewer may see them."""
    if not visible.sees_progress():
        return []
    return list(
        _entries()
        .filter(intervention=visible.intervention)
        .order_by("-occurred_on", "-created_at", "-id")
    )


def status_changes(visible: VisibleIntervention) -> list[InterventionStatusChange]:
    """The intervention's status history, if the viewer sees the delivering agency's record."""
    if not visible.sees_progress():
        return []
    return list(
        InterventionStatusChange.objects.filter(intervention=visible.intervention).select_related(
            "changed_by"
        )
    )


@dataclass(frozen=True)
class ChangesSince:
    """What others recorded on an intervention after the version a writer opened."""

    entries: list[ProgressEntry]
    status_changes: list[InterventionStatusChange]


def changes_since(intervention: Intervention, version: int) -> ChangesSince:
    return ChangesSince(
        entries=list(_entries().filter(intervention=intervention, made_version__gt=version)),
        status_changes=list(
            InterventionStatusChange.objects.filter(
                intervention=intervention, made_version__gt=version
            ).select_related("changed_by")
        ),
    )


def entry_get(visible: VisibleIntervention, entry_id: uuid.UUID) -> ProgressEntry:
    entry = (
        _entries().filter(intervention=visible.intervention, pk=entry_id).first()
        if visible.sees_progress()
        else None
    )
    if entry is None:
        raise NotFound("No progress entry with that id on this intervention.")
    return entry


def entry_get_for_user(
    *, membership: Membership | None, entry_id: uuid.UUID
) -> tuple[VisibleIntervention, ProgressEntry]:
    """One progress entry with its intervention, if the member may see the delivering
    agency's record of it; NotFound, alike whether missing or hidden, otherwise."""
    intervention_id = (
        ProgressEntry.objects.filter(pk=entry_id).values_list("intervention_id", flat=True).first()
    )
    if intervention_id is not None:
        try:
            visible = intervention_get_for_user(
                membership=membership, intervention_id=intervention_id
            )
            return visible, entry_get(visible, entry_id)
        except NotFound:
            pass
    raise NotFound(NO_ENTRY)


# --- The panel's summary of a case's interventions, for review. ---------------------------


@dataclass
class InterventionSummary:
    """One intervention as the panel reviews it. The counts and ratings are None when the
    viewer may not see the delivering agency's record."""

    intervention: Intervention
    sees_progress: bool
    attended: int = 0
    missed: int = 0
    open_concerns: list[ProgressEntry] = field(default_factory=list)
    # (goal, latest rating or "") in the goal's order.
    goals: list[tuple[InterventionGoal, str]] = field(default_factory=list)
    days_since_contact: int | None = None
    no_contact_flag: bool = False


def _current(entries: QuerySet[ProgressEntry]) -> QuerySet[ProgressEntry]:
    """Entries that no later entry corrects."""
    return entries.filter(correction__isnull=True)


def intervention_summaries(
    *, case: VisiblePanelCase, no_contact_days: int, today: datetime.date | None = None
) -> list[InterventionSummary]:
    """Per intervention the viewer may see: sessions attended and missed, the latest
    rating of each goal, open concerns and days since the last contact. A fixed number of
    queries however many entries there are."""
    today = today or timezone.localdate()
    interventions = interventions_for_case(case=case)
    summaries = []
    readable = []
    for intervention in interventions:
        sees = case.sees(Category.SUPPORT, intervention.delivering_agency_id, intervention.scope)
        summary = InterventionSummary(intervention=intervention, sees_progress=sees)
        summaries.append(summary)
        if sees:
            readable.append(intervention.pk)
    if not readable:
        return summaries
    current = _current(ProgressEntry.objects.filter(intervention_id__in=readable))
    counts = {
        row["intervention_id"]: row
        for row in current.order_by()
        .values("intervention_id")
        .annotate(
            n_attended=Count("id", filter=Q(attended=True)),
            n_missed=Count("id", filter=Q(attended=False)),
        )
    }
    concerns: dict[uuid.UUID, list[ProgressEntry]] = {}
    open_concerns = current.filter(concern=True).exclude(
        Exists(ConcernReview.objects.filter(entry_id=OuterRef("pk")))
    )
    for entry in open_concerns.select_related("recorded_by").order_by("occurred_on", "id"):
        concerns.setdefault(entry.intervention_id, []).append(entry)
    latest = (
        GoalProgress.objects.filter(goal_id=OuterRef("pk"), entry__correction__isnull=True)
        .order_by("-entry__occurred_on", "-entry__created_at", "-id")
        .values("rating")[:1]
    )
    ratings = dict(
        InterventionGoal.objects.filter(intervention_id__in=readable)
        .annotate(rating=Subquery(latest))
        .values_list("pk", "rating")
    )
    for summary in summaries:
        if not summary.sees_progress:
            continue
        intervention = summary.intervention
        row = counts.get(intervention.pk, {})
        summary.attended = row.get("n_attended", 0)
        summary.missed = row.get("n_missed", 0)
        summary.open_concerns = concerns.get(intervention.pk, [])
        summary.goals = [(goal, ratings.get(goal.pk) or "") for goal in intervention.goals.all()]
        # Kept on the row by every entry: the last attended contact no entry corrects.
        last = intervention.last_contact_on
        summary.days_since_contact = (today - last).days if last else None
        since = last or intervention.start_on
        summary.no_contact_flag = (
            intervention.status == InterventionStatus.ACTIVE
            and (today - since).days > no_contact_days
        )
    return summaries
