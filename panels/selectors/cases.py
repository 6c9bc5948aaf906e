"""Every permission-scoped read of panel data. Views never query panel models themselves.

A panel case is reached through its referral: an agency that may see nothing of the
referral cannot see the case (NotFound, as for a missing id). What each row of the case
shows is decided item by item from its (category, source, scope) and the viewer's grants.
"""

import datetime
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    CharField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.utils import timezone

from audit.vocabulary import Category
from panels.models import (
    CLOSED_STAGES,
    Assessment,
    AssessmentEntry,
    Consent,
    Contribution,
    InformationRequest,
    Intervention,
    Meeting,
    Panel,
    PanelCase,
    PostExitReview,
    StageMove,
)
from panels.models.vocabulary import ConsentDecision, RequestStatus, Stage
from panels.rules.stages import PANEL_ROLES, StageEvent
from prevent_cases.exceptions import NotFound
from prevent_cases.models import Membership
from prevent_cases.policy import WHOLE_CASE, handles_case_content, sees_item
from referrals.models import Referral, Subject
from referrals.selectors import (
    VisibleReferral,
    referral_get_for_user,
    referral_list_for_user,
    visible,
)


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


# What a panel case is read with, also by selectors that fetch one through a row of theirs.
PANEL_CASE_RELATIONS = ("panel", "panel__area", "source_agency", "referral", "referral__subject")


def _panel_cases() -> QuerySet[PanelCase]:
    return PanelCase.objects.select_related(*PANEL_CASE_RELATIONS)


def channel_inbox(*, membership: Membership | None) -> QuerySet[Referral]:
    """Referrals progressed to the member's panel and not yet accepted, oldest first.

    Only the responsible panel's chair and coordinators have an inbox."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        return Referral.objects.none()
    # The marker is kept by the services that progress, accept and transfer a referral: set
    # while no case is open before any panel and none was ever held by the responsible
    # panel (a case it held, not adopted or exited, does not come back here: a post-exit
    # review reopens it instead). Its partial index serves this list in its order.
    return (
        referral_list_for_user(membership=membership)
        .filter(awaiting_panel=True, responsible_agency_id=membership.agency_id)
        .order_by("status_changed_at", "id")
    )


def panel_cases_for_user(*, membership: Membership | None) -> QuerySet[PanelCase]:
    """Open cases before the member's own panel (chair and coordinators), oldest stage first."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        return PanelCase.objects.none()
    # The panel by its id, found first (an agency runs one panel): with the panel a join,
    # PostgreSQL cannot walk the panel's index of open cases in order, and joined, sorted and
    # read every open case of the panel for a page of them.
    panel_id = Panel.objects.filter(agency_id=membership.agency_id).values("pk")[:1]
    return (
        _panel_cases()
        .filter(
            panel_id=Subquery(panel_id),
            referral__responsible_agency_id=membership.agency_id,
        )
        .exclude(stage__in=CLOSED_STAGES)
        .order_by("stage_changed_at", "id")
    )


def panel_case_get_for_user(
    *, membership: Membership | None, panel_case_id: uuid.UUID
) -> VisiblePanelCase:
    """One panel case as the member may see it; NotFound if it may see nothing of it. The
    case says whether it has post-exit reviews (`has_post_exit_reviews`), which its page
    links to, in the same query."""
    reviews = PostExitReview.objects.filter(panel_case=OuterRef("pk"))
    panel_case = (
        _panel_cases()
        .annotate(has_post_exit_reviews=Exists(reviews))
        .filter(pk=panel_case_id)
        .first()
    )
    if panel_case is None:
        raise NotFound("No panel case with that id.")
    return panel_case_visible(membership=membership, panel_case=panel_case)


def panel_case_visible(*, membership: Membership | None, panel_case: PanelCase) -> VisiblePanelCase:
    """A panel case already fetched (with PANEL_CASE_RELATIONS), as the member may see it;
    NotFound if it may see nothing of it. The same check as `panel_case_get_for_user`."""
    shown = referral_get_for_user(membership=membership, referral_id=panel_case.referral_id)
    return VisiblePanelCase(panel_case=panel_case, shown=shown, membership=membership)


# --- The coordinator's work: the inbox, a case's requests and contributions, and the
# requests addressed to a partner agency. -------------------------------------------------

# With no meeting scheduled, the inbox shows cases due within this many days.
DUE_WITHOUT_MEETING_DAYS = 28


