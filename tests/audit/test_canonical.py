"""The app's canonical form reproduces every published test vector (docs/audit-chain.md), so
an outside implementation that passes the vectors agrees with what the app writes."""

import datetime
import json
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from audit.canonical import GENESIS_HASH, NotCanonical, canonical_bytes, event_hash
from audit.checkpoints import CheckpointStatement, key_id_for
from audit.records import DECISION_COLUMNS, decision_hash_from_values

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


def test_decision_vector_hash_is_what_its_event_carries():
    vector = VECTORS["decision"]
    record = vector["record"]

    assert tuple(record) == DECISION_COLUMNS
    assert canonical_bytes(record).decode("utf-8") == vector["canonical"]
    assert decision_hash_from_values(tuple(record.values())) == vector["hash"]
    recorded = next(v for v in EVENT_VECTORS if v["event"]["type"] == "sharing_decision.recorded")
    assert recorded["event"]["payload"]["decision_hash"] == vector["hash"]


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
    assert statement.head_hash == EVENT_VECTORS[-1]["hash"]


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
