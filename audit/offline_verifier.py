#!/usr/bin/env python3
"""Verify an audit export bundle (prevent-audit-bundle/3, /2 or /1) away from the system
that made it.

    python offline_verifier.py BUNDLE.json [--checkpoint FILE_OR_DIR ...] [--public-key HEX ...]

This one file is what an external auditor receives and reads. It imports nothing from the
case-management system and re-implements the canonical form from docs/audit-chain.md. Hashes
and chain checks use the Python standard library alone; checkpoint signatures (Ed25519) need
the `cryptography` package, because the standard library has no Ed25519.

Pin what you hold from earlier: --checkpoint files you kept, and --public-key for the keys you
were given out of band. Once a key is pinned, the keys inside the bundle are not trusted.

An auditor's download is limited to their area: every event, but other areas' decision and
review records withheld, listed by id only. Their events are checked; the records are not,
and the verifier says how many were withheld. Only the operator's full bundle checks them.

Prints "OK: ..." and exits 0, or prints "BROKEN at event S: ..." naming the first broken event
and exits 1. Exits 2 when the input cannot be read or the signatures cannot be checked.
"""

import argparse
import hashlib
import json
import sys
from pathlib import Path

# Version 2 added the reviews; a bundle of version 1 has none, and is read as having none.
# Version 3 added the area and the withheld records; earlier bundles withhold nothing.
FORMATS = ("prevent-audit-bundle/1", "prevent-audit-bundle/2", "prevent-audit-bundle/3")
GENESIS_HASH = "0" * 64
EVENT_FIELDS = (
    "seq",
    "created_at",
    "type",
    "actor",
    "agency",
    "target_type",
    "target_id",
    "payload",
    "prev_hash",
)
# A decision record has exactly the columns of its canonical version; a record without
# `canonical_version` is version 1 (decisions recorded before they named a source and scope).
DECISION_COLUMNS_V1 = (
    "id",
    "case_type",
    "case_id",
    "action",
    "disclosing_agency_id",
    "receiving_agency_id",
    "categories",
    "purpose",
    "legal_basis",
    "legal_basis_other",
    "schedule1_condition",
    "consent_status",
    "consent_reason",
    "justification",
    "decided_by_id",
    "decided_by_role",
    "decided_at",
    "expires_at",
    "supersedes_id",
)
DECISION_COLUMNS_BY_VERSION = {
    1: DECISION_COLUMNS_V1,
    2: (*DECISION_COLUMNS_V1, "source_agency_id", "scope", "canonical_version"),
}
# An auditor's review: every record has a canonical_version. Review events written before
# reviews were hashed carry no review_hash and name no record.
REVIEW_COLUMNS_BY_VERSION = {
    1: ("id", "decision_id", "reviewer_id", "finding", "note", "created_at", "canonical_version")
}
STATEMENT_FIELDS = ("size", "head_hash", "created_at", "key_id")
CHECKPOINT_KEYS = {*STATEMENT_FIELDS, "signature"}
DECISION_EVENT = "sharing_decision.recorded"
REVIEW_EVENT = "sharing_decision.reviewed"


class Unreadable(Exception):
    """The input is not a bundle, checkpoint or key this verifier can read."""


# The canonical form --------------------------------------------------------------------


def refuse_floats(value) -> None:
    if isinstance(value, float):
        raise ValueError("a float has no canonical form")
    if isinstance(value, dict):
        for item in value.values():
            refuse_floats(item)
    if isinstance(value, list):
        for item in value:
            refuse_floats(item)


def canonical_bytes(record: dict) -> bytes:
    """JSON with keys sorted at every level, no spaces, raw UTF-8 (docs/audit-chain.md)."""
    refuse_floats(record)
    text = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def event_hash(event: dict) -> str:
    return sha256_hex(canonical_bytes({field: event[field] for field in EVENT_FIELDS}))


