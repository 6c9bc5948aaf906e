"""The offline verifier, as an external auditor runs it: a lone script with no Django and no
project code, checking a bundle exported from the system and naming the first broken event.

It is run as a subprocess in isolated mode with Django and the project's packages made
unimportable, so any import of them would fail the run."""

import copy
import json
import subprocess
import sys
import uuid
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command
from django.db import connection

from audit import offline_verifier
from audit.models import AuditEvent, SharingDecision
from audit.record.canonical import event_hash
from audit.record.checkpoints import checkpoint_write
from audit.services.decisions import decision_review_record
from tests.audit.earlier_records import review_before_hashing, version_1_decision
from tests.factories import make_referral, share
from tests.support.triggers import audit_triggers_lifted

ROOT = Path(__file__).parents[2]
VERIFIER = ROOT / "audit" / "offline_verifier.py"
VECTORS = json.loads((ROOT / "docs" / "audit-chain-vectors.json").read_text(encoding="utf-8"))
TEST_PUBLIC_KEY = VECTORS["checkpoint"]["public_key"]

# Run the script as `python -I offline_verifier.py ...` would, but with every package of the
# project and Django made unimportable first: the editable install would otherwise put them
# on the path even in isolated mode.
STANDALONE = """
import runpy, sys
for name in ("django", "audit", "prevent_cases", "referrals", "panels", "tests"):
    sys.modules[name] = None
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _run(*args, flags: tuple[str, ...] = ("-c", STANDALONE)) -> subprocess.CompletedProcess:
    # S603: the command line is built here from fixed parts and test files only.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", *flags, str(VERIFIER), *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={},
        check=False,
    )


def _first_line(result: subprocess.CompletedProcess) -> str:
    return result.stdout.splitlines()[0]


def _write(path: Path, bundle: dict) -> Path:
    path.write_text(json.dumps(bundle), encoding="utf-8")
    return path


# The published vectors, without a database -----------------------------------------------


def _vector_bundle() -> dict:
    """The vectors as a bundle, copied so a test may change it."""
    checkpoint = VECTORS["checkpoint"]
    bundle = {
        "format": "prevent-audit-bundle/2",
        "range": {"from": 1, "to": len(VECTORS["events"])},
        "chain_size": len(VECTORS["events"]),
        "events": [{**vector["event"], "hash": vector["hash"]} for vector in VECTORS["events"]],
        "decisions": [VECTORS["decision"]["record"], VECTORS["decision_v2"]["record"]],
        "reviews": [VECTORS["review"]["record"]],
        "checkpoints": [{**checkpoint["statement"], "signature": checkpoint["signature"]}],
        "public_keys": {checkpoint["key_id"]: checkpoint["public_key"]},
    }
    return copy.deepcopy(bundle)


@pytest.mark.parametrize("vector", VECTORS["events"], ids=[v["name"] for v in VECTORS["events"]])
def test_verifier_reproduces_every_event_vector(vector):
    assert offline_verifier.canonical_bytes(vector["event"]).decode() == vector["canonical"]
    assert offline_verifier.event_hash(vector["event"]) == vector["hash"]


@pytest.mark.parametrize("name", ["decision", "decision_v2"])
def test_verifier_reproduces_each_version_of_the_decision_vector(name):
    decision = VECTORS[name]

    assert offline_verifier.canonical_bytes(decision["record"]).decode() == decision["canonical"]
    assert offline_verifier.decision_hash(decision["record"]) == decision["hash"]


def test_verifier_reproduces_the_review_vector():
    review = VECTORS["review"]

    assert offline_verifier.canonical_bytes(review["record"]).decode() == review["canonical"]
    assert offline_verifier.review_hash(review["record"]) == review["hash"]


def test_verifier_reproduces_the_checkpoint_vector():
    checkpoint = VECTORS["checkpoint"]
    signed = offline_verifier.canonical_bytes(checkpoint["statement"])

    assert signed.decode() == checkpoint["signed_bytes"]
    assert offline_verifier.key_id(bytes.fromhex(checkpoint["public_key"])) == checkpoint["key_id"]
    verify = offline_verifier.signature_checker()
    assert verify(bytes.fromhex(checkpoint["public_key"]), checkpoint["signature"], signed)


def test_verifier_refuses_floats():
    with pytest.raises(ValueError, match="float"):
        offline_verifier.canonical_bytes({"payload": {"rows": 1.5}})


def test_vectors_as_a_bundle_verify_standalone(tmp_path):
    result = _run(_write(tmp_path / "bundle.json", _vector_bundle()))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "OK: events 1..7 verified, 2 decisions, 1 reviews, 1 checkpoints\n"


def test_a_bundle_of_the_first_format_still_verifies(tmp_path):
    """Bundles exported before reviews were added (format 1) have no reviews to check."""
    bundle = _vector_bundle()
    bundle["format"] = "prevent-audit-bundle/1"
    del bundle["reviews"]
    bundle["events"] = bundle["events"][:5]
    bundle["range"]["to"] = bundle["chain_size"] = 5

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.stdout == "OK: events 1..5 verified, 2 decisions, 0 reviews, 1 checkpoints\n"


def _area_bundle() -> dict:
    """The vectors as an area's bundle of format 3: the version-2 decision and its review
    are another area's, withheld and listed by id."""
    bundle = _vector_bundle()
    bundle["format"] = "prevent-audit-bundle/3"
    bundle["area"] = {"id": "00000000-0000-4000-8000-00000000a4ea", "name": "Northby"}
    decision, review = bundle["decisions"].pop(), bundle["reviews"].pop()
    bundle["withheld"] = {"decisions": [decision["id"]], "reviews": [review["id"]]}
    return bundle


