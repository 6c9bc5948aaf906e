"""Checks on the grant table that hold whatever happened before: it is what a rebuild from
the decision log gives, and every onward grant rests on a live direct grant to the panel
that passed the information on, and lasts no longer than it."""

import datetime
import uuid

from django.db import transaction
from django.utils import timezone

from referrals.models import ReferralGrant
from referrals.services.grants import GrantDifference, grants_rebuild

# One grant row, readable in a failure message: (referral, agency, category, source agency,
# scope, supporting decision, expiry).
Row = tuple[uuid.UUID, str, str, str, str, uuid.UUID, datetime.datetime | None]


def _in_force(rows) -> set[Row]:
    now = timezone.now()
    return {row for row in rows if row[-1] is None or row[-1] > now}


def _rows() -> list[Row]:
    return list(
        ReferralGrant.objects.values_list(
            "content_object_id",
            "group__agency__name",
            "permission__codename",
            "source_agency__name",
            "scope",
            "decision_id",
            "expires_at",
        )
    )


def rebuilt_in_a_rolled_back_transaction() -> tuple[GrantDifference, set[Row], set[Row]]:
    """What a rebuild would change, the grants in force now and the rows a rebuild leaves;
    the rebuild itself is rolled back."""
    with transaction.atomic():
        in_force = _in_force(_rows())
        difference = grants_rebuild()
        rebuilt = set(_rows())
        transaction.set_rollback(True)
    return difference, in_force, rebuilt


def assert_grants_match_a_rebuild() -> None:
    difference, in_force, rebuilt = rebuilt_in_a_rolled_back_transaction()
    assert in_force == rebuilt, (
        f"in force but not rebuilt: {sorted(in_force - rebuilt, key=str)}; "
        f"rebuilt but not in force: {sorted(rebuilt - in_force, key=str)}"
    )
    assert (difference.added, difference.removed) == (0, 0), difference


def _longest(expiries):
    return None if None in expiries else max(expiries)


def assert_onward_grants_rest_on_live_direct_grants(referral_id: uuid.UUID) -> None:
    """Every onward grant in force has the discloser's direct grant of the same information
    (for its part or the whole case) in force beside it, and expires no later."""
    now = timezone.now()
    rows = [
        row
        for row in ReferralGrant.objects.filter(content_object_id=referral_id).values(
            "group__agency",
            "permission__codename",
            "source_agency",
            "scope",
            "expires_at",
            "decision__disclosing_agency",
            "decision_id",
        )
        if row["expires_at"] is None or row["expires_at"] > now
    ]
    direct: dict[tuple, list] = {}
    for row in rows:
        if row["decision__disclosing_agency"] == row["source_agency"]:
            key = (row["group__agency"], row["permission__codename"], row["source_agency"])
            direct.setdefault((*key, row["scope"]), []).append(row["expires_at"])
    for row in rows:
        if row["decision__disclosing_agency"] == row["source_agency"]:
            continue
        discloser = row["decision__disclosing_agency"]
        key = (discloser, row["permission__codename"], row["source_agency"])
        upstream = direct.get((*key, row["scope"]), []) + direct.get((*key, ""), [])
        assert upstream, f"onward grant {row} survives without the panel's direct grant"
        longest = _longest(upstream)
        assert longest is None or (
            row["expires_at"] is not None and row["expires_at"] <= longest
        ), f"onward grant {row} outlives the panel's direct grant (until {longest})"