def record_hash(record: dict, columns_by_version: dict, absent_version: int | None) -> str:
    """The hash of a record over exactly the columns of its canonical version; ValueError
    saying what is wrong when it has no canonical form."""
    version = record.get("canonical_version", absent_version)
    if version is None:
        raise ValueError("has no canonical version")
    columns = columns_by_version.get(version)
    if columns is None:
        raise ValueError(f"has canonical version {version}, which this verifier does not know")
    if set(record) != set(columns):
        raise ValueError(f"does not have exactly the fields of canonical version {version}")
    try:
        return sha256_hex(canonical_bytes(record))
    except ValueError as error:
        raise ValueError(f"is not canonical: {error}") from error


def decision_hash(record: dict) -> str:
    return record_hash(record, DECISION_COLUMNS_BY_VERSION, absent_version=1)


def review_hash(record: dict) -> str:
    return record_hash(record, REVIEW_COLUMNS_BY_VERSION, absent_version=None)


def key_id(public_key: bytes) -> str:
    return sha256_hex(public_key)[:16]


# Checks: each returns findings as (seq or None, what is wrong) -------------------------


def check_events(bundle: dict) -> tuple[list, dict[int, str]]:
    """Walk the events in order; stop at the first break, as everything after it is moot."""
    first, last = bundle["range"]["from"], bundle["range"]["to"]
    hashes: dict[int, str] = {}
    expected_seq = first
    prev_hash = GENESIS_HASH if first == 1 else None  # earlier links lie outside the bundle
    for event in bundle["events"]:
        seq = event.get("seq")
        if seq != expected_seq:
            return [(expected_seq, f"missing: the next event in the bundle is {seq}")], hashes
        missing = [field for field in (*EVENT_FIELDS, "hash") if field not in event]
        if missing:
            return [(seq, f"incomplete: it has no {', '.join(missing)}")], hashes
        if prev_hash is not None and event["prev_hash"] != prev_hash:
            return [(seq, "does not link to the event before it")], hashes
        try:
            recomputed = event_hash(event)
        except ValueError as error:
            return [(seq, f"not canonical: {error}")], hashes
        if recomputed != event["hash"]:
            return [(seq, "altered: its hash does not match its content")], hashes
        hashes[seq] = event["hash"]
        expected_seq, prev_hash = seq + 1, event["hash"]
    if expected_seq <= last:
        return [(expected_seq, f"missing: the bundle ends at event {expected_seq - 1}")], hashes
    return [], hashes


def check_records(*, what: str, records: list, withheld: list, recording: list, hash_of) -> list:
    """Each event in `recording` (seq, record id, hash it carries) has its record in the
    bundle, and the record hashes to what the event says, unless the record is withheld
    (another area's); no record and no withheld id is without its event."""
    findings = []
    by_id = {record["id"]: record for record in records}
    withheld = set(withheld)
    recorded = set()
    for seq, record_id, expected in recording:
        recorded.add(record_id)
        record = by_id.get(record_id)
        if record is not None and record_id in withheld:
            findings.append((seq, f"{what} {record_id} is both in the bundle and withheld"))
        if record is None:
            if record_id not in withheld:
                findings.append((seq, f"{what} {record_id} is missing from the bundle"))
            continue
        try:
            recomputed = hash_of(record)
        except ValueError as error:
            findings.append((seq, f"{what} {record_id} {error}"))
            continue
        if recomputed != expected:
            findings.append((seq, f"{what} {record_id} was altered after it was recorded"))
    findings.extend(
        (None, f"{what} {record_id} is in the bundle but no event in range records it")
        for record_id in by_id.keys() - recorded
    )
    findings.extend(
        (None, f"{what} {record_id} is withheld but no event in range records it")
        for record_id in sorted(withheld - recorded)
    )
    return findings


