"""The canonical records whose hashes events carry: a sharing decision, an auditor's review
and the result of a finished verification run (docs/audit-chain.md).

A record's columns depend on its canonical version, which each row keeps. A hash is always
taken over the columns of the row's own version, so a later change of columns leaves older
chains verifiable. Verification reads each table's columns as tuples, in the order given
here, without building model instances.
"""

from typing import Any

from audit.models import DecisionReview, SharingDecision, VerificationRun
from audit.record.canonical import canonical_bytes, sha256_hex

# Decisions. Version 1: decisions recorded before provenance was kept, with no source, scope
# or version; version 2 adds them.
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
DECISION_COLUMNS_V2 = (*DECISION_COLUMNS_V1, "source_agency_id", "scope", "canonical_version")
DECISION_COLUMNS_BY_VERSION = {1: DECISION_COLUMNS_V1, 2: DECISION_COLUMNS_V2}
# What verification reads: every column any version needs, the version last.
DECISION_COLUMNS = DECISION_COLUMNS_V2

# Reviews. Reviews recorded before reviews were hashed have no version (null) and no record.
REVIEW_COLUMNS = (
    "id",
    "decision_id",
    "reviewer_id",
    "finding",
    "note",
    "created_at",
    "canonical_version",
)
REVIEW_COLUMNS_BY_VERSION = {1: REVIEW_COLUMNS}
REVIEW_VERSION = 1  # what new reviews are hashed over

# Finished verification runs. Runs that finished before results were hashed have no version.
RUN_RESULT_COLUMNS = (
    "id",
    "requested_by_id",
    "requested_at",
    "finished_at",
    "status",
    "events_checked",
    "decisions_checked",
    "checkpoints_checked",
    "head_hash",
    "findings",
    "canonical_version",
)
RUN_RESULT_COLUMNS_BY_VERSION = {1: RUN_RESULT_COLUMNS}
RUN_RESULT_VERSION = 1  # what results of runs finishing now are hashed over


def _record(
    values: tuple[Any, ...], read: tuple[str, ...], by_version: dict[int, tuple[str, ...]]
) -> dict[str, Any]:
    # A row that claims a version there is none of keeps every column, so its hash matches
    # no event and verification reports it as altered.
    row = dict(zip(read, values, strict=True))
    columns = by_version.get(row["canonical_version"], read)
    return {column: row[column] for column in columns}


def _hash(record: dict[str, Any]) -> str:
    return sha256_hex(canonical_bytes(record))


def decision_record(values: tuple[Any, ...]) -> dict[str, Any]:
    """The canonical record of a row read as DECISION_COLUMNS: its own version's columns."""
    return _record(values, DECISION_COLUMNS, DECISION_COLUMNS_BY_VERSION)


def decision_hash_from_values(values: tuple[Any, ...]) -> str:
    """The hash of a row read as DECISION_COLUMNS, over the columns of its own version."""
    return _hash(decision_record(values))


def decision_hash(decision: SharingDecision) -> str:
    """SHA-256 of the decision row's canonical form."""
    return decision_hash_from_values(
        tuple(getattr(decision, column) for column in DECISION_COLUMNS)
    )


def review_record(values: tuple[Any, ...]) -> dict[str, Any]:
    """The canonical record of a review read as REVIEW_COLUMNS."""
    return _record(values, REVIEW_COLUMNS, REVIEW_COLUMNS_BY_VERSION)


def review_hash_from_values(values: tuple[Any, ...]) -> str:
    """The hash of a review read as REVIEW_COLUMNS, over the columns of its own version."""
    return _hash(review_record(values))


def review_hash(review: DecisionReview) -> str:
    """SHA-256 of the review row's canonical form."""
    return review_hash_from_values(tuple(getattr(review, column) for column in REVIEW_COLUMNS))


def run_result_hash_from_values(values: tuple[Any, ...]) -> str:
    """The hash of a finished run read as RUN_RESULT_COLUMNS."""
    return _hash(_record(values, RUN_RESULT_COLUMNS, RUN_RESULT_COLUMNS_BY_VERSION))


def run_result_hash(run: VerificationRun) -> str:
    """SHA-256 of a finished verification run's result, in canonical form."""
    return run_result_hash_from_values(tuple(getattr(run, column) for column in RUN_RESULT_COLUMNS))
