"""Every permission-scoped read of referrals. Views never query case models themselves.

A referral another agency has no live grant on does not exist for that agency's users:
lists leave it out and single fetches raise the same NotFound as for a missing id.
"""

import uuid
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import Category
from prevent_cases.exceptions import NotFound
from prevent_cases.models import Agency, Membership
from prevent_cases.policy import handles_case_content, visible_categories
from referrals.models import Referral, ReferralGrant

ALL_CATEGORIES = frozenset(Category.values)


def _live_grants(agency: Agency) -> QuerySet[ReferralGrant]:
    now = timezone.now()
    return ReferralGrant.objects.filter(group_id=agency.group_id).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


def granted_categories(*, agency: Agency, referral: Referral) -> frozenset[str]:
    """The categories of this referral that live grants give the agency."""
    codenames = (
        _live_grants(agency)
        .filter(content_object=referral)
        .values_list("permission__codename", flat=True)
    )
    return frozenset(codename.removeprefix("see_") for codename in codenames)


def held_categories(*, agency: Agency, referral: Referral) -> frozenset[str]:
    """What an agency holds of a referral: everything if it owns it, else its grants."""
    if referral.owning_agency_id == agency.pk:
        return ALL_CATEGORIES
    return granted_categories(agency=agency, referral=referral)


@dataclass(frozen=True)
class VisibleReferral:
    """A referral together with the categories the viewer may see of it."""

    referral: Referral
    categories: frozenset[str]

    def shows(self, category: str) -> bool:
        return category in self.categories


def referral_list_for_user(*, membership: Membership | None) -> QuerySet[Referral]:
    """Referrals the member's agency owns or holds a live grant on, newest first.

    Each row carries `live_grants_for_viewer` (prefetched) so the categories it may show
    are known without a query per row.
    """
    if not handles_case_content(membership):
        return Referral.objects.none()
    agency = membership.agency
    grants = _live_grants(agency)
    return (
        Referral.objects.filter(
            Q(owning_agency_id=agency.pk) | Exists(grants.filter(content_object=OuterRef("pk")))
        )
        .select_related("subject", "owning_agency", "area")
        .prefetch_related(
            Prefetch(
                "grants",
                queryset=grants.select_related("permission"),
                to_attr="live_grants_for_viewer",
            )
        )
        .order_by("-created_at", "-id")
    )


def visible(referral: Referral, *, membership: Membership) -> VisibleReferral:
    """Pair a referral from `referral_list_for_user` with the categories shown of it."""
    granted = frozenset(
        grant.permission.codename.removeprefix("see_")
        for grant in getattr(referral, "live_grants_for_viewer", [])
    )
    return VisibleReferral(
        referral=referral,
        categories=visible_categories(
            membership,
            owns_case=referral.owning_agency_id == membership.agency_id,
            all_categories=ALL_CATEGORIES,
            granted=granted,
        ),
    )


def referral_get_for_user(
    *, membership: Membership | None, referral_id: uuid.UUID
) -> VisibleReferral:
    """One referral with the categories the member may see; NotFound if it may see none."""
    referral = referral_list_for_user(membership=membership).filter(pk=referral_id).first()
    if referral is None:
        raise NotFound("No referral with that id.")
    shown = visible(referral, membership=membership)
    if not shown.categories:
        raise NotFound("No referral with that id.")
    return shown


def decisions_for_referral(
    *, membership: Membership, referral: Referral, may_share: bool
) -> QuerySet[SharingDecision]:
    """Sharing decisions about a referral the member may see: all of them for those who
    may decide on it, otherwise those naming the member's own agency as receiver."""
    decisions = SharingDecision.objects.for_case(case_type="referral", case_id=referral.pk)
    if not may_share:
        decisions = decisions.filter(receiving_agency_id=membership.agency_id)
    return decisions.select_related(
        "disclosing_agency", "receiving_agency", "decided_by", "superseded_by"
    ).order_by("-decided_at", "id")


def decision_for_referral(
    *, membership: Membership, referral: Referral, decision_id: uuid.UUID, may_share: bool
) -> SharingDecision:
    decision = (
        decisions_for_referral(membership=membership, referral=referral, may_share=may_share)
        .filter(pk=decision_id)
        .first()
    )
    if decision is None:
        raise NotFound("No such decision on this referral.")
    return decision
