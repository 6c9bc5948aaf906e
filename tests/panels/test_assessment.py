"""The needs assessment: started on the framework in force, each agency rating the factors
as its own information, the panel agreeing its ratings and summary, and what changed since
the assessment before."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from audit.event_types import EventType
from audit.models import AuditEvent
from audit.vocabulary import Category
from panels.models import AssessmentEntry, AssessmentFramework
from panels.rules.assessment_diff import Change, assessment_diff
from panels.rules.frameworks import VAF_2012
from panels.rules.stages import StageEvent
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.support import assessment_latest_agreed, assessment_shown
from panels.services.assessment import (
    assessment_agree,
    assessment_entry_record,
    assessment_start,
)
from prevent_cases.exceptions import AccessDenied, ConflictError, TransitionNotAllowed
from referrals.services.case import referral_share
from tests.factories import decision_input
from tests.panels.factories import open_case
from tests.panels.support_steps import SUMMARY, agree_assessment, move, rate_all, to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def chair(user):
    return user("northby.chair")


@pytest.fixture
def case(officer, chair):
    return move(chair, open_case(officer, chair), StageEvent.ADOPT)


def _record(user, assessment, factor="grievance_injustice", rating="present", evidence="Seen."):
    return assessment_entry_record(
        actor=user,
        membership=user.membership,
        assessment=assessment,
        factor=factor,
        rating=rating,
        evidence=evidence,
    )


# The framework file ---------------------------------------------------------------------


def test_an_administrator_loads_a_new_framework_from_its_file(tmp_path, user):
    data = json.loads(VAF_2012.read_text(encoding="utf-8"))
    data.update(name="Vulnerability Assessment Framework 2030", valid_from="2030-04-01")
    path = tmp_path / "vaf-2030.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    call_command("load_assessment_framework", str(path), "--as", "northby.admin")

    framework = AssessmentFramework.objects.get(name="Vulnerability Assessment Framework 2030")
    assert framework.dimensions.count() == 3
    event = AuditEvent.objects.get(type=EventType.ASSESSMENT_FRAMEWORK_LOADED)
    assert event.payload == {"framework": str(framework.pk), "factors": 22}


def test_a_bad_framework_file_is_refused_whole_and_nothing_is_written(tmp_path, demo_people):
    data = json.loads(VAF_2012.read_text(encoding="utf-8"))
    data["name"] = "Broken framework"
    data["dimensions"][2]["factors"][0] = {"code": "knowledge_skills"}  # no label
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(CommandError, match=r"dimensions\[2\]\.factors"):
        call_command("load_assessment_framework", str(path), "--as", "northby.admin")

    assert not AssessmentFramework.objects.filter(name="Broken framework").exists()
    assert not AuditEvent.objects.filter(type=EventType.ASSESSMENT_FRAMEWORK_LOADED).exists()


def test_only_an_administrator_loads_a_framework(tmp_path, demo_people):
    data = json.loads(VAF_2012.read_text(encoding="utf-8"))
    data["name"] = "Chair's framework"
    path = tmp_path / "chair.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(CommandError, match="administrator"):
        call_command("load_assessment_framework", str(path), "--as", "northby.chair")
    assert not AssessmentFramework.objects.filter(name="Chair's framework").exists()


# Starting ------------------------------------------------------------------------------


def test_the_chair_starts_an_assessment_on_the_framework_in_force(case, chair):
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    assert assessment.number == 1
    assert assessment.previous is None
    assert assessment.framework.name == "Vulnerability Assessment Framework 2012"
    assert AuditEvent.objects.filter(type=EventType.ASSESSMENT_STARTED).count() == 1
    with pytest.raises(ConflictError):
        assessment_start(actor=chair, membership=chair.membership, panel_case=case)


@pytest.mark.parametrize(
    "username", ["southmere.chair", "northby.probation", "northby.health", "northby.officer"]
)
def test_only_the_case_panel_chair_or_coordinator_starts_one(case, user, username):
    other = user(username)
    with pytest.raises(AccessDenied):
        assessment_start(actor=other, membership=other.membership, panel_case=case)
    coordinator = user("northby.coordinator")
    assert assessment_start(actor=coordinator, membership=coordinator.membership, panel_case=case)


def test_an_assessment_starts_only_at_the_assessment_stage(officer, chair):
    case = open_case(officer, chair)
    with pytest.raises(TransitionNotAllowed):
        assessment_start(actor=chair, membership=chair.membership, panel_case=case)


# Entries ------------------------------------------------------------------------------


def test_each_agency_records_its_own_entries_and_re_recording_replaces_them(case, chair, user):
    health = user("northby.health")
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    _record(health, assessment, rating="present")
    _record(health, assessment, rating="significant", evidence="Seen again.")
    _record(chair, assessment, rating="present")

    entries = AssessmentEntry.objects.filter(assessment=assessment)
    assert {(e.source_agency_id, e.rating) for e in entries} == {
        (health.membership.agency_id, "significant"),
        (chair.membership.agency_id, "present"),
    }
    event = AuditEvent.objects.filter(type=EventType.ASSESSMENT_ENTRY_RECORDED).last()
    assert event.payload == {
        "assessment": str(assessment.pk),
        "factor": "grievance_injustice",
        "rating": "present",
    }


def test_an_entry_needs_a_factor_and_rating_of_the_framework(case, chair, user):
    health = user("northby.health")
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    with pytest.raises(ValidationError) as refused:
        _record(health, assessment, factor="no_such_factor")
    assert "factor" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        _record(health, assessment, rating="extreme")
    assert "rating" in refused.value.message_dict


@pytest.mark.parametrize("username", ["southmere.health", "northby.auditor"])
def test_an_agency_not_on_the_panel_records_no_entry(case, chair, user, username):
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    other = user(username)
    with pytest.raises(AccessDenied):
        _record(other, assessment)
    assert _record(user("northby.education"), assessment)


def test_an_agreed_assessment_takes_no_more_entries(case, chair, user):
    assessment = agree_assessment(chair, case)
    with pytest.raises(TransitionNotAllowed):
        _record(user("northby.health"), assessment)


# Agreeing ------------------------------------------------------------------------------


def test_agreeing_needs_a_summary_and_a_panel_rating_for_every_factor(case, chair):
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    _record(chair, assessment)
    with pytest.raises(ValidationError) as refused:
        assessment_agree(
            actor=chair,
            membership=chair.membership,
            assessment=assessment,
            summary="Too short.",
            management_plan="",
        )
    assert set(refused.value.message_dict) == {"summary", "entries"}
    assert "21 factor(s)" in refused.value.message_dict["entries"][0]

    rate_all(chair, assessment)
    agreed = assessment_agree(
        actor=chair,
        membership=chair.membership,
        assessment=assessment,
        summary=SUMMARY,
        management_plan="Mentoring.",
    )
    assert agreed.agreed_at is not None
    assert agreed.agreed_by == chair
    assert AuditEvent.objects.filter(type=EventType.ASSESSMENT_AGREED).count() == 1


def test_a_member_cannot_agree_the_assessment(case, chair, user):
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    rate_all(chair, assessment)
    health = user("northby.health")
    with pytest.raises(AccessDenied):
        assessment_agree(
            actor=health,
            membership=health.membership,
            assessment=assessment,
            summary=SUMMARY,
            management_plan="",
        )


# What each agency sees ---------------------------------------------------------------------


def test_the_police_see_a_partners_entries_only_once_the_partner_shares_them(
    case, chair, user, officer, agency
):
    health = user("northby.health")
    assessment = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    _record(health, assessment, rating="significant")
    _record(chair, assessment, rating="present")

    def police_sees():
        shown = assessment_shown(
            case=panel_case_get_for_user(membership=officer.membership, panel_case_id=case.pk)
        )
        return {
            entry.source_agency_id
            for dimension in shown.dimensions
            for row in dimension.factors
            for entry in row.entries
        }

    assert police_sees() == set()

    referral_share(
        actor=health,
        membership=health.membership,
        referral=case.referral,
        receiving_agency=agency("Northby Police Prevent Team"),
        data=decision_input(categories=(Category.ASSESSMENT,)),
    )
    assert police_sees() == {health.membership.agency_id}


def test_the_panel_sees_what_changed_since_the_previous_assessment(officer, chair, agency):
    case = to_review(chair, open_case(officer, chair), agency("Northby Mentoring Partnership"))
    first = assessment_latest_agreed(case)
    case = move(chair, case, StageEvent.REASSESS)
    second = assessment_start(actor=chair, membership=chair.membership, panel_case=case)
    assert second.number == 2
    assert second.previous == first
    rate_all(chair, second, "present")
    _record(chair, second, factor="grievance_injustice", rating="not_present")

    shown = assessment_shown(
        case=panel_case_get_for_user(membership=chair.membership, panel_case_id=case.pk)
    )
    assert shown.current == second
    assert shown.previous == first
    changed = [c for c in shown.changes if c.change != Change.UNCHANGED]
    assert [(c.factor, c.before, c.after) for c in changed] == [
        ("grievance_injustice", "present", "not_present")
    ]
    assert len(shown.changes) == 22


def test_the_diff_names_each_factor_before_and_after():
    changes = assessment_diff(
        {"a": "present", "b": "present", "gone": "significant"},
        {"a": "present", "b": "significant", "new": "not_known"},
        order=["a", "b", "new"],
    )
    assert [(c.factor, c.before, c.after, c.change) for c in changes] == [
        ("a", "present", "present", Change.UNCHANGED),
        ("b", "present", "significant", Change.CHANGED),
        ("new", None, "not_known", Change.ADDED),
        ("gone", "significant", None, Change.REMOVED),
    ]
