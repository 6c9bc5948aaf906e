"""Delivering an intervention through the services: the delivering agency's answer and its
sharing decision, progress entries and corrections, the status table, and refusals."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from audit.models import SharingDecision
from audit.vocabulary import Category
from panels.models import InterventionStatusChange, ProgressEntry
from panels.models.vocabulary import DeliveryEvent, GoalRating, InterventionStatus
from panels.selectors.cases import panel_case_get_for_user
from panels.selectors.delivery import (
    in_delivery,
    intervention_get_for_user,
    intervention_summaries,
    progress_entries,
)
from panels.services.delivery import InterventionChanged
from prevent_cases.exceptions import AccessDenied, NotFound, TransitionNotAllowed
from tests.panels.delivery_steps import (
    answer,
    assigned,
    fresh_intervention,
    ratings,
    record,
    session,
    share_with_health,
)

pytestmark = pytest.mark.django_db


def test_accepting_records_the_agencys_own_decision_and_lets_the_panel_read_progress(people):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    chair = people["chair"]

    record_before = lambda: record(people["provider"], work)  # noqa: E731
    with pytest.raises(TransitionNotAllowed):
        record_before()
    change = answer(people["provider"], work)
    entry = record(people["provider"], work, session(ratings=ratings(work, GoalRating.GOOD)))

    decision = SharingDecision.objects.get(pk=change.decision_id)
    assert decision.disclosing_agency_id == people["provider_agency"].pk
    assert decision.source_agency_id == people["provider_agency"].pk
    assert decision.receiving_agency_id == chair.membership.agency_id
    assert decision.scope == f"intervention:{work.pk}"
    assert list(decision.categories) == [Category.SUPPORT]
    assert fresh_intervention(work).status == InterventionStatus.ACTIVE
    shown = intervention_get_for_user(membership=chair.membership, intervention_id=work.pk)
    assert [e.pk for e in progress_entries(shown)] == [entry.pk]


def test_a_member_given_the_plan_sees_the_intervention_but_not_the_providers_progress(people, user):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    record(people["provider"], work)
    chair, health = people["chair"], user("northby.health")
    share_with_health(people, work)

    shown = intervention_get_for_user(membership=health.membership, intervention_id=work.pk)
    case = panel_case_get_for_user(membership=health.membership, panel_case_id=work.panel_case_id)
    (summary,) = intervention_summaries(case=case, no_contact_days=21)
    assert progress_entries(shown) == []
    assert not summary.sees_progress
    chair_case = panel_case_get_for_user(
        membership=chair.membership, panel_case_id=work.panel_case_id
    )
    (chair_summary,) = intervention_summaries(case=chair_case, no_contact_days=21)
    assert chair_summary.sees_progress
    assert chair_summary.attended == 1


def test_declining_needs_a_reason_and_withdraws_the_intervention(people):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    with pytest.raises(ValidationError):
        answer(people["provider"], work, DeliveryEvent.DECLINE, reason="no")

    answer(people["provider"], work, DeliveryEvent.DECLINE, reason="We have no mentor free.")

    assert fresh_intervention(work).status == InterventionStatus.WITHDRAWN
    with pytest.raises(TransitionNotAllowed, match="already been answered"):
        answer(people["provider"], work)


def test_another_agency_cannot_answer_or_record_or_even_see_it(people):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    with pytest.raises(AccessDenied):
        answer(people["probation"], work)
    with pytest.raises(NotFound):
        intervention_get_for_user(
            membership=people["probation"].membership, intervention_id=work.pk
        )
    assert not ProgressEntry.objects.exists()


def test_a_write_from_an_older_version_is_refused_and_nothing_is_written(people):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    opened = fresh_intervention(work).version
    record(people["provider"], work, version=opened)

    with pytest.raises(InterventionChanged) as refused:
        record(people["provider"], work, version=opened)
    assert refused.value.opened_version == opened
    assert ProgressEntry.objects.count() == 1


def test_a_correction_keeps_both_entries_and_the_summary_counts_the_correction(people):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    wrong = record(people["provider"], work, session(attended=True))

    record(people["provider"], work, session(attended=False), corrects=wrong)

    assert ProgressEntry.objects.count() == 2
    case = panel_case_get_for_user(
        membership=people["chair"].membership, panel_case_id=work.panel_case_id
    )
    (summary,) = intervention_summaries(case=case, no_contact_days=21)
    assert (summary.attended, summary.missed) == (0, 1)
    with pytest.raises(Exception, match="already been corrected"):
        record(people["provider"], work, session(), corrects=wrong)


def _tomorrow() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=1)


# Worked out when the test runs, not when it is collected: a run crossing midnight would
# otherwise ask for today.
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"occurred_on": _tomorrow}, "occurred_on"),
        ({"concern": True, "notes": "   "}, "notes"),
        ({"ratings": {999999: GoalRating.GOOD}}, "ratings"),
    ],
)
def test_bad_entries_are_refused_with_nothing_written(people, overrides, field):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    with pytest.raises(ValidationError) as refused:
        record(
            people["provider"],
            work,
            session(**{k: v() if callable(v) else v for k, v in overrides.items()}),
        )
    assert field in refused.value.message_dict
    assert not ProgressEntry.objects.exists()


def test_status_moves_follow_the_table(people):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    answer(people["provider"], work, DeliveryEvent.PAUSE, reason="He is in hospital for a week.")
    with pytest.raises(TransitionNotAllowed):
        answer(people["provider"], work, DeliveryEvent.PAUSE, reason="Still in hospital now.")
    answer(people["provider"], work, DeliveryEvent.RESUME, reason="Out of hospital and keen.")
    answer(people["provider"], work, DeliveryEvent.COMPLETE, reason="All six sessions done.")

    assert [c.to_status for c in InterventionStatusChange.objects.order_by("created_at")] == [
        "active",
        "paused",
        "active",
        "completed",
    ]


def test_a_concern_alerts_the_chair_and_coordinator_once(
    people, django_capture_on_commit_callbacks
):
    (work,) = assigned(people["officer"], people["chair"], people["provider_agency"])
    answer(people["provider"], work)
    with django_capture_on_commit_callbacks(execute=True):
        entry = record(
            people["provider"], work, session(concern=True, notes="He spoke of a new group.")
        )
    from panels.services.reminders import concern_alert_send

    assert concern_alert_send(entry.pk) == 0
    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert len(recipients) == 2
    assert "new group" not in mail.outbox[0].body
    assert in_delivery(membership=people["provider"].membership).count() == 1
