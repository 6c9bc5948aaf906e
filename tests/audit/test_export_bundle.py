"""audit_export: a bundle holds exactly the requested events, their sharing decisions and
reviews, every known checkpoint and the public keys, and a range the chain does not hold is
refused."""

import base64
import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from audit.record.canonical import canonical_timestamp
from audit.record.checkpoints import checkpoint_write, key_id_for
from audit.record.records import decision_hash
from audit.services.decisions import decision_review_record
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

TEST_PUBLIC_KEY = "ea4a6c63e29c520abef5507b132ec5f9954776aebebe7b92421eea691446d22c"


@pytest.fixture
def record(settings, tmp_path, user, agency):
    """Three referrals each shared with the council, and a signed checkpoint at the head."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    officer = user("northby.officer")
    council = agency("Northby Council Channel Team")
    for _ in range(3):
        share(make_referral(officer), officer, council)
    return checkpoint_write()


def _export(*args: str) -> dict:
    out = StringIO()
    call_command("audit_export", *args, stdout=out)
    return json.loads(out.getvalue())


def test_bundle_holds_the_requested_events_with_their_stored_hashes(record):
    bundle = _export("--from", "2", "--to", "5")

    assert bundle["format"] == "prevent-audit-bundle/3"
    assert bundle["range"] == {"from": 2, "to": 5}
    assert bundle["chain_size"] == record.size
    assert [event["seq"] for event in bundle["events"]] == [2, 3, 4, 5]
    stored = dict(AuditEvent.objects.values_list("seq", "hash"))
    assert all(event["hash"] == stored[event["seq"]] for event in bundle["events"])


def test_events_are_in_canonical_form(record):
    event = AuditEvent.objects.get(seq=1)

    exported = _export("--from", "1", "--to", "1")["events"][0]

    assert exported["created_at"] == canonical_timestamp(event.created_at)
    assert exported["actor"] == str(event.actor)
    assert exported["prev_hash"] == "0" * 64
    assert set(exported) == {
        "seq", "created_at", "type", "actor", "agency", "target_type", "target_id",
        "payload", "prev_hash", "hash",
    }  # fmt: skip


def test_bundle_carries_exactly_the_decisions_recorded_in_range(record):
    decision_events = AuditEvent.objects.filter(type=EventType.SHARING_DECISION_RECORDED)
    first_two = list(decision_events.order_by("seq")[:2])

    bundle = _export("--from", "1", "--to", str(first_two[1].seq))

    assert [record["id"] for record in bundle["decisions"]] == [
        str(event.target_id) for event in first_two
    ]
    decision = SharingDecision.objects.get(id=first_two[0].target_id)
    assert bundle["decisions"][0]["justification"] == decision.justification
    assert bundle["decisions"][0]["decided_at"] == canonical_timestamp(decision.decided_at)
    assert first_two[0].payload["decision_hash"] == decision_hash(decision)


def test_bundle_carries_exactly_the_reviews_recorded_in_range(record, user):
    auditor = user("northby.auditor")
    reviews = [
        decision_review_record(
            actor=auditor,
            membership=auditor.membership,
            decision=decision,
            finding="satisfactory",
            note="Reason recorded and proportionate to the need.",
        )
        for decision in SharingDecision.objects.order_by("decided_at")[:2]
    ]
    first_review_seq = AuditEvent.objects.get(target_id=reviews[0].pk).seq

    bundle = _export("--from", "1", "--to", str(first_review_seq))

    assert [review["id"] for review in bundle["reviews"]] == [str(reviews[0].pk)]
    assert bundle["reviews"][0] == {
        "id": str(reviews[0].pk),
        "decision_id": str(reviews[0].decision_id),
        "reviewer_id": str(auditor.pk),
        "finding": "satisfactory",
        "note": "Reason recorded and proportionate to the need.",
        "created_at": canonical_timestamp(reviews[0].created_at),
        "canonical_version": 1,
    }


def test_bundle_carries_every_known_checkpoint_and_the_public_key(record):
    later = checkpoint_write()

    bundle = _export()

    assert [(c["size"], c["signature"]) for c in bundle["checkpoints"]] == [
        (record.size, record.signature),
        (later.size, later.signature),
    ]
    assert bundle["public_keys"] == {
        key_id_for(bytes.fromhex(TEST_PUBLIC_KEY)): TEST_PUBLIC_KEY,
    }


def test_retired_keys_are_exported_so_old_checkpoints_still_verify(record, settings):
    retired = bytes(range(32))
    settings.AUDIT_RETIRED_PUBLIC_KEYS = [base64.b64encode(retired).decode()]

    bundle = _export()

    assert bundle["public_keys"][key_id_for(retired)] == retired.hex()


def test_without_a_range_the_whole_chain_is_exported(record):
    bundle = _export()

    assert bundle["range"] == {"from": 1, "to": record.size}
    assert len(bundle["events"]) == record.size


def test_output_file_is_written_and_named(record, tmp_path):
    target = tmp_path / "bundle.json"
    out = StringIO()

    call_command("audit_export", "--from", "1", "--to", "3", "--output", str(target), stdout=out)

    assert f"Bundle of events 1..3 (chain size {record.size}) written to {target}" in (
        out.getvalue()
    )
    assert [event["seq"] for event in json.loads(target.read_text())["events"]] == [1, 2, 3]


def test_exporting_does_not_change_the_chain(record):
    _export()

    assert AuditEvent.objects.count() == record.size


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from", "0", "--to", "2"), "--from must be 1 or more, not 0."),
        (("--from", "4", "--to", "3"), "--from (4) must not be after --to (3)."),
        (("--from", "1", "--to", "99"), "--to (99) is past the end of the chain, which has"),
        (("--from", "99"), "--from (99) must not be after --to"),
    ],
)
def test_a_range_the_chain_does_not_hold_is_refused(record, tmp_path, args, message):
    target = tmp_path / "bundle.json"

    with pytest.raises(CommandError, match=f"^{re.escape(message)}"):
        call_command("audit_export", *args, "--output", str(target))

    assert not target.exists()


def test_an_empty_chain_has_nothing_to_export(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path

    with pytest.raises(CommandError, match="The audit chain is empty"):
        call_command("audit_export")
