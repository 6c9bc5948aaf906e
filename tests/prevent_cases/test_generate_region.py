"""generate_region: a synthetic region that the chain verifier and the grant rebuild accept,
in proportion at any scale, never into a database that holds referrals."""

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from audit.models import AuditEvent, SharingDecision
from panels.models import AgendaItem, Intervention, Meeting, PanelCase, ProgressEntry, StageMove
from panels.models.support import intervention_scope
from panels.models.vocabulary import InterventionStatus, Stage
from panels.rules.stages import TRANSITIONS
from panels.selectors.meetings import attendance_of, present_agencies
from prevent_cases.demo.region.build import DEFAULT_PASSWORD
from prevent_cases.demo.region.meetings import MAX_ITEMS
from prevent_cases.demo.region.sizes import Sizes
from prevent_cases.models import Agency, User
from referrals.models import Referral, ReferralGrant, ReferralStatus
from tests.bench.database import REGION_MARKS, NotABenchDatabase, bench_database_name
from tests.panels.waiting_rule import marked_waiting, waiting_by_rule

SCALE = 0.002  # 200 referrals, 30 panel cases, 80 interventions


@pytest.fixture
def region(db, capsys) -> str:
    call_command("generate_region", scale=SCALE)
    return capsys.readouterr().out


def test_the_generated_region_verifies_and_its_grants_follow_from_its_decisions(region, capsys):
    call_command("audit_verify")
    call_command("rebuild_grants", check=True)
    output = capsys.readouterr().out
    assert "Audit chain verified" in output
    assert "0 added, 0 removed" in output


def test_every_count_is_in_proportion_to_the_scale(region):
    sizes = Sizes.at(SCALE)
    assert Referral.objects.count() == sizes.referrals == 200
    assert PanelCase.objects.count() == sizes.panel_cases == 30
    assert Intervention.objects.count() == sizes.interventions == 80
    assert SharingDecision.objects.count() == pytest.approx(sizes.decisions, rel=0.1)
    assert ProgressEntry.objects.count() == pytest.approx(sizes.progress_entries, rel=0.1)
    assert AuditEvent.objects.count() >= sizes.events
    assert Agency.objects.count() == 40
    # Every panel case stage is there.
    assert set(PanelCase.objects.values_list("stage", flat=True)) == set(Stage.values)


def test_the_rows_have_the_shapes_the_services_write(region):
    for referral in Referral.objects.select_related("area", "subject").prefetch_related(
        "transitions"
    ):
        steps = list(referral.transitions.all())
        if referral.status == ReferralStatus.RECEIVED:
            assert steps == []
        else:
            assert steps[-1].to_status == referral.status
        if referral.status == ReferralStatus.PROGRESSED:
            assert referral.responsible_agency_id == referral.area.panel_agency_id
    assert not PanelCase.objects.exclude(referral__status=ReferralStatus.PROGRESSED).exists()
    # The referrals no panel accepted, and only those, wait in their panel's inbox.
    assert marked_waiting() == set(waiting_by_rule().values_list("pk", flat=True))
    assert marked_waiting()
    # A delivering agency holds the intervention the panel gave it while delivery is open.
    open_work = Intervention.objects.filter(
        status__in=(
            InterventionStatus.PLANNED,
            InterventionStatus.ACTIVE,
            InterventionStatus.PAUSED,
        )
    ).select_related("delivering_agency")
    assert open_work.exists()
    for work in open_work:
        assert ReferralGrant.objects.filter(
            content_object_id=work.referral_id,
            group_id=work.delivering_agency.group_id,
            permission__codename="see_support",
            scope=intervention_scope(work.pk),
        ).exists()
    # A concern is marked open, as the delivery services mark it, until it is considered.
    marked = ProgressEntry.objects.filter(concern_open=True).values_list("pk", flat=True)
    unanswered = ProgressEntry.objects.filter(
        concern=True, correction__isnull=True, review__isnull=True
    ).values_list("pk", flat=True)
    assert set(marked) == set(unanswered)
    # A finished intervention's access has ended.
    for work in Intervention.objects.filter(status=InterventionStatus.COMPLETED)[:20]:
        assert (
            not ReferralGrant.objects.filter(scope=intervention_scope(work.pk))
            .exclude(group__agency=work.source_agency_id)
            .exists()
        )


def test_every_panel_decision_is_taken_at_a_meeting_with_the_areas_police_present(region):
    in_meeting = {event for (_, event), move in TRANSITIONS.items() if move.in_meeting}
    moves = StageMove.objects.filter(event__in=in_meeting)
    items = AgendaItem.objects.select_related("meeting__panel", "referral__area")
    assert moves.count() == items.count() > 0
    assert {(m.panel_case_id, m.event, m.created_at) for m in moves} == {
        (item.panel_case_id, item.decision_event, item.decided_at) for item in items
    }
    for item in items:
        meeting = item.meeting
        assert meeting.panel.area_id == item.referral.area_id
        assert meeting.starts_at <= item.decided_at
        assert meeting.closed_at is None or item.decided_at < meeting.closed_at
        # The force policing the area is the one that logged the referral.
        assert item.referral.owning_agency_id in present_agencies(attendance_of(meeting))
    assert max(meeting.items.count() for meeting in Meeting.objects.all()) <= MAX_ITEMS


def test_users_sign_in_with_the_documented_username_and_password(region):
    assert "north-vale-police.prevent_officer.1" in region
    assert f"password for every user: {DEFAULT_PASSWORD}" in region
    response = Client().post(
        "/sign-in/",
        {"username": "north-vale-police.prevent_officer.1", "password": DEFAULT_PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(username__regex=r"^[a-z0-9-]+\.[a-z_]+\.[0-9]+$").count() == (
        User.objects.count()
    )


def test_a_database_that_holds_referrals_is_refused_and_left_alone(region):
    before = (Referral.objects.count(), User.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match="already holds referrals"):
        call_command("generate_region", scale=SCALE)
    assert (Referral.objects.count(), User.objects.count(), AuditEvent.objects.count()) == before


def test_a_scale_of_nothing_is_refused(db):
    with pytest.raises(CommandError, match="greater than 0"):
        call_command("generate_region", scale=0)


@pytest.mark.parametrize("name", ["prevent_region", "prevent_wt_region_bench", "bench_x"])
def test_the_make_target_recreates_only_a_region_or_bench_database(monkeypatch, name):
    default = settings.DATABASES["default"]
    monkeypatch.setitem(default, "ENGINE", "django.db.backends.postgresql")
    monkeypatch.setitem(default, "NAME", name)
    assert bench_database_name(REGION_MARKS) == name


@pytest.mark.parametrize("name", ["prevent", "prevent_live", "channel_cases"])
def test_the_make_target_refuses_any_other_database(monkeypatch, name):
    default = settings.DATABASES["default"]
    monkeypatch.setitem(default, "ENGINE", "django.db.backends.postgresql")
    monkeypatch.setitem(default, "NAME", name)
    with pytest.raises(NotABenchDatabase, match="does not contain 'region' or 'bench'"):
        bench_database_name(REGION_MARKS)
