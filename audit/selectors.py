"""Reads for auditors: decisions, reviews, case views and the chain's state.

An auditor reviews the record of their own area: decisions where either agency is in it,
and events by members of its agencies. They see decisions and events, never case content.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.db.models.functions import Cast

from audit.event_types import EventType
from audit.keyset import KeysetPage, Ordering, keyset_page
from audit.models import AuditEvent, Checkpoint, DecisionReview, SharingDecision, VerificationRun
from audit.vocabulary import ConsentStatus, DecisionAction
from prevent_cases.exceptions import AccessDenied, NotFound
from prevent_cases.models import Agency, Membership, User
from prevent_cases.policy import may_review_decisions


@dataclass(frozen=True)
class DecisionFilters:
    decided_from: datetime.date | None = None
    decided_to: datetime.date | None = None
    agency: uuid.UUID | None = None  # disclosing or receiving
    legal_basis: str = ""
    consent_status: str = ""
    action: str = ""
    without_consent_only: bool = False
    flagged_only: bool = False
    unreviewed_only: bool = False
    case_reference: str = ""

    def as_codes(self) -> dict[str, str]:
        """The filters as codes and dates, for the export's audit event."""
        return {
            key: str(value)
            for key, value in self.__dict__.items()
            if value not in (None, "", False)
        }


def require_auditor(membership: Membership | None) -> Membership:
    if not may_review_decisions(membership):
        raise AccessDenied("Only auditors may use the audit workspace (needs: auditor role).")
    return membership


def _area_agency_ids(membership: Membership) -> QuerySet:
    return Agency.objects.filter(area_id=membership.agency.area_id).values("pk")


def _decisions_in_area(membership: Membership) -> QuerySet[SharingDecision]:
    agencies = _area_agency_ids(membership)
    return SharingDecision.objects.filter(
        Q(disclosing_agency__in=agencies) | Q(receiving_agency__in=agencies)
    )


def decision_ids_for_auditor(*, membership: Membership | None) -> QuerySet:
    """The ids of the decisions in the auditor's area, scoped as their decision list is:
    the decisions whose records (wording and reviews) an auditor of the area may read."""
    membership = require_auditor(membership)
    return _decisions_in_area(membership).values("pk")


def shared_without_consent() -> Q:
    return Q(action=DecisionAction.SHARE) & ~Q(consent_status=ConsentStatus.GIVEN)


def flagged() -> Q:
    """Shared without consent and with no reason recorded for going ahead: the record an
    auditor most needs to see. Current rules refuse these; older or imported rows may not."""
    return shared_without_consent() & Q(consent_reason="")


def _apply_filters(decisions: QuerySet, filters: DecisionFilters) -> QuerySet:
    if filters.decided_from:
        decisions = decisions.filter(decided_at__date__gte=filters.decided_from)
    if filters.decided_to:
        decisions = decisions.filter(decided_at__date__lte=filters.decided_to)
    if filters.agency:
        decisions = decisions.filter(
            Q(disclosing_agency_id=filters.agency) | Q(receiving_agency_id=filters.agency)
        )
    for field in ("legal_basis", "consent_status", "action"):
        if getattr(filters, field):
            decisions = decisions.filter(**{field: getattr(filters, field)})
    if filters.without_consent_only:
        decisions = decisions.filter(shared_without_consent())
    if filters.flagged_only:
        decisions = decisions.filter(flagged())
    if filters.unreviewed_only:
        decisions = decisions.filter(reviewed=False)
    if filters.case_reference:
        case = case_for_reference(filters.case_reference)
        # A reference that names no case, and one whose decisions are all in another area,
        # show the same empty list: the search reveals nothing beyond the auditor's area.
        decisions = (
            decisions.filter(case_type=case[0], case_id=case[1]) if case else decisions.none()
        )
    return decisions


def decision_list_for_auditor(
    *, membership: Membership | None, filters: DecisionFilters
) -> QuerySet[SharingDecision]:
    """Decisions in the auditor's area matching the filters, newest first, each annotated
    with `reviewed` and `flagged` (shared without consent and no reason recorded)."""
    membership = require_auditor(membership)
    decisions = (
        _decisions_in_area(membership)
        .annotate(
            reviewed=Exists(DecisionReview.objects.filter(decision=OuterRef("pk"))),
            flagged=ExpressionWrapper(flagged(), output_field=BooleanField()),
            without_consent=ExpressionWrapper(
                shared_without_consent(), output_field=BooleanField()
            ),
            # Reviews are never edited: the latest one is the decision's current finding.
            review_finding=Subquery(
                DecisionReview.objects.filter(decision=OuterRef("pk"))
                .order_by("-created_at", "-id")
                .values("finding")[:1]
            ),
        )
        .select_related("disclosing_agency", "receiving_agency", "source_agency", "decided_by")
        .order_by("-decided_at", "-id")
    )
    return _apply_filters(decisions, filters)


