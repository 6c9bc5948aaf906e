"""Turning sharing decisions into grants: the only code that writes ReferralGrant rows.

A grant is keyed by (referral, receiving agency's group, category, source agency, scope)
and carries the decision that supports it. A decision is *direct* when the discloser shares
its own information, *onward* when the responsible panel passes on another agency's
information that a direct grant gave it. An onward grant rests on the discloser's direct
grant of the same information: it exists only while that grant is live and never outlasts
it. Onward sharing is one level deep, so resting only on direct grants also means no chain
of grants can keep itself alive.

Every recomputation for one referral is serialised (an advisory lock per referral on
PostgreSQL, IMMEDIATE transactions on SQLite) and reads the decisions after taking it, so
concurrent revocations and shares leave what one of them alone would have left. A rebuild
of every grant excludes all recomputations for as long as it runs.
"""

import functools
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import DecisionAction
from prevent_cases.models import Agency
from prevent_cases.policy import WHOLE_CASE
from referrals.models import Referral, ReferralGrant

CASE_TYPE = "referral"
# First key of pg_advisory_xact_lock(int, int) for grant recomputation; the second is the
# referral's hash. Distinct from the audit chain's lock key.
GRANT_LOCK_CLASS = 7305
# pg_advisory_xact_lock(bigint) key every recomputation holds shared and a rebuild holds
# exclusively, so no decision or grant changes between a rebuild's read of the whole log
# and its write. (One-key and two-key advisory locks never conflict with each other.)
GRANT_REBUILD_LOCK_KEY = 7_305_000_001

GrantKey = tuple[uuid.UUID, int, int, uuid.UUID, str]  # referral, group, permission, source, scope
GrantValue = tuple[uuid.UUID, object]  # (decision, expires_at)
# What a discloser holds directly: (agency, permission, source, scope) -> longest expiry.
Upstream = Callable[[uuid.UUID, int, uuid.UUID, str], tuple[bool, object]]


@dataclass
class GrantDifference:
    added: int = 0
    removed: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.added or self.removed)

    def __iadd__(self, other: "GrantDifference") -> "GrantDifference":
        self.added += other.added
        self.removed += other.removed
        self.unchanged += other.unchanged
        return self


@dataclass(frozen=True)
class LiveDecision:
    id: uuid.UUID
    case_id: uuid.UUID
    receiver_id: uuid.UUID
    discloser_id: uuid.UUID
    source_id: uuid.UUID
    scope: str
    categories: list[str]
    expires_at: object

    @property
    def onward(self) -> bool:
        return self.source_id != self.discloser_id


@functools.cache
def permissions_by_category() -> dict[str, int]:
    """Permission ids per category, read once per process: they change only by migration.
    (The test suite's flush recreates them, and clears this cache when it does.)"""
    content_type = ContentType.objects.get_for_model(Referral)
    return {
        codename.removeprefix("see_"): pk
        for codename, pk in Permission.objects.filter(
            content_type=content_type, codename__startswith="see_"
        ).values_list("codename", "pk")
    }


def _later_expiry(first, second) -> bool:
    """Whether expiry `first` outlasts `second` (None means no expiry)."""
    if first is None:
        return second is not None
    return second is not None and first > second


def _outlasts(candidate: GrantValue, current: GrantValue) -> bool:
    """Whether `candidate` (decision, expiry) rather than `current` should support a grant:
    it lasts longer, or as long and has the lower decision id. Which of two equally long
    decisions wins matters only in being fixed, so that the row does not depend on the order
    in which decisions were recorded, recomputed or rebuilt (concurrent writers commit in
    another order than their decided_at)."""
    if candidate[1] == current[1]:
        return candidate[0] < current[0]
    return _later_expiry(candidate[1], current[1])


def _earlier(first, second):
    """The earlier of two expiries (None means no expiry)."""
    if first is None:
        return second
    if second is None:
        return first
    return min(first, second)


def _still_live(expires_at, now) -> bool:
    return expires_at is None or expires_at > now


# The rebuild's lock (shared) and the referral's: every transaction that takes both takes
# them in this order.
LOCK_CASE_SQL = (
    "SELECT pg_advisory_xact_lock_shared(%s); SELECT pg_advisory_xact_lock(%s, hashtext(%s))"
)


