"""Reads for auditors: decisions, reviews, case views and the chain's state.

An auditor reviews the record of their own area: decisions where either agency is in it,
and events by members of its agencies. They see decisions and events, never case content.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    TextField,
)
from django.db.models.functions import Cast

from audit.event_types import EventType
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

    def as_codes(self) -> dict[str, str]:
        """The filters as codes and dates, for the export's audit event."""
        return {
            key: str(value)
            for key, value in self.__dict__.items()
            if value not in (None, "", False)
        }


def _require_auditor(membership: Membership | None) -> Membership:
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
    return decisions


def decision_list_for_auditor(
    *, membership: Membership | None, filters: DecisionFilters
) -> QuerySet[SharingDecision]:
    """Decisions in the auditor's area matching the filters, newest first, each annotated
    with `reviewed` and `flagged` (shared without consent and no reason recorded)."""
    membership = _require_auditor(membership)
    decisions = (
        _decisions_in_area(membership)
        .annotate(
            reviewed=Exists(DecisionReview.objects.filter(decision=OuterRef("pk"))),
            flagged=ExpressionWrapper(flagged(), output_field=BooleanField()),
            without_consent=ExpressionWrapper(
                shared_without_consent(), output_field=BooleanField()
            ),
        )
        .select_related("disclosing_agency", "receiving_agency", "source_agency", "decided_by")
        .order_by("-decided_at", "-id")
    )
    return _apply_filters(decisions, filters)


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
    membership = _require_auditor(membership)
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
    _require_auditor(membership)
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    return ChainStatus(
        size=head[0] if head else 0,
        head_hash=head[1] if head else "",
        latest_checkpoint=Checkpoint.objects.order_by("-size", "-created_at").first(),
        latest_run=VerificationRun.objects.select_related("requested_by").first(),
    )


def verification_run_get(*, membership: Membership | None, run_id: uuid.UUID) -> VerificationRun:
    _require_auditor(membership)
    run = VerificationRun.objects.filter(pk=run_id).first()
    if run is None:
        raise NotFound("No verification run with that id.")
    return run
