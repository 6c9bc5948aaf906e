"""audit_verify: it passes an intact record and names the first event that was tampered
with, behind the application's back, with the triggers dropped by the table owner."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision, VerificationRun
from audit.record.canonical import event_hash
from audit.record.checkpoints import checkpoint_write
from audit.record.records import run_result_hash
from audit.record.verification import verify_chain
from audit.services.decisions import verification_run_execute, verification_run_request
from tests.audit.earlier_records import review_before_hashing, run_finished_before_hashing
from tests.factories import make_referral, share
from tests.support.triggers import audit_triggers_lifted

pytestmark = pytest.mark.django_db


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def record(user, agency, checkpoint_dir):
    """A small record: referrals, decisions, and a signed checkpoint at its head."""
    officer = user("northby.officer")
    council = agency("Northby Council Channel Team")
    for _ in range(3):
        referral = make_referral(officer)
        share(referral, officer, council)
    return checkpoint_write()


def _tamper(sql: str, params=()) -> None:
    with audit_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _broken(*args) -> str:
    with pytest.raises(CommandError) as error:
        _verify(*args)
    return str(error.value)


def test_intact_record_verifies(record):
    output = _verify()
    assert "Audit chain verified" in output
    assert f"{record.size} events, 3 sharing decisions" in output


def test_altered_event_is_named(record):
    _tamper("UPDATE audit_auditevent SET actor = NULL WHERE seq = 4")
    assert "BROKEN at event 4: altered" in _broken()


def test_removed_event_is_named(record):
    _tamper("DELETE FROM audit_auditevent WHERE seq = 3")
    assert "BROKEN at event 3: missing" in _broken()


def test_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(record):
    event = AuditEvent.objects.get(seq=2)
    event.payload = {**event.payload, "area": None}
    new_hash = event_hash(event.__dict__)
    _tamper(
        "UPDATE audit_auditevent SET payload = %s, hash = %s WHERE seq = 2",
        [json.dumps(event.payload), new_hash],
    )
    assert "BROKEN at event 3: does not link" in _broken()


def test_altered_sharing_decision_is_named(record):
    decision = SharingDecision.objects.order_by("decided_at").first()
    _tamper(
        "UPDATE audit_sharingdecision SET justification = %s WHERE id = %s",
        [
            "Changed afterwards to look better.",
            decision.id.hex if connection.vendor == "sqlite" else str(decision.id),
        ],
    )
    event_seq = AuditEvent.objects.get(target_id=decision.id).seq
    assert f"BROKEN at event {event_seq}: decision {decision.id} was altered" in _broken()


def test_cut_tail_is_caught_by_the_checkpoint(record, user, agency):
    make_referral(user("northby.officer"))
    checkpoint_write()
    _tamper("DELETE FROM audit_auditevent WHERE seq > %s", [record.size])
    assert f"BROKEN at event {record.size + 1}: missing" in _broken()


def test_cut_tail_with_its_checkpoints_is_caught_by_a_copy_held_outside(
    record, checkpoint_dir, tmp_path
):
    held_elsewhere = tmp_path / "auditor-copy"
    held_elsewhere.mkdir()
    for file in checkpoint_dir.iterdir():
        (held_elsewhere / file.name).write_text(file.read_text())
        file.unlink()
    _tamper("DELETE FROM audit_checkpoint")
    _tamper("DELETE FROM audit_auditevent WHERE seq > 2")
    assert "BROKEN at event 3: missing" in _broken("--checkpoint", str(held_elsewhere))


def _finished_run(auditor) -> VerificationRun:
    """A verification run an auditor asked for, run to its end as the worker would."""
    run = verification_run_request(actor=auditor, membership=auditor.membership)
    return verification_run_execute(run_id=run.pk)


def test_a_finished_verification_run_puts_the_hash_of_its_result_on_the_chain(record, user):
    run = _finished_run(user("northby.auditor"))

    event = AuditEvent.objects.get(type=EventType.VERIFICATION_RUN_FINISHED)
    assert (run.status, run.events_checked, run.decisions_checked) == ("passed", record.size, 3)
    assert (event.target_type, event.target_id) == ("verification_run", run.pk)
    assert event.payload == {"status": "passed", "result_hash": run_result_hash(run)}
    assert "1 verification runs" in _verify()


def test_running_a_finished_verification_again_changes_nothing(record, user):
    run = _finished_run(user("northby.auditor"))

    again = verification_run_execute(run_id=run.pk)

    assert (again.finished_at, again.head_hash) == (run.finished_at, run.head_hash)
    assert AuditEvent.objects.filter(type=EventType.VERIFICATION_RUN_FINISHED).count() == 1


@pytest.mark.parametrize(
    "change",
    [
        {"status": VerificationRun.Status.FAILED},
        {"events_checked": 1},
        {"findings": ["event 2: altered: its hash does not match its content"]},
    ],
    ids=["status", "count", "findings"],
)
def test_a_finished_runs_result_changed_in_the_database_is_named(record, user, change):
    # Given a finished run whose result is then changed in the database (the table is not
    # append-only, since a run is updated while it runs)
    run = _finished_run(user("northby.auditor"))
    VerificationRun.objects.filter(pk=run.pk).update(**change)

    # Then audit_verify names it, at the event that recorded the result
    seq = AuditEvent.objects.get(target_id=run.pk).seq
    assert (
        f"BROKEN at event {seq}: verification run {run.pk} was altered after it was recorded"
        in _broken()
    )


def test_runs_finished_before_results_were_hashed_do_not_break_verification(record, user):
    auditor = user("northby.auditor")
    run_finished_before_hashing(auditor)
    _finished_run(auditor)

    output = _verify()

    assert "1 verification runs" in output
    assert "0 reviews and 1 verification runs from before" in output


def test_an_earlier_reviews_finding_changed_in_the_database_is_named(record, user):
    """Reviews from before reviews were hashed are matched on their event's decision,
    reviewer and finding, so changing the finding is caught (their note is not hashed)."""
    decision = SharingDecision.objects.order_by("decided_at").first()
    review = review_before_hashing(decision, user("northby.auditor"), "concern")
    _tamper(
        "UPDATE audit_decisionreview SET finding = %s WHERE id = %s",
        ["satisfactory", review.id.hex if connection.vendor == "sqlite" else str(review.id)],
    )

    seq = AuditEvent.objects.get(type=EventType.DECISION_REVIEWED).seq
    assert f"BROKEN at event {seq}: records a review that no longer exists" in _broken()


def test_a_broken_event_and_an_altered_decision_are_both_named_the_event_first(record):
    # Decisions are matched while the chain is walked (on PostgreSQL on a thread of its own);
    # the report still lists what the walk found first.
    decision = SharingDecision.objects.order_by("decided_at").last()
    _tamper(
        "UPDATE audit_sharingdecision SET purpose = %s WHERE id = %s",
        [
            "Changed afterwards.",
            decision.id.hex if connection.vendor == "sqlite" else str(decision.id),
        ],
    )
    _tamper("UPDATE audit_auditevent SET agency = NULL WHERE seq = 2")

    report = verify_chain([])

    assert [str(finding) for finding in report.findings] == [
        "event 2: altered: its hash does not match its content",
        f"event {AuditEvent.objects.get(target_id=decision.id).seq}: "
        f"decision {decision.id} was altered after it was recorded",
    ]
    assert report.events == 1
    assert report.decisions == 3