def _locked(referral_id: uuid.UUID, sql: str = "", params: Iterable = ()) -> list[tuple]:
    """Take the referral's recomputation lock, then run `sql` (if any) and return its rows:
    on PostgreSQL in one round trip. SQLite needs no lock: its IMMEDIATE transactions
    already serialise writers."""
    statements, arguments = [], []
    if connection.vendor == "postgresql":
        statements.append(LOCK_CASE_SQL)
        arguments += [GRANT_REBUILD_LOCK_KEY, GRANT_LOCK_CLASS, str(referral_id)]
    if sql:
        statements.append(sql)
        arguments += params
    if not statements:
        return []
    with connection.cursor() as cursor:
        cursor.execute("; ".join(statements), arguments)
        return cursor.fetchall() if sql else []


def _lock_every_case() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [GRANT_REBUILD_LOCK_KEY])


def _live_decisions(**filters) -> list[LiveDecision]:
    rows = (
        SharingDecision.objects.filter(case_type=CASE_TYPE, **filters)
        .live(at=timezone.now())
        .annotate(source=Coalesce("source_agency_id", "disclosing_agency_id"))
        .order_by("decided_at", "id")
        .values_list(
            "id",
            "case_id",
            "receiving_agency_id",
            "disclosing_agency_id",
            "source",
            "scope",
            "categories",
            "expires_at",
        )
    )
    return [LiveDecision(*row) for row in rows]


def desired_grants(
    decisions: Iterable[LiveDecision], *, groups: dict[uuid.UUID, int], upstream: Upstream
) -> dict[GrantKey, GrantValue]:
    """One grant per (referral, agency, category, source, scope) from live decisions: where
    decisions overlap, the one that lasts longest (then the lowest id) supports the grant.
    An onward decision grants a category only while its discloser holds it directly, and no
    longer."""
    permissions = permissions_by_category()
    desired: dict[GrantKey, GrantValue] = {}
    for decision in decisions:
        for category in decision.categories:
            permission = permissions[category]
            expires_at = decision.expires_at
            if decision.onward:
                held, upstream_expiry = upstream(
                    decision.discloser_id, permission, decision.source_id, decision.scope
                )
                if not held:
                    continue
                expires_at = _earlier(expires_at, upstream_expiry)
            key = (
                decision.case_id,
                groups[decision.receiver_id],
                permission,
                decision.source_id,
                decision.scope,
            )
            current = desired.get(key)
            if current is None or _outlasts((decision.id, expires_at), current):
                desired[key] = (decision.id, expires_at)
    return desired


def _upstream_lookup(direct: dict[tuple[uuid.UUID, int, uuid.UUID, str], object]) -> Upstream:
    """Answer "does this agency hold this information directly, and until when?" from a
    map of live direct holdings. A grant of the whole case also covers each part of it."""

    def lookup(agency_id, permission, source_id, scope) -> tuple[bool, object]:
        found = [
            direct[key]
            for key in {
                (agency_id, permission, source_id, scope),
                (agency_id, permission, source_id, WHOLE_CASE),
            }
            if key in direct
        ]
        if not found:
            return False, None
        longest = found[0]
        for expires_at in found[1:]:
            if _later_expiry(expires_at, longest):
                longest = expires_at
        return True, longest

    return lookup


def _direct_holdings_on(referral_id: uuid.UUID) -> Upstream:
    """What each agency holds directly (by the source's own decision) on one referral."""
    now = timezone.now()
    rows = ReferralGrant.objects.filter(
        content_object_id=referral_id, decision__disclosing_agency_id=F("source_agency_id")
    ).values_list("group__agency", "permission_id", "source_agency_id", "scope", "expires_at")
    direct = {}
    for agency_id, permission, source_id, scope, expires_at in rows:
        if _still_live(expires_at, now):
            direct[(agency_id, permission, source_id, scope)] = expires_at
    return _upstream_lookup(direct)


def _apply(existing: dict[GrantKey, tuple[int, GrantValue]], desired: dict[GrantKey, GrantValue]):
    difference = GrantDifference()
    stale = [row_id for key, (row_id, value) in existing.items() if desired.get(key) != value]
    ReferralGrant.objects.filter(pk__in=stale).delete()
    difference.removed = len(stale)
    new_rows = [
        ReferralGrant(
            content_object_id=key[0],
            group_id=key[1],
            permission_id=key[2],
            source_agency_id=key[3],
            scope=key[4],
            decision_id=value[0],
            expires_at=value[1],
        )
        for key, value in desired.items()
        if key not in existing or existing[key][1] != value
    ]
    ReferralGrant.objects.bulk_create(new_rows)
    difference.added = len(new_rows)
    difference.unchanged = len(desired) - difference.added
    return difference