def test_an_area_bundle_verifies_and_says_what_was_withheld(tmp_path):
    result = _run(_write(tmp_path / "bundle.json", _area_bundle()))

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        "OK: events 1..7 verified, 1 decisions, 0 reviews, 1 checkpoints",
        "1 decisions withheld: another area's; not checked here",
        "1 reviews withheld: another area's; not checked here",
        "This bundle is the Northby area's. The operator's full bundle (manage.py audit_export) "
        "checks them.",
    ]


def test_a_full_bundle_of_format_3_withholds_nothing(tmp_path):
    bundle = _vector_bundle()
    bundle.update(
        format="prevent-audit-bundle/3", area=None, withheld={"decisions": [], "reviews": []}
    )

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.stdout == "OK: events 1..7 verified, 2 decisions, 1 reviews, 1 checkpoints\n"


def test_an_id_withheld_that_no_event_records_is_named(tmp_path):
    bundle = _area_bundle()
    bundle["withheld"]["reviews"].append(VECTORS["decision"]["record"]["id"])

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.returncode == 1
    assert _first_line(result) == (
        f"BROKEN in the bundle: review {VECTORS['decision']['record']['id']} is withheld but no "
        "event in range records it"
    )


def test_a_record_both_present_and_withheld_is_named(tmp_path):
    bundle = _area_bundle()
    decision_id = VECTORS["decision"]["record"]["id"]
    bundle["withheld"]["decisions"].append(decision_id)

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event 3: decision {decision_id} is both in the bundle and withheld"
    )


def test_a_bundle_of_an_earlier_format_withholds_nothing(tmp_path):
    bundle = _area_bundle()
    bundle["format"] = "prevent-audit-bundle/2"
    decision_id = VECTORS["decision_v2"]["record"]["id"]

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event 5: decision {decision_id} is missing from the bundle"
    )


@pytest.mark.parametrize(
    "withheld",
    [None, {"decisions": []}, {"decisions": [], "reviews": [7]}],
    ids=["absent", "without-reviews", "not-ids"],
)
def test_a_bundle_of_format_3_must_list_what_it_withholds(tmp_path, withheld):
    bundle = _area_bundle()
    if withheld is None:
        del bundle["withheld"]
    else:
        bundle["withheld"] = withheld

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.returncode == 2
    assert result.stdout.startswith("Cannot verify:")