def panel_for_member(*, membership: Membership | None) -> Panel | None:
    """The panel the member runs as its chair or a coordinator; None for anyone else."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        return None
    return (
        Panel.objects.select_related("agency", "area")
        .filter(agency_id=membership.agency_id)
        .first()
    )


@dataclass(frozen=True)
class NextMeeting:
    """A panel's next meeting not yet held, and how many cases its agenda holds."""

    pk: uuid.UUID
    starts_at: datetime.datetime
    agenda_cases: int


def panels_with_next_meeting(panels: QuerySet[Panel], *, now: datetime.datetime) -> QuerySet[Panel]:
    """The panels, each with its next meeting not yet held (the first that starts `now` or
    later) read in the same query: `meeting_id`, `meeting_starts_at`, `meeting_items`."""
    meeting = Meeting.objects.filter(
        panel=OuterRef("pk"), starts_at__gte=now, closed_at__isnull=True
    ).order_by("starts_at", "id")
    return panels.annotate(
        meeting_id=Subquery(meeting.values("pk")[:1]),
        meeting_starts_at=Subquery(meeting.values("starts_at")[:1]),
        meeting_items=Subquery(meeting.annotate(items_n=Count("items")).values("items_n")[:1]),
    )


def next_meeting_of(panel: Panel) -> NextMeeting | None:
    """The next meeting read with a panel by `panels_with_next_meeting`."""
    if panel.meeting_id is None:
        return None
    return NextMeeting(
        pk=panel.meeting_id, starts_at=panel.meeting_starts_at, agenda_cases=panel.meeting_items
    )


def panel_with_next_meeting(
    *, membership: Membership | None, now: datetime.datetime
) -> Panel | None:
    """The panel the member runs (as `panel_for_member`), with its next meeting; None for
    anyone else."""
    if not handles_case_content(membership) or membership.role not in PANEL_ROLES:
        return None
    panels = Panel.objects.select_related("agency", "area").filter(agency_id=membership.agency_id)
    return panels_with_next_meeting(panels, now=now).first()


def cases_gathering_information(*, membership: Membership | None) -> QuerySet[PanelCase]:
    """The member's panel's cases at identification, the longest waiting first (the inbox
    counts the open and overdue requests of those it shows, panels.selectors.inbox)."""
    cases = panel_cases_for_user(membership=membership).filter(stage=Stage.IDENTIFICATION)
    return cases.order_by("stage_changed_at", "id")


def cases_due_by(*, membership: Membership | None, due_by: datetime.date) -> QuerySet[PanelCase]:
    """The member's panel's open cases due for review on or before `due_by`, soonest first."""
    cases = panel_cases_for_user(membership=membership).filter(
        next_review_on__isnull=False, next_review_on__lte=due_by
    )
    return cases.order_by("next_review_on", "id")


def referrals_of(*, membership: Membership, rows: Iterable) -> dict[uuid.UUID, Referral]:
    """The referrals these rows (panel cases, requests) hang off, as the member's scoped
    list returns them (with the member's live grants on each), by id: what a list may show
    of each is then known in one query, not one per row. A referral the member may see
    nothing of is absent."""
    ids = {row.referral_id for row in rows}
    if not ids:
        return {}
    referrals = referral_list_for_user(membership=membership).filter(pk__in=ids)
    return {referral.pk: referral for referral in referrals}


def panel_case_rows_for_user(*, membership: Membership | None) -> QuerySet[PanelCase]:
    """`panel_cases_for_user` with what the API's list shows of each case: its stage, review
    date and the referral's reference (the person comes from `referrals_named`)."""
    return (
        panel_cases_for_user(membership=membership)
        .select_related(None)
        .select_related("referral")
        .only("stage", "stage_changed_at", "next_review_on", "referral__reference")
    )


def case_stage_moves(case: VisiblePanelCase) -> list[StageMove]:
    """The case's stage history, oldest first. Every viewer of the case sees the moves;
    the reasons only where the viewer sees the panel's decisions (`sees_panel`)."""
    return list(
        StageMove.objects.filter(panel_case=case.panel_case)
        .select_related("source_agency")
        .order_by("created_at", "id")
    )


def case_contributions(case: VisiblePanelCase) -> list[Contribution]:
    """Partners' contributions to the case that the viewer may see, by their category and
    source: its own agency's, and others' only through a live grant."""
    contributions = (
        Contribution.objects.filter(panel_case=case.panel_case)
        .select_related("source_agency")
        .order_by("created_at", "id")
    )
    return [
        contribution
        for contribution in contributions
        if case.sees(contribution.category, contribution.source_agency_id)
    ]


