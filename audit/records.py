"""The canonical record of a sharing decision, whose hash its audit event carries."""

from typing import Any

from audit.canonical import canonical_bytes, sha256_hex
from audit.models import SharingDecision

# Every column of a decision row, in the names the canonical form uses. Verification
# reads these columns as tuples, in this order, without building model instances.
DECISION_COLUMNS = (
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


def decision_hash_from_values(values: tuple[Any, ...]) -> str:
    return sha256_hex(canonical_bytes(dict(zip(DECISION_COLUMNS, values, strict=True))))


def decision_hash(decision: SharingDecision) -> str:
    """SHA-256 of the decision row's canonical form."""
    return decision_hash_from_values(
        tuple(getattr(decision, column) for column in DECISION_COLUMNS)
    )