@pytest.mark.parametrize(
    ("field", "value"), [("note", "Nothing to add."), ("finding", "satisfactory")]
)
def test_a_review_changed_in_the_bundle_is_named(tmp_path, field, value):
    bundle = _vector_bundle()
    bundle["reviews"][0][field] = value

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.returncode == 1
    assert _first_line(result) == (
        f"BROKEN at event 6: review {VECTORS['review']['record']['id']} was altered after it "
        "was recorded"
    )


def test_a_review_left_out_of_the_bundle_is_named(tmp_path):
    bundle = _vector_bundle()
    bundle["reviews"] = []

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event 6: review {VECTORS['review']['record']['id']} is missing from the bundle"
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"source_agency_id": VECTORS["decision"]["record"]["receiving_agency_id"]}, "was altered"),
        ({"scope": ""}, "was altered"),
        ({"canonical_version": 3}, "has canonical version 3, which this verifier does not know"),
    ],
    ids=["source", "scope", "version"],
)
def test_a_version_2_decision_changed_in_the_bundle_is_named(tmp_path, change, problem):
    bundle = _vector_bundle()
    bundle["decisions"][1].update(change)

    result = _run(_write(tmp_path / "bundle.json", bundle))

    decision_id = VECTORS["decision_v2"]["record"]["id"]
    assert result.returncode == 1
    assert _first_line(result).startswith(f"BROKEN at event 5: decision {decision_id} {problem}")


def test_a_version_2_decision_passed_off_as_version_1_is_named(tmp_path):
    """Dropping the new fields and the version makes a record of version 1, whose hash is
    not the one its event carries."""
    bundle = _vector_bundle()
    record = bundle["decisions"][1]
    for field in ("source_agency_id", "scope", "canonical_version"):
        del record[field]

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event 5: decision {record['id']} was altered after it was recorded"
    )


def test_without_cryptography_signatures_are_not_silently_skipped(tmp_path):
    bundle = _write(tmp_path / "bundle.json", _vector_bundle())

    # -S: no site-packages at all, so neither Django nor cryptography can be imported.
    refused = _run(bundle, flags=("-S",))
    allowed = _run(bundle, "--no-signatures", flags=("-S",))

    assert refused.returncode == 2
    assert "signatures were not checked" in refused.stdout
    assert allowed.returncode == 0
    assert allowed.stdout.endswith("1 checkpoints (signatures NOT checked)\n")


@pytest.mark.parametrize("content", ["{not json", '{"format": "something-else/1"}', "[]"])
def test_unreadable_input_exits_2(tmp_path, content):
    path = tmp_path / "bundle.json"
    path.write_text(content, encoding="utf-8")

    result = _run(path)

    assert result.returncode == 2
    assert result.stdout.startswith("Cannot verify:")


def test_a_key_swapped_into_the_bundle_is_caught_only_by_a_pinned_key(tmp_path):
    """Whoever can rewrite a bundle can also sign with a key of their own and ship that key
    in it; pinning the key the auditor was given out of band is what catches it."""
    forger = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    forger_public = forger.public_key().public_bytes_raw()
    bundle = _vector_bundle()
    checkpoint = bundle["checkpoints"][0]
    checkpoint["key_id"] = offline_verifier.key_id(forger_public)
    checkpoint["signature"] = forger.sign(
        offline_verifier.canonical_bytes(
            {field: checkpoint[field] for field in offline_verifier.STATEMENT_FIELDS}
        )
    ).hex()
    bundle["public_keys"] = {checkpoint["key_id"]: forger_public.hex()}
    path = _write(tmp_path / "bundle.json", bundle)

    trusting = _run(path)
    pinned = _run(path, "--public-key", TEST_PUBLIC_KEY)

    assert trusting.returncode == 0
    assert pinned.returncode == 1
    assert _first_line(pinned) == (
        f"BROKEN at event 4: checkpoint at size 4 is signed by an untrusted key "
        f"{checkpoint['key_id']}"
    )


