"""The access policy, branch by branch: every role, active or not, originator or not."""

from dataclasses import dataclass

import pytest

from prevent_cases import policy
from prevent_cases.roles import CONTENT_ROLES, Role

OWN, POLICE, HEALTH = "own-agency", "police-force", "health-trust"
ALL = frozenset({"identity", "concern", "health"})
# The police gave the whole case's identity; health gave one intervention's progress only.
GRANTS = frozenset({("identity", POLICE, ""), ("support", HEALTH, "intervention:1")})


@dataclass
class FakeMembership:
    role: str
    is_active: bool = True


def sees(membership, item) -> bool:
    return policy.sees_item(membership, agency_id=OWN, item=item, grants=GRANTS)


@pytest.mark.parametrize("role", Role.values)
def test_an_agency_sees_what_it_originated_and_what_it_was_granted(role):
    membership = FakeMembership(role)
    content = role in CONTENT_ROLES
    # What the agency originated, whatever the category or part of the case.
    assert sees(membership, ("concern", OWN, "")) is content
    assert sees(membership, ("health", OWN, "intervention:9")) is content
    # A grant of the whole case covers its parts; a grant of one part covers that part only.
    assert sees(membership, ("identity", POLICE, "")) is content
    assert sees(membership, ("identity", POLICE, "intervention:1")) is content
    assert sees(membership, ("support", HEALTH, "intervention:1")) is content
    # Nothing else: another category, another source, another part, the whole of a part.
    assert not sees(membership, ("concern", POLICE, ""))
    assert not sees(membership, ("identity", HEALTH, ""))
    assert not sees(membership, ("support", HEALTH, "intervention:2"))
    assert not sees(membership, ("support", HEALTH, ""))


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("source", [OWN, POLICE])
def test_visible_categories_of_one_source(role, source):
    shown = policy.visible_categories(
        FakeMembership(role), agency_id=OWN, source_id=source, all_categories=ALL, grants=GRANTS
    )
    if role not in CONTENT_ROLES:
        assert shown == frozenset()
    else:
        assert shown == (ALL if source == OWN else frozenset({"identity"}))


@pytest.mark.parametrize("role", Role.values)
def test_nothing_for_an_inactive_or_missing_membership(role):
    inactive = FakeMembership(role, is_active=False)
    for membership in (None, inactive):
        assert not sees(membership, ("concern", OWN, ""))
        assert not policy.may_share_information(
            membership, originates=True, runs_responsible_panel=True, holds_directly=True
        )
        assert not policy.is_administrator(membership)
        assert not policy.may_review_decisions(membership)


@pytest.mark.parametrize(
    ("role", "originates", "runs_panel", "holds", "allowed"),
    [
        # The originating agency shares its own information...
        (Role.PREVENT_OFFICER, True, False, False, True),
        (Role.CHANNEL_COORDINATOR, True, False, False, True),
        (Role.PANEL_CHAIR, True, False, False, True),
        (Role.PANEL_MEMBER, True, False, False, True),
        # ...through those who speak for it, not those who deliver a service.
        (Role.PRACTITIONER, True, False, False, False),
        # The responsible panel's chair or coordinator passes on what the source gave it.
        (Role.PANEL_CHAIR, False, True, True, True),
        (Role.CHANNEL_COORDINATOR, False, True, True, True),
        (Role.PANEL_MEMBER, False, True, True, False),
        (Role.PRACTITIONER, False, True, True, False),
        # Not what it does not hold, and nobody else shares on.
        (Role.PANEL_CHAIR, False, True, False, False),
        (Role.PANEL_CHAIR, False, False, True, False),
        (Role.PREVENT_OFFICER, False, False, True, False),
        (Role.AUDITOR, True, True, True, False),
        (Role.ADMINISTRATOR, True, True, True, False),
    ],
)
def test_who_may_share_information(role, originates, runs_panel, holds, allowed):
    assert (
        policy.may_share_information(
            FakeMembership(role),
            originates=originates,
            runs_responsible_panel=runs_panel,
            holds_directly=holds,
        )
        is allowed
    )


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("made_by_own_agency", [True, False])
@pytest.mark.parametrize("onward", [True, False])
def test_only_the_deciding_agency_ends_a_decision(role, made_by_own_agency, onward):
    """Those who may make such a decision in the agency that made it end it, whether or not
    the agency still holds the information."""
    allowed_roles = policy.PANEL_SHARING_ROLES if onward else policy.ORIGINATOR_SHARING_ROLES
    assert policy.may_end_decision(
        FakeMembership(role), made_by_own_agency=made_by_own_agency, onward=onward
    ) is (made_by_own_agency and role in allowed_roles)
    assert not policy.may_end_decision(
        FakeMembership(role, is_active=False), made_by_own_agency=True, onward=onward
    )


@pytest.mark.parametrize("role", Role.values)
def test_only_administrators_administer_and_only_auditors_review(role):
    membership = FakeMembership(role)
    assert policy.is_administrator(membership) is (role == Role.ADMINISTRATOR)
    assert policy.may_review_decisions(membership) is (role == Role.AUDITOR)
