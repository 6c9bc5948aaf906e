"""Permission-scoped reads of meetings, their agendas and actions. Views never query
meeting models themselves.

A meeting exists for the panel that holds it and for the agencies that sit on it: its
standing members, agencies added for a case on its agenda and agencies recorded at it.
What each agenda case shows is decided item by item from (category, source, scope) and
the viewer's grants, built for the whole agenda in a fixed number of queries.
"""

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet, UUIDField, Value

from audit.vocabulary import Category
from panels.models import (
    AgendaItem,
    Assessment,
    Consent,
    Contribution,
    Intervention,
    Meeting,
    MeetingAttendance,
    Panel,
    PanelAction,
    PanelCase,
    StageMove,
    SupportPlan,
)
from panels.rules.papers import PANEL_RECORD, proposed_categories
from panels.rules.quorum import police_presence_problem, runs_meeting
from prevent_cases.exceptions import NotFound
from prevent_cases.models import Agency, Membership, User
from prevent_cases.policy import WHOLE_CASE, handles_case_content, sees_item
from prevent_cases.roles import AgencyKind
from referrals.models import Referral
from referrals.selectors import (
    ALL_CATEGORIES,
    VisibleReferral,
    category_of_permission,
    holdings_by_referral,
    live_grants,
)


def _meetings() -> QuerySet[Meeting]:
    return Meeting.objects.select_related("panel", "panel__area", "panel__agency")


def meetings_for_user(*, membership: Membership | None) -> QuerySet[Meeting]:
    """Meetings of the member's panel, or of panels its agency sits on, soonest first."""
    if not handles_case_content(membership):
        return Meeting.objects.none()
    agency_id = membership.agency_id
    added_for_a_case = AgendaItem.objects.filter(
        meeting=OuterRef("pk"), panel_case__added_members=agency_id
    )
    attended = MeetingAttendance.objects.filter(meeting=OuterRef("pk"), agency_id=agency_id)
    standing = Panel.members.through.objects.filter(
        panel_id=OuterRef("panel_id"), agency_id=agency_id
    )
    return (
        _meetings()
        .filter(
            Q(panel__agency_id=agency_id)
            | Exists(standing)
            | Exists(attended)
            | Exists(added_for_a_case)
        )
        .order_by("starts_at", "id")
    )


def meeting_get_for_user(*, membership: Membership | None, meeting_id: uuid.UUID) -> Meeting:
    """One meeting the member's agency may open; NotFound whether missing or not its own."""
    meeting = meetings_for_user(membership=membership).filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("No meeting with that id.")
    return meeting


def meeting_for_update(*, meeting_id: uuid.UUID) -> Meeting:
    """A meeting to write to; the service decides whether the actor may."""
    meeting = _meetings().filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound("No meeting with that id.")
    return meeting


def attendance_of(meeting: Meeting) -> list[MeetingAttendance]:
    """Who was recorded at the meeting, by agency name."""
    return list(
        MeetingAttendance.objects.filter(meeting=meeting)
        .select_related("agency", "attendee")
        .order_by("agency__name", "id")
    )


def panel_agencies(meeting: Meeting, *, extra: Iterable[uuid.UUID] = ()) -> list[Agency]:
    """Agencies that sit on the meeting's panel: its own, its standing members, and any
    added for a case on the agenda (or named in `extra`)."""
    added = AgendaItem.objects.filter(meeting=meeting).values("panel_case__added_members")
    return list(
        Agency.objects.filter(
            Q(pk=meeting.panel.agency_id)
            | Q(panel_memberships=meeting.panel)
            | Q(pk__in=added)
            | Q(pk__in=list(extra))
        )
        .distinct()
        .order_by("name")
    )


def agency_users(agencies: Iterable[Agency]) -> dict[uuid.UUID, list[User]]:
    """Active users of each agency, who may be recorded as attending for it."""
    users: dict[uuid.UUID, list[User]] = defaultdict(list)
    for user in (
        User.objects.filter(
            is_active=True,
            membership__is_active=True,
            membership__agency__in=[agency.pk for agency in agencies],
        )
        .select_related("membership")
        .order_by("last_name", "first_name", "username")
    ):
        users[user.membership.agency_id].append(user)
    return users


def area_forces(area_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, set[uuid.UUID]]:
    """The police forces of each area, by area id."""
    forces: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for agency_id, area_id in Agency.objects.filter(
        kind=AgencyKind.POLICE, is_active=True, area_id__in=set(area_ids)
    ).values_list("pk", "area_id"):
        forces[area_id].add(agency_id)
    return forces