# Bundles exported from a real record -----------------------------------------------------


@pytest.fixture
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


@pytest.fixture
def record(db, user, agency, checkpoint_dir):
    """Three referrals each shared with the council, and a signed checkpoint at the head."""
    officer = user("northby.officer")
    council = agency("Northby Council Channel Team")
    for _ in range(3):
        share(make_referral(officer), officer, council)
    return checkpoint_write()


def _export(*args: str) -> dict:
    out = StringIO()
    call_command("audit_export", *args, stdout=out)
    return json.loads(out.getvalue())


def _decision_event(bundle: dict) -> dict:
    return next(e for e in bundle["events"] if e["type"] == "sharing_decision.recorded")


def test_exported_record_verifies(record, tmp_path):
    result = _run(_write(tmp_path / "bundle.json", _export()), "--public-key", TEST_PUBLIC_KEY)

    assert result.returncode == 0, result.stdout
    assert result.stdout == (
        f"OK: events 1..{record.size} verified, 3 decisions, 0 reviews, 1 checkpoints\n"
    )


def test_non_ascii_decision_text_survives_the_export(record, user, agency, tmp_path):
    officer = user("northby.officer")
    share(
        make_referral(officer),
        officer,
        agency("Northby Council Channel Team"),
        purpose="Cefnogi\u2019r panel \u2013 T\u00eem Atal Ynys M\u00f4n \U0001f3f4",
    )

    result = _run(_write(tmp_path / "bundle.json", _export()))

    assert result.stdout.startswith(f"OK: events 1..{record.size + 2} verified, 4 decisions")


def test_a_part_of_the_chain_verifies_on_its_own(record, tmp_path):
    bundle = _export("--from", "3", "--to", "4")

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.stdout == "OK: events 3..4 verified, 1 decisions, 0 reviews, 1 checkpoints\n"


def test_changed_payload_value_is_named(record, tmp_path):
    bundle = _export()
    bundle["events"][1]["payload"]["reference"] = "NB-2026-9999"

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert result.returncode == 1
    assert _first_line(result) == "BROKEN at event 2: altered: its hash does not match its content"


def test_deleted_event_is_named(record, tmp_path):
    bundle = _export()
    del bundle["events"][2]

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == "BROKEN at event 3: missing: the next event in the bundle is 4"


def test_rewritten_event_with_a_recomputed_hash_breaks_the_next_link(record, tmp_path):
    bundle = _export()
    event = bundle["events"][1]
    event["payload"]["reference"] = "NB-2026-9999"
    event["hash"] = event_hash(event)

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == "BROKEN at event 3: does not link to the event before it"


def test_history_rewritten_to_the_end_is_caught_by_the_signed_checkpoint(record, tmp_path):
    bundle = _export()
    bundle["events"][1]["payload"]["reference"] = "NB-2026-9999"
    prev_hash = bundle["events"][0]["hash"]
    for event in bundle["events"][1:]:
        event["prev_hash"] = prev_hash
        event["hash"] = prev_hash = event_hash(event)

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event {record.size}: differs from the signed checkpoint at this size"
    )


def test_edited_decision_justification_is_named(record, tmp_path):
    bundle = _export()
    event = _decision_event(bundle)
    decision = next(d for d in bundle["decisions"] if d["id"] == event["target_id"])
    decision["justification"] = "Changed afterwards to look better."

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event {event['seq']}: decision {decision['id']} was altered after it "
        "was recorded"
    )


def test_decision_left_out_of_the_bundle_is_named(record, tmp_path):
    bundle = _export()
    event = _decision_event(bundle)
    bundle["decisions"] = [d for d in bundle["decisions"] if d["id"] != event["target_id"]]

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event {event['seq']}: decision {event['target_id']} is missing from the bundle"
    )


def test_replaced_checkpoint_head_hash_is_caught_by_its_signature(record, tmp_path):
    bundle = _export()
    bundle["checkpoints"][0]["head_hash"] = bundle["events"][-2]["hash"]

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event {record.size}: checkpoint at size {record.size} has an invalid signature"
    )


