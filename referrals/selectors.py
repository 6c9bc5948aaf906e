"""Every permission-scoped read of referrals. Views never query case models themselves.

A referral another agency has no live grant on does not exist for that agency's users:
lists leave it out and single fetches raise the same NotFound as for a missing id.
"""

import datetime
import functools
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import Category, DecisionAction
from prevent_cases.dates import parse_uk_date
from prevent_cases.exceptions import NotFound
from prevent_cases.merged_rows import MergedRows
from prevent_cases.models import Agency, Membership
from prevent_cases.policy import (
    WHOLE_CASE,
    Holding,
    handles_case_content,
    sees_item,
    visible_categories,
)
from referrals.models import (
    ConcernType,
    Correction,
    Referral,
    ReferralGrant,
    ReferralResponsibility,
    ReferralSource,
    ReferralStatus,
    ReferralTransition,
    Subject,
)
from referrals.rules.case_data import categories_of, holding_of
from referrals.rules.matching import Match, normalise, rank
from referrals.rules.workflow import OPEN_STATUSES
from referrals.services.grants import permissions_by_category

ALL_CATEGORIES = frozenset(Category.values)


def live_grants() -> QuerySet[ReferralGrant]:
    """Every grant still in force: expiry takes effect on the next read, with no job."""
    return ReferralGrant.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )


def _live_grants(agency: Agency) -> QuerySet[ReferralGrant]:
    return live_grants().filter(group_id=agency.group_id)


def category_of_permission() -> dict[int, str]:
    """The category each grant permission id stands for."""
    return {pk: category for category, pk in permissions_by_category().items()}


def _holdings(rows) -> frozenset[Holding]:
    """(category, source, scope) for each grant row given as (permission, source, scope)."""
    categories = category_of_permission()
    return frozenset((categories[permission], source, scope) for permission, source, scope in rows)


def _of_categories(grants: QuerySet[ReferralGrant], categories: Iterable[str] | None):
    """The grants of these categories only (every grant when None)."""
    if categories is None:
        return grants
    by_category = permissions_by_category()
    return grants.filter(permission_id__in=[by_category[name] for name in categories])


def holdings_by_referral(
    *,
    agency: Agency,
    referral_ids: Iterable[uuid.UUID],
    categories: Iterable[str] | None = None,
) -> dict[uuid.UUID, frozenset[Holding]]:
    """What live grants (of `categories`, every one by default) give the agency on each of
    these referrals, in one query."""
    categories_by_permission = category_of_permission()
    held: dict[uuid.UUID, set[Holding]] = defaultdict(set)
    grants = _of_categories(_live_grants(agency), categories)
    for referral_id, permission, source, scope in grants.filter(
        content_object_id__in=list(referral_ids)
    ).values_list("content_object_id", "permission_id", "source_agency_id", "scope"):
        held[referral_id].add((categories_by_permission[permission], source, scope))
    return {referral_id: frozenset(rows) for referral_id, rows in held.items()}


def holdings(*, agency: Agency, referral: Referral) -> frozenset[Holding]:
    """What live grants give the agency on this referral."""
    return _holdings(
        _live_grants(agency)
        .filter(content_object=referral)
        .values_list("permission_id", "source_agency_id", "scope")
    )


def direct_holdings(*, agency: Agency, referral: Referral, source_id) -> frozenset[Holding]:
    """What the agency holds of `source_id`'s information by the source's own decisions:
    the only holdings the responsible panel may pass on."""
    return _holdings(
        _live_grants(agency)
        .filter(
            content_object=referral,
            source_agency_id=source_id,
            decision__disclosing_agency_id=source_id,
        )
        .values_list("permission_id", "source_agency_id", "scope")
    )


@functools.cache
def record_categories() -> frozenset[str]:
    """The categories the referral's own record has fields in (the police's information).
    The registry is fixed when the code loads, so this is worked out once."""
    return frozenset(
        category
        for model in (Subject, Referral, ReferralTransition)
        for category in categories_of(model)
    )


def shareable_categories(
    *, agency: Agency, referral: Referral, source_id, scope: str = WHOLE_CASE
) -> frozenset[str]:
    """The categories of `source_id`'s information the agency may name in a decision: those
    its own information on the case can hold (for the owning force, the categories of the
    referral's record), or what the source itself granted it (for this part or the whole
    case)."""
    if source_id == agency.pk == referral.owning_agency_id:
        return record_categories()
    if source_id == agency.pk:
        return ALL_CATEGORIES
    held = direct_holdings(agency=agency, referral=referral, source_id=source_id)
    return frozenset(
        category for category, _, held_scope in held if held_scope in {scope, WHOLE_CASE}
    )