# The orders the list can be sorted in, each backed by an index of the same columns
# (audit migration 0007), so a page deep in the list costs what the first one does.
DECISION_SORTS: dict[str, tuple[str, ...]] = {
    "decided": ("decided_at", "id"),
    "role": ("decided_by_role", "decided_at", "id"),
    "consent": ("consent_status", "decided_at", "id"),
}
DEFAULT_DECISION_ORDER = Ordering(DECISION_SORTS["decided"], descending=True)


def decision_ordering(sort: str, direction: str) -> Ordering:
    """The list's order from its query: a column and "ascending" or "descending"."""
    if sort not in DECISION_SORTS:
        return DEFAULT_DECISION_ORDER
    return Ordering(DECISION_SORTS[sort], descending=direction != "ascending")


def decision_page_for_auditor(
    *,
    membership: Membership | None,
    filters: DecisionFilters,
    ordering: Ordering,
    cursor: str | None,
    size: int,
) -> KeysetPage:
    """One page of the filtered decisions, without counting them all."""
    decisions = decision_list_for_auditor(membership=membership, filters=filters)
    return keyset_page(decisions, ordering=ordering, cursor=cursor, size=size)


def next_unreviewed_decision(
    *,
    membership: Membership | None,
    filters: DecisionFilters,
    ordering: Ordering,
    after: SharingDecision,
) -> SharingDecision | None:
    """The first decision not yet reviewed that follows `after` in the list's order, or,
    past the end of the list, the first from its start; None when none is left."""
    unreviewed = decision_list_for_auditor(membership=membership, filters=filters).filter(
        reviewed=False
    )
    in_order = ordering.order_by()
    following = unreviewed.filter(ordering.beyond(ordering.key(after))).order_by(*in_order).first()
    if following is not None:
        return following
    return unreviewed.exclude(pk=after.pk).order_by(*in_order).first()


@dataclass(frozen=True)
class DecisionCounts:
    unreviewed: int
    without_consent: int
    without_reason: int


def decision_counts_for_auditor(*, membership: Membership | None) -> DecisionCounts:
    """How many decisions in the area wait for review, and how many were shared without
    consent, and without consent or a reason: one pass over the area's decisions."""
    membership = require_auditor(membership)
    counts = (
        _decisions_in_area(membership)
        .annotate(reviewed=Exists(DecisionReview.objects.filter(decision=OuterRef("pk"))))
        .aggregate(
            unreviewed=Count("pk", filter=Q(reviewed=False)),
            without_consent=Count("pk", filter=shared_without_consent()),
            without_reason=Count("pk", filter=flagged()),
        )
    )
    return DecisionCounts(**counts)


def case_for_reference(reference: str) -> tuple[str, uuid.UUID] | None:
    """The case (type and id) a reference names, from the event that recorded its
    creation: the record names cases by id, and knows their references only from there."""
    found = (
        AuditEvent.objects.filter(
            type=EventType.REFERRAL_CREATED, payload__reference=reference.strip().upper()
        )
        .values_list("target_type", "target_id")
        .first()
    )
    return found


def case_references(cases) -> dict[uuid.UUID, str]:
    """The references of the cases named as (case type, case id), in one query over their
    creation events (through the index on the events' targets)."""
    cases = {(case_type, uuid.UUID(str(case_id))) for case_type, case_id in cases if case_id}
    if not cases:
        return {}
    events = AuditEvent.objects.filter(
        type=EventType.REFERRAL_CREATED,
        target_type__in={case_type for case_type, _ in cases},
        target_id__in={case_id for _, case_id in cases},
    ).values_list("target_id", "payload")
    return {target_id: payload.get("reference", "") for target_id, payload in events}