def case_items_without_grant(case: VisiblePanelCase) -> frozenset[tuple[str, uuid.UUID]]:
    """(category, source) of what the case shows a partner by no grant: what its agency
    contributed itself (contributions, its own assessment entries) and the purpose of the
    panel's requests addressed to it. In one query; nothing for the panel, whose own
    record is all its agency's."""
    agency_id = case.membership.agency_id
    panel_case = case.panel_case
    if agency_id == panel_case.source_agency_id:
        return frozenset()

    def fixed(category: str) -> Value:
        return Value(category, output_field=CharField())

    contributed = Contribution.objects.filter(
        panel_case=panel_case, source_agency_id=agency_id
    ).values_list("category", "source_agency_id")
    entered = (
        AssessmentEntry.objects.filter(
            assessment__panel_case=panel_case, source_agency_id=agency_id
        )
        .annotate(item_category=fixed(Category.ASSESSMENT))
        .values_list("item_category", "source_agency_id")
    )
    addressed = (
        InformationRequest.objects.filter(panel_case=panel_case, to_agency_id=agency_id)
        .annotate(item_category=fixed(Category.PANEL))
        .values_list("item_category", "source_agency_id")
    )
    # Unordered: a compound query takes no ordering from its parts.
    parts = [query.order_by() for query in (contributed, entered, addressed)]
    return frozenset(parts[0].union(*parts[1:]))


def _requests() -> QuerySet[InformationRequest]:
    today = timezone.localdate()
    return InformationRequest.objects.select_related(
        "to_agency", "source_agency", "panel_case__panel__area", "referral"
    ).annotate(
        is_overdue=ExpressionWrapper(
            Q(status=RequestStatus.OPEN, due_on__lt=today), output_field=BooleanField()
        )
    )


def case_requests(case: VisiblePanelCase) -> list[InformationRequest]:
    """The case's information requests the viewer may see: all of them for the panel the
    case is before, only those addressed to its agency for anyone else."""
    requests = _requests().filter(panel_case=case.panel_case)
    if case.membership.agency_id != case.panel_case.source_agency_id:
        requests = requests.filter(to_agency_id=case.membership.agency_id)
    return list(requests.order_by("-created_at", "id"))


def case_request_shows_purpose(case: VisiblePanelCase, request: InformationRequest) -> bool:
    """A request's purpose is the panel's information, shown to its addressee too."""
    return request.to_agency_id == case.membership.agency_id or case.sees(
        Category.PANEL, request.source_agency_id
    )


@dataclass(frozen=True)
class AddressedRequest:
    """A request addressed to the viewer's agency, with who it is about where the agency
    may see the person's identity (through the decision sent with the request)."""

    request: InformationRequest
    shown: VisibleReferral | None

    @property
    def subject(self) -> Subject | None:
        if self.shown is None or not self.shown.shows(Category.IDENTITY):
            return None
        return self.shown.referral.subject


def _addressed(membership: Membership | None) -> QuerySet[InformationRequest]:
    if not handles_case_content(membership):
        return InformationRequest.objects.none()
    return _requests().filter(to_agency_id=membership.agency_id)


def _with_identity(
    membership: Membership, requests: list[InformationRequest]
) -> list[AddressedRequest]:
    referrals = referrals_of(membership=membership, rows=requests)
    return [
        AddressedRequest(
            request=request,
            shown=visible(referrals[request.referral_id], membership=membership)
            if request.referral_id in referrals
            else None,
        )
        for request in requests
    ]


def requests_addressed_to_agency(*, membership: Membership | None) -> QuerySet[InformationRequest]:
    """Open requests addressed to the member's agency, the most overdue first."""
    return _addressed(membership).filter(status=RequestStatus.OPEN).order_by("due_on", "id")


def addressed_requests_shown(
    *, membership: Membership, requests: Iterable[InformationRequest]
) -> list[AddressedRequest]:
    """A page of requests addressed to the member's agency, each with who it is about."""
    return _with_identity(membership, list(requests))


def request_get_for_addressee(
    *, membership: Membership | None, request_id: uuid.UUID
) -> AddressedRequest:
    """One request addressed to the member's agency; NotFound for any other, so the
    requests sent to other agencies cannot be probed."""
    request = _addressed(membership).filter(pk=request_id).first()
    if request is None:
        raise NotFound("No information request with that id.")
    (addressed,) = _with_identity(membership, [request])
    return addressed


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
