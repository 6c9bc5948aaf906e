"""Turning sharing decisions into grants: the only code that writes ReferralGrant rows."""

import functools
import uuid
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import DecisionAction
from prevent_cases.models import Agency
from referrals.models import Referral, ReferralGrant

CASE_TYPE = "referral"

GrantKey = tuple[uuid.UUID, int, int]  # (referral, group, permission)
GrantValue = tuple[uuid.UUID, object]  # (decision, expires_at)


@dataclass
class GrantDifference:
    added: int = 0
    removed: int = 0
    unchanged: int = 0


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


def desired_grants(decisions, *, groups: dict[uuid.UUID, int]) -> dict[GrantKey, GrantValue]:
    """One grant per (referral, agency, category) from live decisions: where decisions
    overlap, the one that lasts longest supports the grant."""
    permissions = permissions_by_category()
    desired: dict[GrantKey, GrantValue] = {}
    for decision_id, case_id, receiver_id, categories, expires_at in decisions:
        for category in categories:
            key = (case_id, groups[receiver_id], permissions[category])
            current = desired.get(key)
            if current is None or _later_expiry(expires_at, current[1]):
                desired[key] = (decision_id, expires_at)
    return desired


def _live_decision_rows(**filters):
    return (
        SharingDecision.objects.filter(case_type=CASE_TYPE, **filters)
        .live(at=timezone.now())
        .order_by("decided_at", "id")
        .values_list("id", "case_id", "receiving_agency_id", "categories", "expires_at")
    )


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
        "pk", "content_object_id", "group_id", "permission_id", "decision_id", "expires_at"
    )
    return {
        (case, group, perm): (pk, (decision, expires))
        for pk, case, group, perm, decision, expires in rows
    }


# No savepoint of its own: the calling service's atomic block rolls everything back on
# failure, and each savepoint would cost two more round trips on the hot path.
@transaction.atomic(savepoint=False)
def grants_recompute(*, referral: Referral, agency: Agency) -> GrantDifference:
    """Recompute one agency's grants on one referral from all its live decisions."""
    desired = desired_grants(
        _live_decision_rows(case_id=referral.pk, receiving_agency=agency),
        groups={agency.pk: agency.group_id},
    )
    return _apply(_existing(content_object=referral, group_id=agency.group_id), desired)


def _still_live(expires_at) -> bool:
    return expires_at is None or expires_at > timezone.now()


@transaction.atomic(savepoint=False)
def grants_apply_decision(*, referral: Referral, agency: Agency, decision) -> GrantDifference:
    """Bring one agency's grants on one referral up to date after a decision about them.

    A new decision to share that replaces nothing only adds to the live set, so each of
    its categories is granted unless a live grant already lasts longer: the same result as
    a full recompute, without reading every decision again. Withholding without replacing
    anything changes no grant. Anything that ends a decision is recomputed in full.
    """
    if decision.supersedes_id is not None:
        return grants_recompute(referral=referral, agency=agency)
    if decision.action != DecisionAction.SHARE:
        return GrantDifference()
    existing = _existing(content_object=referral, group_id=agency.group_id)
    desired = {key: value for key, (_, value) in existing.items()}
    permissions = permissions_by_category()
    for category in decision.categories:
        key = (referral.pk, agency.group_id, permissions[category])
        current = desired.get(key)
        if (
            current is None
            or not _still_live(current[1])
            or _later_expiry(decision.expires_at, current[1])
        ):
            desired[key] = (decision.pk, decision.expires_at)
    return _apply(existing, desired)


@transaction.atomic
def grants_rebuild() -> GrantDifference:
    """Recompute every grant from the decision log alone; return what had to change."""
    groups = dict(Agency.objects.values_list("pk", "group_id"))
    existing_referrals = set(Referral.objects.values_list("pk", flat=True))
    desired = {
        key: value
        for key, value in desired_grants(_live_decision_rows(), groups=groups).items()
        if key[0] in existing_referrals
    }
    return _apply(_existing(), desired)


def grants_tidy() -> int:
    """Remove expired grant rows; return how many went."""
    deleted, _ = ReferralGrant.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