def decision_get_for_auditor(
    *, membership: Membership | None, decision_id: uuid.UUID
) -> SharingDecision:
    """One decision in the auditor's area, annotated like the list; NotFound otherwise."""
    decision = (
        decision_list_for_auditor(membership=membership, filters=DecisionFilters())
        .select_related("supersedes", "superseded_by")
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound("No decision with that id.")
    return decision


def decision_history(decision: SharingDecision) -> list[SharingDecision]:
    """The decision's supersession chain, oldest first: what it replaced and what replaced it."""
    history = [decision]
    earlier = decision.supersedes
    while earlier is not None:
        history.insert(0, earlier)
        earlier = (
            SharingDecision.objects.select_related("supersedes", "receiving_agency")
            .get(pk=earlier.pk)
            .supersedes
        )
    later = SharingDecision.objects.filter(supersedes=decision).first()
    while later is not None:
        history.append(later)
        later = SharingDecision.objects.filter(supersedes=later).first()
    return history


def reviews_of(decision: SharingDecision) -> QuerySet[DecisionReview]:
    return decision.reviews.select_related("reviewer").order_by("-created_at")


def case_views_for_auditor(
    *, membership: Membership | None, case_id: uuid.UUID | None = None
) -> QuerySet[AuditEvent]:
    """Who was shown which case, when, which categories and through which path, newest
    first: single-case views, and pages of lists that showed it."""
    membership = require_auditor(membership)
    events = AuditEvent.objects.filter(
        type__in=(EventType.CASE_VIEWED, EventType.CASES_LISTED),
        agency__in=_area_agency_ids(membership),
    )
    if case_id is not None:
        # A list event names its cases in its payload; its text holds the case's id.
        events = events.annotate(payload_text=Cast("payload", TextField())).filter(
            Q(type=EventType.CASE_VIEWED, target_id=case_id)
            | Q(type=EventType.CASES_LISTED, payload_text__contains=str(case_id))
        )
    return events.order_by("-seq")


@dataclass(frozen=True)
class CaseShownRecord:
    """One case as one event showed it: its id, the categories and sources shown."""

    case_id: str
    categories: list[str]
    sources: list[str]


def cases_shown(event: AuditEvent, *, case_id: uuid.UUID | None = None) -> list[CaseShownRecord]:
    """The cases a view or list event showed (only `case_id`, when given)."""
    if event.type == EventType.CASE_VIEWED:
        payload = event.payload
        shown = [
            CaseShownRecord(
                str(event.target_id), payload.get("categories", []), payload.get("sources", [])
            )
        ]
    else:
        shown = [
            CaseShownRecord(case["id"], case["categories"], case["sources"])
            for case in event.payload.get("cases", [])
        ]
    if case_id is not None:
        shown = [case for case in shown if case.case_id == str(case_id)]
    return shown


def people_and_agencies(events) -> tuple[dict, dict]:
    """Names of the users and agencies that events refer to by UUID, in two queries."""
    actors = {event.actor for event in events if event.actor}
    agencies = {event.agency for event in events if event.agency}
    users = {user.pk: user for user in User.objects.filter(pk__in=actors)}
    agency_names = dict(Agency.objects.filter(pk__in=agencies).values_list("pk", "name"))
    return users, agency_names


@dataclass(frozen=True)
class ChainStatus:
    size: int
    head_hash: str
    latest_checkpoint: Checkpoint | None
    latest_run: VerificationRun | None


def chain_status_for_auditor(*, membership: Membership | None) -> ChainStatus:
    require_auditor(membership)
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return ChainStatus(
        size=head[0] if head else 0,
        head_hash=head[1] if head else "",
        latest_checkpoint=Checkpoint.objects.order_by("-size", "-created_at").first(),
        latest_run=VerificationRun.objects.select_related("requested_by").first(),
    )


def verification_run_get(*, membership: Membership | None, run_id: uuid.UUID) -> VerificationRun:
    require_auditor(membership)
    run = VerificationRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("No verification run with that id.")
    return run


@dataclass(frozen=True)
class EventFilters:
    event_type: str = ""
    agency: uuid.UUID | None = None
    happened_from: datetime.date | None = None
    happened_to: datetime.date | None = None
    # A case reference, or the id of whatever the event is about.
    target: str = ""


EVENT_ORDER = Ordering(("seq",), descending=True)


def _target_filter(target: str) -> Q | None:
    try:
        return Q(target_id=uuid.UUID(target))
    except ValueError:
        case = case_for_reference(target)
        return Q(target_type=case[0], target_id=case[1]) if case else None


def chain_events_for_auditor(
    *, membership: Membership | None, filters: EventFilters, cursor: str | None, size: int
) -> KeysetPage:
    """One page of the events by members of the area's agencies, newest first, filtered;
    paged by event number, so no page counts the chain."""
    membership = require_auditor(membership)
    events = AuditEvent.objects.filter(agency__in=_area_agency_ids(membership))
    if filters.event_type:
        events = events.filter(type=filters.event_type)
    if filters.agency:
        events = events.filter(agency=filters.agency)
    if filters.happened_from:
        events = events.filter(created_at__date__gte=filters.happened_from)
    if filters.happened_to:
        events = events.filter(created_at__date__lte=filters.happened_to)
    if filters.target:
        target = _target_filter(filters.target)
        events = events.filter(target) if target is not None else events.none()
    return keyset_page(events, ordering=EVENT_ORDER, cursor=cursor, size=size)


def case_views_page_for_auditor(
    *, membership: Membership | None, case_id: uuid.UUID | None, cursor: str | None, size: int
) -> KeysetPage:
    """One page of the case views, newest first, without counting them all."""
    events = case_views_for_auditor(membership=membership, case_id=case_id)
    return keyset_page(events, ordering=EVENT_ORDER, cursor=cursor, size=size)