def present_agencies(attendance: Iterable[MeetingAttendance]) -> set[uuid.UUID]:
    return {row.agency_id for row in attendance if row.status == "present"}


def agenda_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda with everything its papers (and the API's agenda) show, in a
    fixed number of queries whatever its length. The meeting page reads
    agenda_outline_items instead."""
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related(
            "panel_case",
            "panel_case__panel",
            "panel_case__source_agency",
            "referral",
            "referral__subject",
            "referral__area",
            "referral__owning_agency",
            "referral__concern_type",
            "decided_by",
        )
        .prefetch_related(
            "panel_case__added_members",
            Prefetch(
                "panel_case__actions",
                queryset=PanelAction.objects.select_related("owner_agency").order_by(
                    "due_on", "id"
                ),
            ),
            Prefetch(
                "panel_case__contributions",
                queryset=Contribution.objects.select_related("source_agency").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch("panel_case__moves", queryset=StageMove.objects.order_by("created_at", "id")),
            Prefetch(
                "panel_case__assessments",
                queryset=Assessment.objects.filter(agreed_at__isnull=False).order_by("-number"),
                to_attr="agreed_assessments",
            ),
            Prefetch(
                "panel_case__plans",
                queryset=SupportPlan.objects.order_by("-created_at", "-id"),
                to_attr="support_plans",
            ),
        )
        .order_by("position", "id")
    )


# What the meeting page reads of each case and referral: the case's stage (and version,
# for the decision form), who recorded it and whether it was exited; the referral's
# reference, owner (the source of its own record) and area (the police presence check).
OUTLINE_CASE_FIELDS = ("referral", "source_agency", "stage", "version", "exit_outcome")
OUTLINE_REFERRAL_FIELDS = ("reference", "owning_agency", "area", "subject")


def agenda_outline_items(meeting: Meeting) -> QuerySet[AgendaItem]:
    """The meeting's agenda with what the meeting page shows: each case's sections by title
    only, so whether its panel record holds moves, an agreed assessment or a plan is
    annotated (has_moves, has_assessment, has_plan) instead of read, and contributions are
    read for their category and source alone. Open actions are read in full: the page lists
    them. A fixed number of queries whatever the agenda's length."""
    case = OuterRef("panel_case_id")
    return (
        AgendaItem.objects.filter(meeting=meeting)
        .select_related("panel_case", "referral", "referral__subject", "referral__area")
        # The case, referral and person are read for the few fields the page shows or
        # decides by (a referral and its person hold many more).
        .only(
            *(field.name for field in AgendaItem._meta.concrete_fields),
            *(f"panel_case__{name}" for name in OUTLINE_CASE_FIELDS),
            *(f"referral__{name}" for name in OUTLINE_REFERRAL_FIELDS),
            "referral__subject__given_names",
            "referral__subject__family_name",
            "referral__area__name",
        )
        .annotate(
            has_moves=Exists(StageMove.objects.filter(panel_case_id=case)),
            has_assessment=Exists(
                Assessment.objects.filter(panel_case_id=case, agreed_at__isnull=False)
            ),
            has_plan=Exists(SupportPlan.objects.filter(panel_case_id=case)),
        )
        .prefetch_related(
            Prefetch(
                "panel_case__actions",
                queryset=PanelAction.objects.filter(done_at__isnull=True)
                .select_related("owner_agency")
                .order_by("due_on", "id"),
            ),
            Prefetch(
                "panel_case__contributions",
                queryset=Contribution.objects.only(
                    "id", "panel_case_id", "category", "source_agency_id"
                ).order_by("created_at", "id"),
            ),
        )
        .order_by("position", "id")
    )


def item_for_update(*, meeting: Meeting, item_id: uuid.UUID) -> AgendaItem:
    """One agenda item of this meeting, with its case, to write to."""
    item = (
        AgendaItem.objects.filter(meeting=meeting, pk=item_id)
        .select_related(
            "meeting", "meeting__panel", "panel_case", "panel_case__panel", "referral__area"
        )
        .first()
    )
    if item is None:
        raise NotFound("No such case on this meeting's agenda.")
    return item


@dataclass(frozen=True)
class Lens:
    """One agency's view of the agenda: its id and its grants on each case."""

    agency_id: uuid.UUID
    grants: dict[uuid.UUID, frozenset] = field(default_factory=dict)


@dataclass(frozen=True)
class AgendaCase:
    """One agenda case with what may be shown of it: an item is shown only when every
    lens sees it (the viewer's, and for papers made for another agency, that agency's)."""

    item: AgendaItem
    membership: Membership
    lenses: tuple[Lens, ...]

    @property
    def panel_case(self) -> PanelCase:
        return self.item.panel_case

    @property
    def referral(self) -> Referral:
        return self.item.referral

    def sees(self, category: str, source_id, scope: str = WHOLE_CASE) -> bool:
        """Whether one item of the case may be shown: `category` of `source_id`'s."""
        return all(
            sees_item(
                self.membership,
                agency_id=agency_id,
                item=(category, source_id, scope),
                grants=grants,
            )
            for agency_id, grants in self._grants
        )

    @cached_property
    def _grants(self) -> tuple[tuple[uuid.UUID, frozenset], ...]:
        """Each lens's agency and its grants on this case, looked up once: sees() is asked
        for every category of every source of every case on the agenda."""
        referral_id = self.item.referral_id
        return tuple(
            (lens.agency_id, lens.grants.get(referral_id, frozenset())) for lens in self.lenses
        )

    def sees_panel(self, category: str = Category.PANEL) -> bool:
        return self.sees(category, self.panel_case.source_agency_id)

    @cached_property
    def visible(self) -> frozenset[tuple[str, uuid.UUID]]:
        """Every (category, source) of the case's items that may be shown, over every
        source the case may hold: its owner, the panel, contributors and the grants'.
        Read once per case: the agenda's filter, its sections and its read event ask."""
        sources = {self.referral.owning_agency_id, self.panel_case.source_agency_id}
        sources |= {c.source_agency_id for c in self.panel_case.contributions.all()}
        for lens in self.lenses:
            sources |= {source for _, source, _ in lens.grants.get(self.referral.pk, ())}
        return frozenset(
            (category, source)
            for category in ALL_CATEGORIES
            for source in sources
            if self.sees(category, source)
        )

    @property
    def shown(self) -> VisibleReferral:
        """The referral's own record as far as it may be shown, for its sections."""
        owner = self.referral.owning_agency_id
        return VisibleReferral(
            referral=self.referral,
            categories=frozenset(c for c, source in self.visible if source == owner),
            grants=self.lenses[0].grants.get(self.referral.pk, frozenset()),
        )

    def sees_anything(self) -> bool:
        """Whether any item of the case may be shown at all: otherwise it is left out."""
        return bool(self.visible)


@dataclass(frozen=True)
class Agenda:
    """A meeting's agenda as one viewer may see it."""

    meeting: Meeting
    cases: list[AgendaCase]
    runs_meeting: bool
    papers_open: bool
    # Who was recorded at the meeting, by agency name.
    attendance: list[MeetingAttendance]


def decision_problems(
    items: Iterable[AgendaItem],
    *,
    attendance: list[MeetingAttendance],
    forces: dict[uuid.UUID, set[uuid.UUID]],
) -> dict[uuid.UUID, str]:
    """Per agenda item id, why the panel may not decide on it now (or ""): the police force
    of the person's area (of `forces`, by area id) was not recorded present."""
    present = present_agencies(attendance)
    return {
        item.pk: police_presence_problem(
            area_name=item.referral.area.name,
            area_forces=forces.get(item.referral.area_id, set()),
            present=present,
        )
        for item in items
    }


def meeting_agenda_for_user(
    *,
    membership: Membership,
    meeting: Meeting,
    for_agency: Agency | None = None,
    outline: bool = False,
) -> Agenda:
    """The agenda as the member may see it. The panel's chair and coordinators see every
    case (each item minimised by their own grants); members see only the cases shared with
    their agency, and only once the chair has confirmed the papers. `for_agency` narrows
    what is shown to what that agency may also see (papers made for it). `outline` reads
    only what the meeting page shows (agenda_outline_items), not the papers' content. Why
    the panel may not decide on a case is decision_problems', for those that ask."""
    runs = runs_meeting(membership, meeting)
    papers_open = runs or meeting.papers_confirmed_at is not None
    # Read with the agenda: its readers list it, and the police presence check needs it.
    attendance = attendance_of(meeting)
    if not papers_open:
        return Agenda(meeting, [], runs, papers_open, attendance)
    items = list(agenda_outline_items(meeting) if outline else agenda_items(meeting))
    referral_ids = [item.referral_id for item in items]
    lenses = [
        Lens(
            membership.agency_id,
            holdings_by_referral(agency=membership.agency, referral_ids=referral_ids),
        )
    ]
    if for_agency is not None and for_agency.pk != membership.agency_id:
        lenses.append(
            Lens(for_agency.pk, holdings_by_referral(agency=for_agency, referral_ids=referral_ids))
        )
    cases = [AgendaCase(item, membership, tuple(lenses)) for item in items]
    cases = [case for case in cases if case.sees_anything()]
    return Agenda(meeting, cases, runs, papers_open, attendance)


def actions_for_agency(*, membership: Membership | None) -> QuerySet[PanelAction]:
    """Open actions given to the member's agency, the most overdue first."""
    if not handles_case_content(membership):
        return PanelAction.objects.none()
    return (
        PanelAction.objects.filter(owner_agency_id=membership.agency_id, done_at__isnull=True)
        .select_related("referral", "panel_case", "owner_agency")
        .order_by("due_on", "id")
    )


def action_get_for_user(*, membership: Membership | None, action_id: uuid.UUID) -> PanelAction:
    """One action given to the member's agency; NotFound otherwise."""
    if not handles_case_content(membership):
        raise NotFound("No action with that id.")
    action = (
        PanelAction.objects.filter(pk=action_id, owner_agency_id=membership.agency_id)
        .select_related("referral", "panel_case", "owner_agency")
        .first()
    )
    if action is None:
        raise NotFound("No action with that id.")
    return action


@dataclass(frozen=True)
class ProposedShare:
    """One row of the papers' proposal: `category` of `source_id`'s information on one
    agenda case, for one member agency."""

    item: AgendaItem
    agency: Agency
    category: str
    source_id: uuid.UUID

    @property
    def key(self) -> str:
        return f"{self.item.pk}:{self.agency.pk}:{self.category}:{self.source_id}"


def _held_by_agencies(
    agencies: Iterable[Agency], referral_ids: list[uuid.UUID], *, direct_only: bool = False
) -> set[tuple[uuid.UUID, uuid.UUID, str, uuid.UUID]]:
    """(referral, agency, category, source) of live whole-case grants, in one query;
    `direct_only` keeps those given by the source itself (what the panel may pass on)."""
    by_group = {agency.group_id: agency.pk for agency in agencies if agency.group_id}
    categories = category_of_permission()
    grants = live_grants().filter(
        group_id__in=list(by_group),
        content_object_id__in=referral_ids,
        scope=WHOLE_CASE,
    )
    if direct_only:
        grants = grants.filter(decision__disclosing_agency_id=F("source_agency_id"))
    return {
        (referral_id, by_group[group_id], categories[permission], source)
        for referral_id, group_id, permission, source in grants.values_list(
            "content_object_id", "group_id", "permission_id", "source_agency_id"
        )
    }


def papers_proposal(*, meeting: Meeting) -> list[ProposedShare]:
    """What each member agency should be given for each agenda case
    (panels.rules.papers), of what the panel holds or recorded itself, leaving out what
    the agency already holds or originated."""
    items = list(agenda_items(meeting))
    panel_agency = meeting.panel.agency
    standing = list(meeting.panel.members.all())
    referral_ids = [item.referral_id for item in items]
    recipients = {agency.pk: agency for agency in standing}
    for item in items:
        recipients.update({agency.pk: agency for agency in item.panel_case.added_members.all()})
    recipients.pop(panel_agency.pk, None)
    panel_holds = _held_by_agencies([panel_agency], referral_ids, direct_only=True)
    already = _held_by_agencies(recipients.values(), referral_ids)
    # An agency delivering an intervention on a case is given that intervention alone (in
    # its scope, when it is assigned), never the whole plan with the others in it.
    delivering = set(
        Intervention.objects.filter(referral_id__in=referral_ids).values_list(
            "referral_id", "delivering_agency_id"
        )
    )
    rows = []
    for item in items:
        case = item.panel_case
        members = [a for a in standing if a.pk != panel_agency.pk]
        members += [a for a in case.added_members.all() if a.pk not in {m.pk for m in members}]
        # The panel passes on what it holds from the police and from partners directly.
        sources_of: dict[str, list[uuid.UUID]] = defaultdict(list)
        for referral_id, _, category, source in sorted(panel_holds, key=str):
            if referral_id == item.referral_id:
                sources_of[category].append(source)
        for category in PANEL_RECORD:
            sources_of[category] = [case.source_agency_id]
        for agency in members:
            for category in proposed_categories(
                agency.kind,
                has_assessment=bool(case.agreed_assessments),
                has_plan=bool(case.support_plans),
            ):
                if category == Category.SUPPORT and (item.referral_id, agency.pk) in delivering:
                    continue
                rows.extend(
                    ProposedShare(item, agency, category, source)
                    for source in sources_of.get(category, [])
                    if source != agency.pk
                    and (item.referral_id, agency.pk, category, source) not in already
                )
    return rows


def latest_consents(panel_case_ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """The latest consent decision recorded on each case, in one query."""
    latest: dict[uuid.UUID, str] = {}
    for case_id, decision in (
        Consent.objects.filter(panel_case_id__in=list(panel_case_ids))
        .order_by("panel_case_id", "-created_at", "-id")
        .values_list("panel_case_id", "decision")
    ):
        latest.setdefault(case_id, decision)
    return latest


@dataclass(frozen=True)
class PanelSeats:
    """Who sits on a meeting's panel, for its page: every agency (as panel_agencies lists
    them), those that sit for every case (the panel's own agency and its standing
    members), those added for each case on the agenda (by panel case id), and the active
    police forces of the agenda's areas (by area id), for police_presence_problem."""

    agencies: list[Agency]
    standing: frozenset[uuid.UUID]
    added: dict[uuid.UUID, set[uuid.UUID]]
    forces: dict[uuid.UUID, set[uuid.UUID]]

    def for_case(self, panel_case_id: uuid.UUID) -> list[Agency]:
        sitting = self.standing | self.added.get(panel_case_id, set())
        return [agency for agency in self.agencies if agency.pk in sitting]


def panel_seats(meeting: Meeting, *, area_ids: Iterable[uuid.UUID]) -> PanelSeats:
    """PanelSeats in one query whatever the agenda's length: the standing members and the
    areas' forces, and (one row per case) the agencies added for cases on the agenda."""
    standing = Q(pk=meeting.panel.agency_id) | Exists(
        Panel.members.through.objects.filter(panel_id=meeting.panel_id, agency_id=OuterRef("pk"))
    )
    force = Q(kind=AgencyKind.POLICE, is_active=True, area_id__in=set(area_ids))
    sitting = Agency.objects.filter(standing | force).annotate(
        for_case=Value(None, output_field=UUIDField()), standing=standing, force=force
    )
    added_for_a_case = Agency.objects.filter(
        panel_cases_joined__agenda_items__meeting=meeting
    ).annotate(for_case=F("panel_cases_joined"), standing=Value(False), force=Value(False))
    # Each part unordered, as a compound statement requires; the whole by name.
    rows = sitting.order_by().union(added_for_a_case.order_by(), all=True).order_by("name", "id")
    agencies: dict[uuid.UUID, Agency] = {}
    standing_ids: set[uuid.UUID] = set()
    added: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    forces: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for agency in rows:
        if agency.force:
            forces[agency.area_id].add(agency.pk)
        if agency.standing:
            standing_ids.add(agency.pk)
        if agency.for_case is not None:
            added[agency.for_case].add(agency.pk)
        if agency.standing or agency.for_case is not None:
            agencies.setdefault(agency.pk, agency)
    return PanelSeats(list(agencies.values()), frozenset(standing_ids), dict(added), dict(forces))


def case_agenda_items(panel_case: PanelCase) -> QuerySet[AgendaItem]:
    """The meetings a case was or will be discussed at, newest first, for its panel."""
    return (
        AgendaItem.objects.filter(panel_case=panel_case)
        .select_related("meeting")
        .order_by("-meeting__starts_at", "id")
    )


def agencies_to_add(panel_case: PanelCase) -> QuerySet[Agency]:
    """Active agencies that do not sit on the panel for this case yet, its area's first, in
    one query: the panel's own agency, its standing members and those added for the case
    are left out in SQL."""
    standing = Panel.members.through.objects.filter(
        panel_id=panel_case.panel_id, agency_id=OuterRef("pk")
    )
    added = PanelCase.added_members.through.objects.filter(
        panelcase_id=panel_case.pk, agency_id=OuterRef("pk")
    )
    return (
        Agency.objects.filter(is_active=True)
        .exclude(pk=panel_case.panel.agency_id)
        .exclude(Exists(standing))
        .exclude(Exists(added))
        .select_related("area")
        .order_by("area__name", "name")
    )