def source_agencies(referral: Referral) -> list[uuid.UUID]:
    """Agencies other than the owner whose own information the case holds, oldest first."""
    return list(
        ReferralSource.objects.filter(referral=referral)
        .exclude(agency_id=referral.owning_agency_id)
        .order_by("created_at", "id")
        .values_list("agency_id", flat=True)
    )


@dataclass(frozen=True)
class VisibleReferral:
    """A referral together with what the viewer may see of it: the categories of the
    referral's own record, and every (category, source, scope) the viewer's grants give."""

    referral: Referral
    categories: frozenset[str]
    grants: frozenset[Holding] = frozenset()

    def shows(self, category: str) -> bool:
        return category in self.categories


def _scoped(agency: Agency, referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """Each row with what a list shows of it, and `live_grants_for_viewer` (prefetched), so
    what it may show is known without a query per row."""
    return referrals.select_related(
        "subject", "owning_agency", "area", "responsible_agency", "concern_type"
    ).prefetch_related(
        Prefetch(
            "grants",
            queryset=_live_grants(agency).only(
                "id",
                "content_object_id",
                "permission_id",
                "source_agency_id",
                "scope",
                "decision_id",
                "expires_at",
            ),
            to_attr="live_grants_for_viewer",
        )
    )


def referral_list_for_user(*, membership: Membership | None) -> QuerySet[Referral]:
    """Referrals the member's agency owns or holds a live grant on, newest first: for
    looking up known ids. Pages of the whole list come from `referral_pages_for_user`."""
    if not handles_case_content(membership):
        return Referral.objects.none()
    agency = membership.agency
    held = Exists(_live_grants(agency).filter(content_object=OuterRef("pk")))
    return _scoped(agency, Referral.objects.filter(Q(owning_agency_id=agency.pk) | held)).order_by(
        "-created_at", "-id"
    )


def referral_pages_for_user(*, membership: Membership | None) -> MergedRows:
    """The same referrals in two parts an index serves each, for paging through them: the
    agency's own (by owner), and other agencies' it holds a live grant on (from the
    grants). Pages read only a page from each part (prevent_cases.merged_rows)."""
    if not handles_case_content(membership):
        return MergedRows([Referral.objects.none()])
    agency = membership.agency
    granted_ids = _live_grants(agency).values("content_object_id")
    owned = Referral.objects.filter(owning_agency_id=agency.pk)
    granted = Referral.objects.filter(pk__in=granted_ids).exclude(owning_agency_id=agency.pk)
    return MergedRows([_scoped(agency, owned), _scoped(agency, granted)]).order_by(
        "-created_at", "-id"
    )


class HeldGrant(NamedTuple):
    """What `visible` reads of one live grant on a referral."""

    permission_id: int
    source_agency_id: uuid.UUID
    scope: str


def referrals_named(
    *,
    membership: Membership,
    ids: Iterable[uuid.UUID],
    fields: tuple[str, ...],
    categories: Iterable[str] | None = None,
) -> dict[uuid.UUID, Referral]:
    """These referrals of the member's list (`referral_list_for_user`), by id, for a page that
    names cases: only `fields` read of each (`subject__...` reads the person with it), and
    the member's live grants of `categories` (every one by default) read as tuples in one
    query, where `visible` finds them. Whether one category shows depends on its own grants
    alone (prevent_cases.policy.sees_item), so what is shown, and recorded as read, is what
    every grant would give, without building every grant a case has."""
    ids = set(ids)
    if not ids:
        return {}
    referrals = (
        referral_list_for_user(membership=membership)
        .filter(pk__in=ids)
        .order_by()
        .select_related(None)
        .prefetch_related(None)
    )
    if any(field.split("__")[0] == "subject" for field in fields):
        referrals = referrals.select_related("subject")
    grants = _of_categories(_live_grants(membership.agency), categories).filter(
        content_object_id__in=ids
    )
    held: dict[uuid.UUID, list[HeldGrant]] = defaultdict(list)
    for referral_id, *grant in grants.values_list(
        "content_object_id", "permission_id", "source_agency_id", "scope"
    ):
        held[referral_id].append(HeldGrant(*grant))
    named = {}
    for referral in referrals.only(*fields):
        referral.live_grants_for_viewer = held[referral.pk]
        named[referral.pk] = referral
    return named


def visible(referral: Referral, *, membership: Membership) -> VisibleReferral:
    """Pair a referral from `referral_list_for_user` with what the member may see of it."""
    grants = _holdings(
        (grant.permission_id, grant.source_agency_id, grant.scope)
        for grant in getattr(referral, "live_grants_for_viewer", [])
    )
    return VisibleReferral(
        referral=referral,
        categories=visible_categories(
            membership,
            agency_id=membership.agency_id,
            source_id=referral.owning_agency_id,
            all_categories=ALL_CATEGORIES,
            grants=grants,
        ),
        grants=grants,
    )


def referral_get_for_user(
    *, membership: Membership | None, referral_id: uuid.UUID
) -> VisibleReferral:
    """One referral with what the member may see; NotFound if it may see nothing of it."""
    referral = referral_list_for_user(membership=membership).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound("No referral with that id.")
    shown = visible(referral, membership=membership)
    if not (shown.categories or shown.grants):
        raise NotFound("No referral with that id.")
    return shown


def referral_get_to_act_on(*, membership: Membership | None, referral_id: uuid.UUID) -> Referral:
    """The referral alone, for an action whose service authorises it: found exactly when
    `referral_get_for_user` finds it (the member's agency owns it or holds a live grant on
    it; NotFound otherwise, the same for a missing id), without reading what a page of it
    shows. Sharing from the API starts here."""
    if not handles_case_content(membership):
        raise NotFound("No referral with that id.")
    referral = Referral.objects.filter(pk=referral_id).first()
    if referral is None or (
        referral.owning_agency_id != membership.agency_id
        and not _live_grants(membership.agency).filter(content_object=referral).exists()
    ):
        raise NotFound("No referral with that id.")
    return referral


def decisions_for_referral(
    *, membership: Membership, referral: Referral
) -> QuerySet[SharingDecision]:
    """Sharing decisions about a referral the member's agency may see: those it made, those
    made to it, and those disclosing its own information (an originator sees where its
    information was passed on)."""
    agency_id = membership.agency_id
    decisions = SharingDecision.objects.for_case(case_type="referral", case_id=referral.pk).filter(
        Q(disclosing_agency_id=agency_id)
        | Q(receiving_agency_id=agency_id)
        | Q(source_agency_id=agency_id)
    )
    return decisions.select_related(
        "disclosing_agency", "receiving_agency", "source_agency", "decided_by", "superseded_by"
    ).order_by("-decided_at", "id")


def decision_for_referral(
    *, membership: Membership, referral: Referral, decision_id: uuid.UUID
) -> SharingDecision:
    """One decision the member's agency may see on this referral; NotFound otherwise."""
    decision = (
        decisions_for_referral(membership=membership, referral=referral)
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound("No such decision on this referral.")
    return decision


# Candidates read from the database before scoring; bounded so a common name cannot make
# intake slow. The scorer, not this limit, decides what is shown.
MATCH_CANDIDATE_LIMIT = 500
TRIGRAM_FLOOR = 0.3


def _subjects_with_identity(agency: Agency) -> QuerySet[Subject]:
    """Subjects whose identity the agency holds: it owns a referral about them, or a live
    grant gives it the identity category of one."""
    owned = Referral.objects.filter(owning_agency_id=agency.pk, subject=OuterRef("pk"))
    # A subject is its referral's owner's information.
    granted = _live_grants(agency).filter(
        permission_id=permissions_by_category()[Category.IDENTITY],
        content_object__subject=OuterRef("pk"),
        source_agency_id=F("content_object__owning_agency_id"),
    )
    return Subject.objects.filter(Exists(owned) | Exists(granted))


def _preselect(subjects: QuerySet[Subject], *, given_names: str, family_name: str, dob):
    query = normalise(f"{given_names} {family_name}")
    by_dob = Q(date_of_birth=dob) if dob else Q(pk__in=[])
    if connection.vendor == "postgresql":
        return subjects.annotate(similarity=TrigramWordSimilarity(query, "match_key")).filter(
            Q(similarity__gte=TRIGRAM_FLOOR) | by_dob
        )
    starts = {name[:2] for name in (normalise(given_names), normalise(family_name)) if name}
    by_name = Q(pk__in=[])
    for start in starts:
        by_name |= Q(match_key__contains=start)
    return subjects.filter(by_name | by_dob)


@dataclass(frozen=True)
class SubjectMatch:
    subject: Subject
    score: float
    referral_count: int
    # (referral id, owning agency id) of the record(s) this subject's identity comes from.
    records: tuple[tuple[uuid.UUID, uuid.UUID], ...] = ()
    # The references of those records, to name the earlier referral a link is made to.
    references: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonSought:
    """Who a new referral is about, as far as matching needs to know."""

    given_names: str
    family_name: str
    date_of_birth: datetime.date | None


def _ranked(agency: Agency, person: PersonSought) -> list[Match]:
    candidates = _preselect(
        _subjects_with_identity(agency),
        given_names=person.given_names,
        family_name=person.family_name,
        dob=person.date_of_birth,
    ).values_list("id", "match_key", "date_of_birth")[:MATCH_CANDIDATE_LIMIT]
    return rank(
        list(candidates),
        name=f"{person.given_names} {person.family_name}",
        date_of_birth=person.date_of_birth,
    )


def _matches_from_ranked(
    membership: Membership, ranked: list[list[Match]]
) -> list[list[SubjectMatch]]:
    """SubjectMatches for several people's ranked candidates in three queries, whatever the
    number of people: the subjects (still limited to those whose identity the agency holds),
    the earlier referrals the agency may see, and the records they come from."""
    wanted = {match.subject_id for matches in ranked for match in matches}
    subjects = _subjects_with_identity(membership.agency).in_bulk(list(wanted)) if wanted else {}
    # One row per person: referrals linked to an earlier one are the same person.
    best_per_row: list[dict[uuid.UUID, Match]] = []
    for matches in ranked:
        best: dict[uuid.UUID, Match] = {}
        for match in matches:
            if match.subject_id in subjects:
                best.setdefault(subjects[match.subject_id].person, match)
        best_per_row.append(best)
    people = {person for best in best_per_row for person in best}
    chosen = {match.subject_id for best in best_per_row for match in best.values()}
    if not chosen:
        return [[] for _ in ranked]
    # Earlier referrals the agency itself may see: cumulative risk shows at intake, and a
    # referral the agency may not see is not even counted.
    counts = dict(
        referral_list_for_user(membership=membership)
        .filter(subject__person__in=list(people))
        .order_by()
        .values("subject__person")
        .annotate(n=Count("id"))
        .values_list("subject__person", "n")
    )
    records: dict[uuid.UUID, list] = {}
    for subject_id, referral_id, owner_id, reference in (
        Referral.objects.filter(subject_id__in=list(chosen))
        .order_by("received_on", "reference")
        .values_list("subject_id", "pk", "owning_agency_id", "reference")
    ):
        records.setdefault(subject_id, []).append((referral_id, owner_id, reference))
    return [
        [
            SubjectMatch(
                subjects[match.subject_id],
                match.score,
                counts.get(person, 0),
                tuple((rid, owner) for rid, owner, _ in records.get(match.subject_id, ())),
                tuple(reference for _, _, reference in records.get(match.subject_id, ())),
            )
            for person, match in best.items()
        ]
        for best in best_per_row
    ]


def subject_matches_for_user(
    *, membership: Membership | None, given_names: str, family_name: str, date_of_birth
) -> list[SubjectMatch]:
    """Possible earlier subjects, best first, among those whose identity the member's
    agency holds. Never reveals a subject the agency may not see."""
    (matches,) = subject_matches_for_people(
        membership=membership,
        people=[PersonSought(given_names, family_name, date_of_birth)],
    )
    return matches


def subject_matches_for_people(
    *, membership: Membership | None, people: list[PersonSought]
) -> list[list[SubjectMatch]]:
    """Possible earlier subjects for each of several people (the rows of an import), by the
    same rules as subject_matches_for_user. One candidate query per person, each bounded by
    MATCH_CANDIDATE_LIMIT, then three queries for them all."""
    if not handles_case_content(membership):
        return [[] for _ in people]
    ranked = [
        _ranked(membership.agency, person) if person.given_names or person.family_name else []
        for person in people
    ]
    return _matches_from_ranked(membership, ranked)


def subject_matches_again(
    *, membership: Membership | None, ranked: list[list[Match]]
) -> list[list[SubjectMatch]]:
    """Matches found earlier (an import's, kept as subject ids and scores), shown again only
    where the member's agency still holds the subject's identity."""
    if not handles_case_content(membership):
        return [[] for _ in ranked]
    return _matches_from_ranked(membership, ranked)


def subject_get_for_linking(*, membership: Membership, subject_id: uuid.UUID) -> Subject:
    """A subject the member may link a new referral to; NotFound if it may not see them."""
    subject = _subjects_with_identity(membership.agency).filter(pk=subject_id).first()
    if subject is None:
        raise NotFound("No person with that id.")
    return subject


def current_concern_types() -> QuerySet[ConcernType]:
    """The types of concern in the newest list already in force."""
    today = timezone.localdate()
    return ConcernType.objects.filter(
        version__valid_from__lte=today,
        version=ConcernType.objects.filter(version__valid_from__lte=today)
        .order_by("-version__valid_from")
        .values("version")[:1],
    ).order_by("position")


def _identity_visible(agency: Agency) -> Q:
    """Referrals whose identity category the agency holds (owned, or granted and live)."""
    granted = _live_grants(agency).filter(
        permission_id=permissions_by_category()[Category.IDENTITY],
        content_object=OuterRef("pk"),
        source_agency_id=OuterRef("owning_agency_id"),
    )
    return Q(owning_agency_id=agency.pk) | Q(Exists(granted))


@dataclass(frozen=True)
class DashboardFilters:
    status: str = "open"  # open, all, or one ReferralStatus
    overdue_only: bool = False
    query: str = ""


def _search(referrals: MergedRows, agency: Agency, query: str) -> MergedRows:
    """Match a reference, or a name or date of birth where the agency holds identity: a
    search must not reveal whose case a category-limited grant is about."""
    text = query.strip()
    by_reference = Q(reference__iexact=text) | Q(reference__istartswith=text.upper())
    by_identity = Q(pk__in=[])
    dob = parse_uk_date(text)
    if dob:
        by_identity = Q(subject__date_of_birth=dob)
    elif normalise(text):
        by_identity = Q(subject__match_key__contains=normalise(text))
    return referrals.filter(by_reference | (by_identity & _identity_visible(agency)))


def dashboard_referrals_for_user(
    *, membership: Membership | None, filters: DashboardFilters
) -> MergedRows:
    """The dashboard's rows: soonest (most overdue) screening due date first."""
    referrals = referral_pages_for_user(membership=membership)
    if filters.status == "open":
        referrals = referrals.filter(status__in=OPEN_STATUSES)
    elif filters.status in ReferralStatus.values:
        referrals = referrals.filter(status=filters.status)
    if filters.overdue_only:
        referrals = referrals.filter(
            status__in=OPEN_STATUSES, screening_due_on__lt=timezone.localdate()
        )
    if filters.query.strip():
        referrals = _search(referrals, membership.agency, filters.query)
    return referrals.order_by("screening_due_on", "id")


# Counts on the dashboard stop here: past it the page says "more than 1,000". A force
# closes tens of thousands of referrals over the years; counting every one on every visit
# would make its busiest page the slowest.
COUNT_CAP = 1_000


def dashboard_counts(*, membership: Membership | None) -> dict[str, int]:
    """How many of the agency's own referrals are in each status, and how many are overdue,
    each up to COUNT_CAP + 1 (which the page shows as "more than COUNT_CAP"). One query,
    each count read from an index and never past the cap."""
    if not handles_case_content(membership):
        return {}
    # In the order of the indexes that serve each count, so each is an index scan that stops
    # at the cap whatever the planner estimates.
    owned = Referral.objects.filter(owning_agency_id=membership.agency_id).order_by(
        "screening_due_on", "id"
    )
    statuses = list(ReferralStatus.values)
    counted = [owned.filter(status=status) for status in statuses]
    counted.append(
        owned.filter(status__in=OPEN_STATUSES, screening_due_on__lt=timezone.localdate())
    )
    selects, params = [], []
    for rows in counted:
        sql, row_params = rows.values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        # The ORM's own SQL for each count, its values passed as parameters.
        selects.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")  # noqa: S608
        params += row_params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(selects)}", params)
        *by_status, overdue = cursor.fetchone()
    counts = {status: n for status, n in zip(statuses, by_status, strict=True) if n}
    # An agency that has logged no referral (a partner, a provider) has nothing to count.
    if not counts:
        return {}
    counts["overdue"] = overdue
    return counts


@dataclass(frozen=True)
class TimelineEntry:
    at: object
    title: str
    by: str
    detail: str


def referral_timeline(
    *, membership: Membership, shown: VisibleReferral, decisions
) -> list[TimelineEntry]:
    """The referral's history, in order: logged, each workflow step, each change of the
    responsible panel, each sharing decision the viewer may see. Names the role and agency
    that acted, not the person. A step's reasons are shown only to those who may see the
    category they belong to (screening reasons are screening information)."""
    referral = shown.referral
    entries = [
        TimelineEntry(referral.created_at, "Referral logged", str(referral.owning_agency), "")
    ]
    steps = referral.transitions.select_related("actor__membership__agency").order_by(
        "created_at", "id"
    )
    (reason_category,) = categories_of(ReferralTransition)
    for step in steps:
        actor = getattr(step.actor, "membership", None)
        item = holding_of(
            ReferralTransition, step, reason_category, case_source=referral.owning_agency_id
        )
        reason_shown = sees_item(
            membership, agency_id=membership.agency_id, item=item, grants=shown.grants
        )
        entries.append(
            TimelineEntry(
                step.created_at,
                ReferralStatus(step.to_status).label,
                f"{actor.get_role_display()}, {actor.agency}" if actor else "",
                step.reason if reason_shown else "",
            )
        )
    changes = referral.responsibility_changes.select_related(
        "agency", "changed_by__membership__agency"
    )
    for change in changes:
        actor = getattr(change.changed_by, "membership", None)
        entries.append(
            TimelineEntry(
                change.created_at,
                f"{change.get_reason_display()}: {change.agency} responsible",
                f"{actor.get_role_display()}, {actor.agency}" if actor else "",
                "",
            )
        )
    for decision in decisions:
        entries.append(
            TimelineEntry(
                decision.decided_at,
                f"Sharing decision: {decision.get_action_display().lower()} with "
                f"{decision.receiving_agency}",
                f"{decision.decided_by_role.replace('_', ' ').capitalize()}, "
                f"{decision.disclosing_agency}",
                "",
            )
        )
    return sorted(entries, key=lambda entry: entry.at)


def transfer_awaiting_owner(*, referral: Referral) -> ReferralResponsibility | None:
    """The transfer of this case to another area's panel, while the owning force has not
    yet shared its record with the receiving panel itself: until it does, the receiving
    panel holds the force's information only as passed on, and the sending panel keeps
    what the force gave it."""
    change = (
        ReferralResponsibility.objects.filter(referral=referral)
        .order_by("-created_at", "-id")
        .select_related("agency", "previous_agency")
        .first()
    )
    if change is None or change.reason != ReferralResponsibility.Reason.TRANSFERRED:
        return None
    owner_shared = (
        _live_grants(change.agency)
        .filter(
            content_object=referral,
            source_agency_id=referral.owning_agency_id,
            decision__disclosing_agency_id=referral.owning_agency_id,
        )
        .exists()
    )
    return None if owner_shared else change


def corrections_for_referral(*, shown: VisibleReferral) -> list[Correction]:
    """Corrections of the referral's record the viewer may see: each is in the category of
    the field it corrected, and the owning force's information like the record itself."""
    referral = shown.referral
    return list(
        Correction.objects.filter(referral=referral, category__in=sorted(shown.categories))
        .select_related("corrected_by__membership__agency")
        .order_by("created_at", "id")
    )


def linked_referrals_for_user(*, membership: Membership, shown: VisibleReferral) -> list[Referral]:
    """Other referrals of the same person (linked at intake), oldest first, among those the
    member may see. That two referrals are about one person is identity information about
    both: a referral is listed only where the member sees identity on it and on this one,
    and one it may not see is neither listed nor counted."""
    if not shown.shows(Category.IDENTITY):
        return []
    referral = shown.referral
    others = (
        referral_list_for_user(membership=membership)
        .filter(subject__person=referral.subject.person)
        .exclude(pk=referral.pk)
        .order_by("received_on", "created_at", "id")
    )
    return [
        other for other in others if visible(other, membership=membership).shows(Category.IDENTITY)
    ]


def _shares_received(membership: Membership) -> QuerySet[SharingDecision]:
    """The decisions sharing a referral with the member's agency that it holds a live grant
    from: the grant, not the decision, says whether a share stands (one passed on ends with
    the share beneath it)."""
    held = _live_grants(membership.agency).filter(decision_id=OuterRef("pk"))
    return SharingDecision.objects.filter(
        case_type="referral",
        receiving_agency_id=membership.agency_id,
        action=DecisionAction.SHARE,
    ).filter(Exists(held))


def shared_cases_for_user(*, membership: Membership | None) -> QuerySet[SharingDecision]:
    """The cases shared with the member's agency, one row each: the newest share it holds
    of each case, to page by (decided_at, id), newest first. `shares_received_on` gives
    every share a page's cases stand on."""
    if not handles_case_content(membership):
        return SharingDecision.objects.none()
    received = _shares_received(membership)
    newer = received.filter(case_id=OuterRef("case_id")).filter(
        Q(decided_at__gt=OuterRef("decided_at"))
        | Q(decided_at=OuterRef("decided_at"), id__gt=OuterRef("id"))
    )
    return received.exclude(Exists(newer))


def shares_received_on(
    *, membership: Membership, case_ids: Iterable[uuid.UUID]
) -> list[SharingDecision]:
    """Every share the member's agency holds of these cases, oldest first, each with
    `access_ends`: the earliest expiry among its live grants."""
    held = _live_grants(membership.agency).filter(decision_id=OuterRef("pk"))
    first_end = held.filter(expires_at__isnull=False).order_by("expires_at").values("expires_at")
    return list(
        _shares_received(membership)
        .filter(case_id__in=list(case_ids))
        .annotate(access_ends=Subquery(first_end[:1]))
        .select_related("disclosing_agency")
        .order_by("decided_at", "id")
    )


@dataclass(frozen=True)
class EndedAccess:
    """A case the member's agency was once given and no longer holds."""

    reference: str
    ended_at: object
    # The agencies that gave it, whom to ask if the agency still needs it.
    given_by: tuple[Agency, ...]


def _ended_at(decision: SharingDecision, now) -> object | None:
    """When a share ended, or None while it stands (or where another took its place)."""
    successor = getattr(decision, "superseded_by", None)
    if successor is not None:
        return successor.decided_at if successor.action == DecisionAction.REVOKE else None
    if decision.expires_at is not None and decision.expires_at <= now:
        return decision.expires_at
    return None


def access_ended_for_user(
    *, membership: Membership | None, referral_id: uuid.UUID
) -> EndedAccess | None:
    """Whether the member's agency was given this referral by a decision that has since
    been revoked or has expired (or passed on from a share that ended). None when it was
    never given it: a case never shared is not revealed to exist. Call only once the
    member's read of the referral was refused."""
    if not handles_case_content(membership):
        return None
    shares = list(
        SharingDecision.objects.for_case(case_type="referral", case_id=referral_id)
        .filter(receiving_agency_id=membership.agency_id, action=DecisionAction.SHARE)
        .select_related("superseded_by", "disclosing_agency")
        .order_by("decided_at", "id")
    )
    reference = Referral.objects.filter(pk=referral_id).values_list("reference", flat=True).first()
    if not shares or reference is None:
        return None
    now = timezone.now()
    ends = [_ended_at(decision, now) for decision in shares]
    # A share passed on ends with the share it rested on, which the receiver never saw:
    # when none of its own decisions ended, it ended when the one beneath it did.
    ended = [end for end in ends if end is not None] or _ends_beneath(shares, referral_id, now)
    return EndedAccess(
        reference=reference,
        ended_at=max(ended) if ended else None,
        given_by=tuple(
            {
                decision.disclosing_agency_id: decision.disclosing_agency for decision in shares
            }.values()
        ),
    )


def _ends_beneath(shares: list[SharingDecision], referral_id: uuid.UUID, now) -> list:
    beneath = SharingDecision.objects.for_case(case_type="referral", case_id=referral_id).filter(
        receiving_agency_id__in={decision.disclosing_agency_id for decision in shares},
        action=DecisionAction.SHARE,
    )
    return [
        end
        for end in (
            _ended_at(decision, now) for decision in beneath.select_related("superseded_by")
        )
        if end is not None
    ]
