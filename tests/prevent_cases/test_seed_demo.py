"""The synthetic demo seed: idempotent, every role in two areas, printable for scripts."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from panels.models import Intervention, Panel
from panels.models.vocabulary import ExitOutcome, InterventionStatus, NotAdoptedRoute, Stage
from panels.selectors.cases import channel_inbox
from prevent_cases.models import Agency, Area, Membership, User
from prevent_cases.roles import Role
from referrals.selectors import referral_list_for_user
from referrals.services.case import grants_rebuild_recorded
from tests.panels.waiting_rule import marked_waiting, waiting_by_rule

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
    assert "added 0 areas, 0 agencies, 0 users, 0 referrals, 0 panel cases" in out.getvalue()


def test_each_area_s_panel_has_cases_at_every_stage_and_exit_route():
    call_command("seed_demo", stdout=StringIO())
    for panel in Panel.objects.all():
        cases = list(panel.cases.all())
        assert {case.stage for case in cases} == set(Stage.values), panel
        assert {case.exit_outcome for case in cases} >= {
            ExitOutcome.NO_FURTHER_CONCERN,
            ExitOutcome.CONSENT_WITHDRAWN,
            ExitOutcome.TRANSFERRED,
        }, panel
        assert {case.not_adopted_route for case in cases} >= {
            NotAdoptedRoute.HEALTH,
            NotAdoptedRoute.POLICE,
        }, panel
        meetings = list(panel.meetings.all())
        assert any(meeting.closed_at for meeting in meetings), "a meeting held"
        assert any(meeting.starts_at > timezone.now() for meeting in meetings), "one to come"
        # Referrals still waiting for the coordinator to accept them.
        coordinator = User.objects.get(username=f"{panel.area.code}.coordinator")
        assert channel_inbox(membership=coordinator.membership).exists()
    # The inbox's marker is where its rule puts it, transfers included.
    assert marked_waiting() == set(waiting_by_rule().values_list("pk", flat=True))
    assert grants_rebuild_recorded(apply=False).added == 0


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
    # The mentoring provider sees the cases it delivers support on, and no other; where
    # consent was refused or the case left Channel, its access ended with the support.
    provider = User.objects.get(username="northby.provider").membership
    delivering = set(
        Intervention.objects.filter(delivering_agency=provider.agency)
        .exclude(status__in=(InterventionStatus.WITHDRAWN, InterventionStatus.COMPLETED))
        .values_list("referral_id", flat=True)
    )
    assert delivering
    assert set(referral_list_for_user(membership=provider).values_list("pk", flat=True)) == (
        delivering
    )


def test_the_demo_records_show_the_whole_record_with_corrections_and_linked_referrals():
    from referrals.models import Correction, Referral

    call_command("seed_demo", stdout=StringIO())
    for area in Area.objects.all():
        referrals = Referral.objects.filter(area=area).select_related("subject")
        subjects = [referral.subject for referral in referrals]
        assert all(subject.phone and subject.email and subject.postcode for subject in subjects)
        assert any(subject.pnc_number for subject in subjects)
        assert any(subject.school and subject.parent_guardian_name for subject in subjects)
        assert all(referral.referrer_role for referral in referrals)
        assert Correction.objects.filter(referral__area=area).exists()
        people = [subject.person for subject in subjects]
        assert len(set(people)) < len(people), "a person referred twice"
    assert all(agency.contact_email and agency.contact_phone for agency in Agency.objects.all())
