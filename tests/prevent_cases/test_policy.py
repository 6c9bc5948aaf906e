"""The access policy, branch by branch: every role, active or not, owner or not."""

from dataclasses import dataclass

import pytest

from prevent_cases import policy
from prevent_cases.roles import CONTENT_ROLES, Role

ALL = frozenset({"identity", "concern", "health"})
GRANTED = frozenset({"identity"})


@dataclass
class FakeMembership:
    role: str
    is_active: bool = True


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("owns_case", [True, False])
def test_visible_categories(role, owns_case):
    membership = FakeMembership(role)
    shown = policy.visible_categories(
        membership, owns_case=owns_case, all_categories=ALL, granted=GRANTED
    )
    if role not in CONTENT_ROLES:
        assert shown == frozenset()
    else:
        assert shown == (ALL if owns_case else GRANTED)


@pytest.mark.parametrize("role", Role.values)
def test_nothing_for_an_inactive_or_missing_membership(role):
    inactive = FakeMembership(role, is_active=False)
    for membership in (None, inactive):
        assert (
            policy.visible_categories(
                membership, owns_case=True, all_categories=ALL, granted=GRANTED
            )
            == frozenset()
        )
        assert not policy.may_record_sharing_decision(
            membership, owns_case=True, runs_responsible_panel=True
        )
        assert not policy.is_administrator(membership)
        assert not policy.may_review_decisions(membership)


@pytest.mark.parametrize(
    ("role", "owns_case", "runs_panel", "allowed"),
    [
        (Role.PREVENT_OFFICER, True, False, True),
        (Role.CHANNEL_COORDINATOR, True, False, True),
        (Role.PANEL_MEMBER, True, False, False),
        (Role.PRACTITIONER, True, False, False),
        (Role.PANEL_CHAIR, False, True, True),
        (Role.CHANNEL_COORDINATOR, False, True, True),
        (Role.PANEL_MEMBER, False, True, False),
        (Role.PREVENT_OFFICER, False, False, False),
        (Role.PANEL_CHAIR, False, False, False),
        (Role.AUDITOR, True, True, False),
        (Role.ADMINISTRATOR, True, True, False),
    ],
)
def test_who_may_record_a_sharing_decision(role, owns_case, runs_panel, allowed):
    assert (
        policy.may_record_sharing_decision(
            FakeMembership(role), owns_case=owns_case, runs_responsible_panel=runs_panel
        )
        is allowed
    )


@pytest.mark.parametrize("role", Role.values)
def test_only_administrators_administer_and_only_auditors_review(role):
    membership = FakeMembership(role)
    assert policy.is_administrator(membership) is (role == Role.ADMINISTRATOR)
    assert policy.may_review_decisions(membership) is (role == Role.AUDITOR)