def test_forged_checkpoint_signature_is_named(record, tmp_path):
    bundle = _export()
    checkpoint = bundle["checkpoints"][0]
    forger = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
    checkpoint["signature"] = forger.sign(
        offline_verifier.canonical_bytes(
            {field: checkpoint[field] for field in offline_verifier.STATEMENT_FIELDS}
        )
    ).hex()

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert _first_line(result) == (
        f"BROKEN at event {record.size}: checkpoint at size {record.size} has an invalid signature"
    )


def _cut_tail_after(seq: int, *, with_checkpoints: bool, checkpoint_dir: Path) -> None:
    """Play an attacker with the table owner's rights cutting the end off the chain."""
    with audit_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq > %s", [seq])
        if with_checkpoints:
            cursor.execute("DELETE FROM audit_checkpoint")
    if with_checkpoints:
        for file in checkpoint_dir.iterdir():
            file.unlink()


def test_cut_tail_is_caught_by_the_checkpoint_in_the_bundle(record, tmp_path, checkpoint_dir):
    _cut_tail_after(2, with_checkpoints=False, checkpoint_dir=checkpoint_dir)

    result = _run(_write(tmp_path / "bundle.json", _export()))

    assert _first_line(result) == (
        f"BROKEN at event 3: missing: the chain has 2 events but a checkpoint signed {record.size}"
    )


def test_cut_tail_with_its_checkpoints_is_caught_by_a_checkpoint_the_auditor_kept(
    record, tmp_path, checkpoint_dir
):
    # Given an auditor who kept the checkpoint file from an earlier visit
    kept = tmp_path / "kept"
    kept.mkdir()
    for file in checkpoint_dir.iterdir():
        (kept / file.name).write_text(file.read_text())
    # When the tail is cut together with every checkpoint the system holds, and re-exported
    _cut_tail_after(2, with_checkpoints=True, checkpoint_dir=checkpoint_dir)
    bundle = _write(tmp_path / "bundle.json", _export())

    # Then the bundle alone looks whole, and the kept checkpoint shows it is not
    alone = _run(bundle, "--public-key", TEST_PUBLIC_KEY)
    with_kept = _run(bundle, "--public-key", TEST_PUBLIC_KEY, "--checkpoint", kept)

    assert alone.stdout == "OK: events 1..2 verified, 1 decisions, 0 reviews, 0 checkpoints\n"
    assert with_kept.returncode == 1
    assert _first_line(with_kept) == (
        f"BROKEN at event 3: missing: the chain has 2 events but a checkpoint signed {record.size}"
    )


# Decisions of both canonical versions ------------------------------------------------------


def _as_stored(value: uuid.UUID) -> str:
    """A UUID as the database stores it, for SQL written by hand."""
    return value.hex if connection.vendor == "sqlite" else str(value)


def _audit_verify() -> str:
    """What audit_verify says: its summary, or the message it fails with."""
    out = StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=StringIO())
    except CommandError as error:
        return str(error)
    return out.getvalue()


@pytest.fixture
def old_and_new(db, user, agency, checkpoint_dir):
    """Two decisions recorded before decisions named their source (version 1), then one
    after (version 2), and a checkpoint at the head."""
    officer = user("northby.officer")
    council = agency("Northby Council Channel Team")
    for _ in range(2):
        version_1_decision(make_referral(officer), officer, council)
    new = share(make_referral(officer), officer, council)
    checkpoint_write()
    return new


def test_a_chain_with_decisions_of_both_versions_verifies_in_the_app_and_offline(
    old_and_new, tmp_path
):
    bundle = _export()

    result = _run(_write(tmp_path / "bundle.json", bundle), "--public-key", TEST_PUBLIC_KEY)

    # Each record carries exactly its own version's fields
    by_version = {record.get("canonical_version", 1): record for record in bundle["decisions"]}
    assert set(by_version[1]) == set(offline_verifier.DECISION_COLUMNS_BY_VERSION[1])
    assert set(by_version[2]) == set(offline_verifier.DECISION_COLUMNS_BY_VERSION[2])
    assert result.stdout.startswith("OK: events 1..")
    assert "3 decisions" in result.stdout
    assert "Audit chain verified" in _audit_verify()


