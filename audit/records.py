"""The canonical record of a sharing decision, whose hash its audit event carries.

The record's columns depend on its canonical version: version 1 (decisions recorded before
provenance was kept) has no source, scope or version; version 2 adds them. A decision's
hash is always taken over the columns of its own version, so older chains still verify.
"""

from typing import Any

from audit.canonical import canonical_bytes, sha256_hex
from audit.models import SharingDecision

# Every column of a decision row, in the names the canonical form uses. Verification
# reads these columns as tuples, in this order, without building model instances.
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


def decision_record(values: tuple[Any, ...]) -> dict[str, Any]:
    """The canonical record of a row read as DECISION_COLUMNS: its own version's columns.

    A row that claims a version there is none of keeps every column, so its hash matches no
    event and verification reports it as altered.
    """
    row = dict(zip(DECISION_COLUMNS, values, strict=True))
    columns = DECISION_COLUMNS_BY_VERSION.get(row["canonical_version"], DECISION_COLUMNS)
    return {column: row[column] for column in columns}


def decision_hash_from_values(values: tuple[Any, ...]) -> str:
    """The hash of a row read as DECISION_COLUMNS, over the columns of its own version."""
    return sha256_hex(canonical_bytes(decision_record(values)))


def decision_hash(decision: SharingDecision) -> str:
    """SHA-256 of the decision row's canonical form."""
    return decision_hash_from_values(
        tuple(getattr(decision, column) for column in DECISION_COLUMNS)
    )