def _existing(**filters) -> dict[GrantKey, tuple[int, GrantValue]]:
    rows = ReferralGrant.objects.filter(**filters).values_list(
        "pk",
        "content_object_id",
        "group_id",
        "permission_id",
        "source_agency_id",
        "scope",
        "decision_id",
        "expires_at",
    )
    return {
        (case, group, perm, source, scope): (pk, (decision, expires))
        for pk, case, group, perm, source, scope, decision, expires in rows
    }


def _recompute_one(referral_id: uuid.UUID, agency: Agency) -> GrantDifference:
    desired = desired_grants(
        _live_decisions(case_id=referral_id, receiving_agency=agency),
        groups={agency.pk: agency.group_id},
        upstream=_direct_holdings_on(referral_id),
    )
    return _apply(_existing(content_object_id=referral_id, group_id=agency.group_id), desired)


# The receivers of what an agency passed on, on one case: its live onward decisions (those
# sharing another agency's information). The conditions are SharingDecisionQuerySet.live's,
# written out once: this runs after nearly every decision, and building the query through
# the ORM each time cost more than the rest of the grant update.
ONWARD_RECEIVERS_SQL = (
    "SELECT DISTINCT d.receiving_agency_id FROM audit_sharingdecision d "
    "WHERE d.case_type = %s AND d.case_id = %s AND d.disclosing_agency_id = %s "
    "AND d.source_agency_id <> d.disclosing_agency_id AND d.action = %s "
    "AND (d.expires_at IS NULL OR d.expires_at > %s) "
    "AND NOT EXISTS (SELECT 1 FROM audit_sharingdecision s WHERE s.supersedes_id = d.id)"
)


def _db_value(model, field: str, value):
    return model._meta.get_field(field).get_db_prep_value(value, connection)


def _recompute_onward_from(referral_id: uuid.UUID, agency: Agency) -> GrantDifference:
    """Recompute the receivers of what this agency passed on, after its own grants changed."""
    difference = GrantDifference()
    with connection.cursor() as cursor:
        cursor.execute(
            ONWARD_RECEIVERS_SQL,
            [
                CASE_TYPE,
                _db_value(SharingDecision, "case_id", referral_id),
                _db_value(SharingDecision, "disclosing_agency", agency.pk),
                DecisionAction.SHARE,
                _db_value(SharingDecision, "expires_at", timezone.now()),
            ],
        )
        receiver_ids = [row[0] for row in cursor.fetchall()]
    if not receiver_ids:
        return difference
    for receiver in Agency.objects.filter(pk__in=receiver_ids).order_by("pk"):
        difference += _recompute_one(referral_id, receiver)
    return difference


# No savepoint of its own: the calling service's atomic block rolls everything back on
# failure, and each savepoint would cost two more round trips on the hot path.
@transaction.atomic(savepoint=False)
def grants_recompute(*, referral: Referral, agency: Agency) -> GrantDifference:
    """Recompute one agency's grants on one referral from all its live decisions, then the
    grants of anyone it passed that information on to."""
    _locked(referral.pk)
    difference = _recompute_one(referral.pk, agency)
    if difference.changed:
        difference += _recompute_onward_from(referral.pk, agency)
    return difference


# A new direct decision's grants in one statement: each category's row is inserted, or
# replaces the row already there when that one has expired or the new decision outlasts it
# (lasts longer, or as long with the lower decision id: _outlasts, in SQL). A uuid sorts as
# its bytes on PostgreSQL and as its hex text on SQLite, the order of Python's UUIDs.
GRANT_UPSERT_SQL = (
    "INSERT INTO referrals_referralgrant (content_object_id, group_id, permission_id, "
    "source_agency_id, scope, decision_id, expires_at) VALUES {rows} "
    "ON CONFLICT (group_id, permission_id, content_object_id, source_agency_id, scope) "
    "DO UPDATE SET decision_id = excluded.decision_id, expires_at = excluded.expires_at "
    "WHERE (referrals_referralgrant.expires_at IS NOT NULL "
    "AND referrals_referralgrant.expires_at <= %s) "
    "OR (excluded.expires_at IS NULL AND referrals_referralgrant.expires_at IS NOT NULL) "
    "OR excluded.expires_at > referrals_referralgrant.expires_at "
    "OR (excluded.expires_at IS NOT DISTINCT FROM referrals_referralgrant.expires_at "
    "AND excluded.decision_id < referrals_referralgrant.decision_id) "
    "RETURNING id"
)


