"""The app's canonical form reproduces every published test vector (docs/audit-chain.md), so
an outside implementation that passes the vectors agrees with what the app writes."""

import datetime
import json
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.record.canonical import (
    GENESIS_HASH,
    NotCanonical,
    canonical_bytes,
    canonical_payload_text,
    event_hash,
)
from audit.record.checkpoints import CheckpointStatement, key_id_for
from audit.record.records import (
    DECISION_COLUMNS_V1,
    DECISION_COLUMNS_V2,
    REVIEW_COLUMNS,
    RUN_RESULT_COLUMNS,
    decision_hash_from_values,
    decision_record,
    review_hash_from_values,
    run_result_hash_from_values,
)

VECTORS = json.loads(
    (Path(__file__).parents[2] / "docs" / "audit-chain-vectors.json").read_text(encoding="utf-8")
)
EVENT_VECTORS = VECTORS["events"]
UUID_FIELDS = ("actor", "agency", "target_id")
BST = datetime.timezone(datetime.timedelta(hours=1))


def _as_the_app_holds_it(event: dict) -> dict:
    """The event as a database row gives it: aware datetimes (here in UK summer time, to show
    the conversion to UTC) and UUID objects (from upper-case text, to show lower-casing)."""
    typed = dict(event)
    typed["created_at"] = datetime.datetime.fromisoformat(event["created_at"]).astimezone(BST)
    for field in UUID_FIELDS:
        if event[field] is not None:
            typed[field] = uuid.UUID(event[field].upper())
    return typed


@pytest.mark.parametrize("vector", EVENT_VECTORS, ids=[v["name"] for v in EVENT_VECTORS])
def test_event_vectors_canonical_form_and_hash(vector):
    event = _as_the_app_holds_it(vector["event"])

    assert canonical_bytes(event).decode("utf-8") == vector["canonical"]
    assert event_hash(event) == vector["hash"]
    assert event_hash(vector["event"]) == vector["hash"]


def test_event_vectors_form_a_chain_from_the_genesis_hash():
    prev_hashes = [vector["event"]["prev_hash"] for vector in EVENT_VECTORS]

    assert prev_hashes == [GENESIS_HASH] + [vector["hash"] for vector in EVENT_VECTORS[:-1]]


def _event_about(record_id: str) -> dict:
    return next(v["event"] for v in EVENT_VECTORS if v["event"]["target_id"] == record_id)


def test_version_1_decision_vector_hashes_as_a_row_recorded_before_sources_were_kept():
    """A chain written before decisions named their source and scope still verifies."""
    vector = VECTORS["decision"]
    record = vector["record"]
    # The row as the database now holds it: no source, whole case, version 1.
    row = tuple({**record, "source_agency_id": None, "scope": "", "canonical_version": 1}.values())

    assert tuple(record) == DECISION_COLUMNS_V1
    assert canonical_bytes(record).decode("utf-8") == vector["canonical"]
    assert decision_record(row) == record
    assert decision_hash_from_values(row) == vector["hash"]
    assert _event_about(record["id"])["payload"]["decision_hash"] == vector["hash"]


def test_version_2_decision_vector_hashes_its_source_scope_and_version():
    vector = VECTORS["decision_v2"]
    record = vector["record"]
    event = _event_about(record["id"])

    assert tuple(record) == DECISION_COLUMNS_V2
    assert canonical_bytes(record).decode("utf-8") == vector["canonical"]
    assert decision_hash_from_values(tuple(record.values())) == vector["hash"]
    assert event["payload"]["decision_hash"] == vector["hash"]
    assert event["payload"]["source_agency"] == record["source_agency_id"]
    assert event["payload"]["scope"] == record["scope"]


def test_a_decision_claiming_an_unknown_version_matches_no_hash():
    record = VECTORS["decision_v2"]["record"]
    claimed = tuple({**record, "canonical_version": 3}.values())

    assert decision_hash_from_values(claimed) != VECTORS["decision_v2"]["hash"]


def test_review_vector_hash_is_what_its_event_carries():
    vector = VECTORS["review"]
    record = vector["record"]
    event = _event_about(record["id"])

    assert tuple(record) == REVIEW_COLUMNS
    assert canonical_bytes(record).decode("utf-8") == vector["canonical"]
    assert review_hash_from_values(tuple(record.values())) == vector["hash"]
    assert (event["type"], event["target_type"]) == ("sharing_decision.reviewed", "decision_review")
    assert event["payload"]["review_hash"] == vector["hash"]


def test_verification_run_vector_hash_is_what_its_event_carries():
    vector = VECTORS["verification_run"]
    record = vector["record"]
    event = _event_about(record["id"])

    assert tuple(record) == RUN_RESULT_COLUMNS
    assert canonical_bytes(record).decode("utf-8") == vector["canonical"]
    assert run_result_hash_from_values(tuple(record.values())) == vector["hash"]
    assert event["type"] == "verification_run.finished"
    assert event["payload"]["result_hash"] == vector["hash"]


def test_checkpoint_vector_signs_the_head_with_the_test_seed():
    vector = VECTORS["checkpoint"]
    key = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(vector["seed_hex"]))
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    statement = CheckpointStatement(**vector["statement"], signature=vector["signature"])

    assert public.hex() == vector["public_key"]
    assert key_id_for(public) == vector["key_id"] == statement.key_id
    assert statement.signed_bytes().decode("utf-8") == vector["signed_bytes"]
    # Ed25519 signatures are deterministic, so the same seed gives the same bytes.
    assert key.sign(statement.signed_bytes()).hex() == vector["signature"]
    assert statement.head_hash == EVENT_VECTORS[statement.size - 1]["hash"]


@pytest.mark.parametrize(
    "value",
    [
        {"rows": 1.5},
        {"filters": {"score": 0.0}},
        {"counts": [1, 2.0]},
    ],
)
def test_floats_are_refused(value):
    with pytest.raises(NotCanonical, match="floats"):
        canonical_bytes(value)


def test_naive_timestamps_are_refused():
    with pytest.raises(NotCanonical, match="timezone-aware"):
        canonical_bytes({"created_at": datetime.datetime(2026, 11, 2, 9, 0)})  # noqa: DTZ001


STORED_PAYLOADS = [
    '{"b": 1, "a": [3, 2, {"z": null, "y": true}], "c": "x"}',
    '{"text": "\\u0001\\u001f tab\\t line\\n quote\\" back\\\\ slash / é ☂ 😀 \\u007f"}',
    '{"wide": 123456789012345678901234567890, "negative": -7}',
    "{}",
]


@pytest.mark.parametrize("stored", STORED_PAYLOADS)
def test_a_stored_payload_reads_as_the_canonical_form_writes_it(stored):
    assert canonical_payload_text(stored) == canonical_bytes(json.loads(stored)).decode("utf-8")


@pytest.mark.parametrize("stored", ['{"score": 1.5}', '{"nested": [{"n": 2e3}]}'])
def test_a_stored_payload_holding_a_float_has_no_canonical_text(stored):
    with pytest.raises(NotCanonical):
        canonical_payload_text(stored)
