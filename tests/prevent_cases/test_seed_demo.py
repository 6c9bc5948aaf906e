"""The synthetic demo seed: idempotent, every role in two areas, printable for scripts."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.roles import Role
from referrals.selectors import referral_list_for_user

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int]:
    return (
        Area.objects.count(),
        Agency.objects.count(),
        User.objects.count(),
        Membership.objects.count(),
    )


def test_seed_is_idempotent():
    call_command("seed_demo", stdout=StringIO())
    first = _counts()
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert _counts() == first
    assert "added 0 areas, 0 agencies, 0 users, 0 referrals" in out.getvalue()


def test_every_role_is_seeded_in_at_least_two_areas():
    call_command("seed_demo", stdout=StringIO())
    for role in Role.values:
        areas = set(
            Membership.objects.filter(role=role).values_list("agency__area__code", flat=True)
        )
        assert len(areas) >= 2, role


def test_list_json_prints_working_sign_ins(client):
    out = StringIO()
    call_command("seed_demo", "--list-json", stdout=out)
    sign_ins = json.loads(out.getvalue())
    assert {row["role"] for row in sign_ins} == set(Role.values)
    assert {row["area"] for row in sign_ins} == {"Northby", "Southmere"}
    assert set(sign_ins[0]) == {"username", "password", "role", "agency", "agency_kind", "area"}
    for row in sign_ins:
        user = User.objects.get(username=row["username"])
        assert user.check_password(row["password"])
        assert user.membership.agency.name == row["agency"]
        assert user.membership.agency.kind == row["agency_kind"]
        assert user.membership.role == row["role"]


def test_demo_data_has_no_real_looking_contact_details():
    call_command("seed_demo", stdout=StringIO())
    domains = {email.split("@")[1] for email in User.objects.values_list("email", flat=True)}
    assert domains == {"example.org"}


def test_seeded_cases_leave_a_valid_chain_and_something_for_every_role(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    call_command("seed_demo", stdout=StringIO())
    out = StringIO()
    call_command("audit_verify", stdout=out)
    assert "Audit chain verified" in out.getvalue()
    for username in ("northby.officer", "northby.chair", "northby.health", "southmere.officer"):
        membership = User.objects.get(username=username).membership
        assert referral_list_for_user(membership=membership).exists(), username
    provider = User.objects.get(username="northby.provider").membership
    assert not referral_list_for_user(membership=provider).exists()