def check_decisions(bundle: dict) -> list:
    """Each decision event in range has its record, and the record hashes to what it says."""
    recording = [
        (event["seq"], event.get("target_id"), event["payload"].get("decision_hash"))
        for event in bundle["events"]
        if event.get("type") == DECISION_EVENT
    ]
    return check_records(
        what="decision",
        records=bundle["decisions"],
        withheld=bundle["withheld"]["decisions"],
        recording=recording,
        hash_of=decision_hash,
    )


def check_reviews(bundle: dict) -> list:
    """Each review event in range that carries a review_hash has its record, and the record
    hashes to it. Review events without one were written before reviews were hashed; they
    name the decision, not a review, and are checked as events only."""
    recording = [
        (event["seq"], event.get("target_id"), event["payload"]["review_hash"])
        for event in bundle["events"]
        if event.get("type") == REVIEW_EVENT and "review_hash" in event["payload"]
    ]
    return check_records(
        what="review",
        records=bundle["reviews"],
        withheld=bundle["withheld"]["reviews"],
        recording=recording,
        hash_of=review_hash,
    )


def signature_checker():
    """Return a function (public key, signature, message) -> bool, or None without support."""
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    except ImportError:
        return None

    def verify(public_key: bytes, signature: str, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(public_key).verify(bytes.fromhex(signature), message)
        except (InvalidSignature, ValueError):
            return False
        return True

    return verify


def check_checkpoints(bundle, checkpoints, trusted_keys, hashes, verify) -> list:
    """Signatures (unless verify is None), heads within the range, and sizes the chain lacks."""
    findings = []
    for statement in checkpoints:
        size = statement["size"]
        signed = canonical_bytes({field: statement[field] for field in STATEMENT_FIELDS})
        if verify is not None:
            key = trusted_keys.get(statement["key_id"])
            if key is None:
                findings.append(
                    (
                        size,
                        f"checkpoint at size {size} is signed by an untrusted key "
                        f"{statement['key_id']}",
                    )
                )
                continue
            if not verify(key, statement["signature"], signed):
                findings.append((size, f"checkpoint at size {size} has an invalid signature"))
                continue
        if size > bundle["chain_size"]:
            findings.append(
                (
                    bundle["chain_size"] + 1,
                    f"missing: the chain has {bundle['chain_size']} "
                    f"events but a checkpoint signed {size}",
                )
            )
        elif size in hashes and hashes[size] != statement["head_hash"]:
            findings.append((size, "differs from the signed checkpoint at this size"))
    return findings


# Reading the input ---------------------------------------------------------------------


def read_json(path: Path):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Unreadable(f"cannot read {path}: {error}") from error


def read_bundle(path: Path) -> dict:
    bundle = read_json(path)
    if not isinstance(bundle, dict) or bundle.get("format") not in FORMATS:
        raise Unreadable(f"{path} is not a bundle of a format this verifier reads: {FORMATS}")
    if bundle["format"] == "prevent-audit-bundle/1":
        bundle.setdefault("reviews", [])
    if bundle["format"] != "prevent-audit-bundle/3":
        # Nothing could be withheld before version 3: a list in an older bundle counts for none.
        bundle["withheld"] = {"decisions": [], "reviews": []}
    wanted = ("range", "chain_size", "events", "decisions", "reviews", "withheld", "checkpoints")
    absent = [key for key in (*wanted, "public_keys") if key not in bundle]
    if absent:
        raise Unreadable(f"{path} lacks {', '.join(absent)}")
    withheld = bundle["withheld"]
    if not isinstance(withheld, dict) or not all(
        isinstance(withheld.get(kind), list) and all(isinstance(i, str) for i in withheld[kind])
        for kind in ("decisions", "reviews")
    ):
        raise Unreadable(f"{path} does not list its withheld decisions and reviews by id")
    return bundle


def read_checkpoints(paths: list[Path]) -> list[dict]:
    statements = []
    for path in paths:
        for file in sorted(path.glob("checkpoint-*.json")) if path.is_dir() else [path]:
            statement = read_json(file)
            if not isinstance(statement, dict) or not statement.keys() >= CHECKPOINT_KEYS:
                raise Unreadable(f"{file} is not a checkpoint")
            statements.append(statement)
    return statements


def trusted_public_keys(bundle: dict, pinned: list[str]) -> dict[str, bytes]:
    """Key id -> raw key. Ids are recomputed from the keys, never taken from the bundle."""
    try:
        keys = [bytes.fromhex(key) for key in (pinned or bundle["public_keys"].values())]
    except ValueError as error:
        raise Unreadable(f"a public key is not hex: {error}") from error
    return {key_id(key): key for key in keys}


# Running it ----------------------------------------------------------------------------


def unique(checkpoints: list[dict]) -> list[dict]:
    """The same checkpoint may come both in the bundle and in a file the auditor kept."""
    return list({statement["signature"]: statement for statement in checkpoints}.values())


def say(line: str) -> None:
    print(line)  # noqa: T201 - what this script prints is its whole interface


def report(findings: list, bundle: dict, checkpoints_count: int, signatures_checked: bool):
    if not findings:
        first, last = bundle["range"]["from"], bundle["range"]["to"]
        line = (
            f"OK: events {first}..{last} verified, {len(bundle['decisions'])} decisions, "
            f"{len(bundle['reviews'])} reviews, {checkpoints_count} checkpoints"
        )
        say(line if signatures_checked else f"{line} (signatures NOT checked)")
        for kind in ("decisions", "reviews"):
            withheld = len(set(bundle["withheld"][kind]))
            if withheld:
                say(f"{withheld} {kind} withheld: another area's; not checked here")
        if any(bundle["withheld"].values()):
            area = bundle.get("area")
            name = area.get("name") if isinstance(area, dict) else None
            limited = f"This bundle is the {name} area's. " if name else ""
            say(f"{limited}The operator's full bundle (manage.py audit_export) checks them.")
        return 0

    def where(seq: int | None) -> str:
        return f"at event {seq}" if seq is not None else "in the bundle"

    located = [finding for finding in findings if finding[0] is not None]
    first_broken = min(located, key=lambda finding: finding[0]) if located else findings[0]
    say(f"BROKEN {where(first_broken[0])}: {first_broken[1]}")
    for seq, problem in findings:
        if (seq, problem) != first_broken:
            say(f"  also {where(seq)}: {problem}")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bundle", type=Path)
    parser.add_argument(
        "--checkpoint",
        type=Path,
        action="append",
        default=[],
        help="a checkpoint file (or folder of them) you kept; repeatable",
    )
    parser.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="HEX",
        help="a trusted Ed25519 public key, its raw 32 bytes as hex; repeatable",
    )
    parser.add_argument(
        "--no-signatures",
        action="store_true",
        help="check everything except the checkpoint signatures",
    )
    args = parser.parse_args(argv)
    try:
        bundle = read_bundle(args.bundle)
        checkpoints = unique(bundle["checkpoints"] + read_checkpoints(args.checkpoint))
        trusted_keys = trusted_public_keys(bundle, args.public_key)
    except Unreadable as error:
        say(f"Cannot verify: {error}")
        return 2
    verify = None
    if checkpoints and not args.no_signatures:
        verify = signature_checker()
        if verify is None:
            say(
                "Cannot verify: signatures were not checked, as the `cryptography` package is "
                "not installed. Install it, or pass --no-signatures to check everything else."
            )
            return 2
    try:
        event_findings, hashes = check_events(bundle)
        findings = (
            event_findings
            + check_decisions(bundle)
            + check_reviews(bundle)
            + check_checkpoints(bundle, checkpoints, trusted_keys, hashes, verify)
        )
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        say(f"Cannot verify: the bundle is malformed ({error!r})")
        return 2
    return report(findings, bundle, len(checkpoints), verify is not None or not checkpoints)


if __name__ == "__main__":
    sys.exit(main())