@transaction.atomic(savepoint=False)
def grants_apply_decision(*, referral: Referral, agency: Agency, decision) -> GrantDifference:
    """Bring one agency's grants on one referral up to date after a decision about them.

    A new direct decision to share that replaces nothing only adds to the live set, so each
    of its categories is granted unless a live grant already outlasts it: the same result
    as a full recompute, without reading every decision again. Withholding without
    replacing anything changes no grant. Anything else is recomputed in full. (Here a grant
    replaced counts as added.)
    """
    if decision.supersedes_id is not None or decision.information_source_id != (
        decision.disclosing_agency_id
    ):
        return grants_recompute(referral=referral, agency=agency)
    if decision.action != DecisionAction.SHARE:
        return GrantDifference()
    permissions = permissions_by_category()
    row = [
        _db_value(ReferralGrant, "content_object", referral.pk),
        agency.group_id,
        None,  # the permission, per category
        _db_value(ReferralGrant, "source_agency", decision.information_source_id),
        decision.scope,
        _db_value(ReferralGrant, "decision", decision.pk),
        _db_value(ReferralGrant, "expires_at", decision.expires_at),
    ]
    rows, params = [], []
    for category in sorted(set(decision.categories)):
        row[2] = permissions[category]
        rows.append("(%s, %s, %s, %s, %s, %s, %s)")
        params += row
    params.append(_db_value(ReferralGrant, "expires_at", timezone.now()))
    written = len(_locked(referral.pk, GRANT_UPSERT_SQL.format(rows=", ".join(rows)), params))
    difference = GrantDifference(added=written, unchanged=len(rows) - written)
    if written:
        difference += _recompute_onward_from(referral.pk, agency)
    return difference


def _direct_holdings_in(desired: dict[GrantKey, GrantValue], agencies_by_group) -> dict:
    now = timezone.now()
    return {
        (case, agencies_by_group[group], permission, source, scope): expires_at
        for (case, group, permission, source, scope), (_, expires_at) in desired.items()
        if _still_live(expires_at, now)
    }


@transaction.atomic
def grants_rebuild() -> GrantDifference:
    """Recompute every grant from the decision log alone; return what had to change.

    Expired rows are tidied away first and not counted: they grant nothing already, and
    until the periodic tidy they are no difference from the log. Recomputations wait
    while it runs, and it waits for those under way."""
    _lock_every_case()
    grants_tidy()
    return _apply(_existing(), grants_from_log())


def grants_from_log() -> dict[GrantKey, GrantValue]:
    """Every grant the live decisions give, as (referral, group, permission, source, scope)
    -> (decision, expiry): what a rebuild leaves, and what bulk generators write."""
    groups = dict(Agency.objects.values_list("pk", "group_id"))
    agencies_by_group = {group: agency for agency, group in groups.items()}
    existing_referrals = set(Referral.objects.values_list("pk", flat=True))
    decisions = [d for d in _live_decisions() if d.case_id in existing_referrals]
    direct = desired_grants(
        [d for d in decisions if not d.onward], groups=groups, upstream=_upstream_lookup({})
    )
    # What each agency holds directly, by case: one pass, not one per case with onward
    # decisions (a region has thousands of those).
    holdings_by_case: dict[uuid.UUID, dict] = {}
    for key, value in _direct_holdings_in(direct, agencies_by_group).items():
        holdings_by_case.setdefault(key[0], {})[key[1:]] = value
    onward_by_case: dict[uuid.UUID, list[LiveDecision]] = {}
    for decision in decisions:
        if decision.onward:
            onward_by_case.setdefault(decision.case_id, []).append(decision)
    desired = dict(direct)
    for case_id, onward in onward_by_case.items():
        on_case = holdings_by_case.get(case_id, {})
        for key, value in desired_grants(
            onward, groups=groups, upstream=_upstream_lookup(on_case)
        ).items():
            current = desired.get(key)
            if current is None or _outlasts(value, current):
                desired[key] = value
    return desired


def grants_tidy() -> int:
    """Remove expired grant rows; return how many went."""
    deleted, _ = ReferralGrant.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