@pytest.mark.parametrize("column", ["source_agency_id", "scope"])
def test_a_version_2_decisions_source_or_scope_changed_in_the_database_is_named(
    old_and_new, agency, tmp_path, column
):
    # Given a version-2 decision whose source or scope is changed behind the app's back
    values = {
        "source_agency_id": _as_stored(agency("Northby NHS Trust").pk),
        "scope": "intervention:00000000-0000-0000-0000-000000000001",
    }
    with audit_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_sharingdecision SET {column} = %s WHERE id = %s",  # noqa: S608
            [values[column], _as_stored(old_and_new.pk)],
        )
    seq = AuditEvent.objects.get(target_id=old_and_new.pk).seq
    named = f"BROKEN at event {seq}: decision {old_and_new.pk} was altered after it was recorded"

    # Then audit_verify and the offline verifier of a fresh export both name it
    offline = _run(_write(tmp_path / "bundle.json", _export()))

    assert named in _audit_verify()
    assert _first_line(offline) == named


# Reviews ------------------------------------------------------------------------------------


@pytest.fixture
def reviewed(record, user):
    """The record, with one decision reviewed by an auditor through the service."""
    auditor = user("northby.auditor")
    decision = SharingDecision.objects.order_by("decided_at").first()
    return decision_review_record(
        actor=auditor,
        membership=auditor.membership,
        decision=decision,
        finding="concern",
        note="The justification does not say why identity is needed.",
    )


def test_a_reviewed_record_verifies_in_the_app_and_offline(reviewed, tmp_path):
    bundle = _export()

    result = _run(_write(tmp_path / "bundle.json", bundle))

    assert [review["id"] for review in bundle["reviews"]] == [str(reviewed.pk)]
    assert "1 reviews" in result.stdout
    assert result.stdout.startswith("OK: ")
    assert "Audit chain verified" in _audit_verify()
    assert "1 reviews" in _audit_verify()


@pytest.mark.parametrize(
    ("column", "value"),
    [("note", "Reviewed and found satisfactory."), ("finding", "satisfactory")],
)
def test_a_review_changed_in_the_database_is_named(reviewed, tmp_path, column, value):
    # Given a review whose note or finding is changed behind the app's back
    with audit_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE audit_decisionreview SET {column} = %s WHERE id = %s",  # noqa: S608
            [value, _as_stored(reviewed.pk)],
        )
    seq = AuditEvent.objects.get(target_id=reviewed.pk).seq
    named = f"BROKEN at event {seq}: review {reviewed.pk} was altered after it was recorded"

    # Then audit_verify and the offline verifier of a fresh export both name it
    offline = _run(_write(tmp_path / "bundle.json", _export()))

    assert named in _audit_verify()
    assert _first_line(offline) == named


def test_review_events_written_before_reviews_were_hashed_still_verify(record, user, tmp_path):
    # Given reviews recorded as the app recorded them before, then one recorded now
    auditor = user("northby.auditor")
    decisions = list(SharingDecision.objects.order_by("decided_at"))
    for decision, finding in zip(decisions, ("satisfactory", "concern"), strict=False):
        review_before_hashing(decision, auditor, finding)
    decision_review_record(
        actor=auditor,
        membership=auditor.membership,
        decision=decisions[2],
        finding="satisfactory",
        note="Reason recorded and proportionate to the need.",
    )

    # When the chain is verified in the app and offline
    in_app = _audit_verify()
    offline = _run(_write(tmp_path / "bundle.json", _export()))

    # Then both pass; the earlier reviews are matched on their events, and have no records
    assert "Audit chain verified" in in_app
    assert "1 reviews" in in_app
    assert "2 reviews and 0 verification runs from before" in in_app
    assert offline.returncode == 0, offline.stdout
    assert "1 reviews" in offline.stdout
