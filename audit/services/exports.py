"""CSV of sharing decisions for auditors, safe to open in a spreadsheet."""

import csv
import io
from collections.abc import Iterable

from audit.models import SharingDecision
from audit.vocabulary import Category

COLUMNS = (
    "decision id",
    "decided at (UTC)",
    "action",
    "disclosing agency",
    "receiving agency",
    "whose information",
    "scope",
    "categories",
    "purpose",
    "legal basis",
    "legal basis (other)",
    "schedule 1 condition",
    "consent",
    "reason for sharing without consent",
    "necessity and proportionality",
    "decided by role",
    "expires at (UTC)",
    "supersedes",
    "case type",
    "case id",
)

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _row(decision: SharingDecision) -> list[str]:
    return [
        _safe(cell)
        for cell in (
            decision.id,
            decision.decided_at.isoformat(),
            decision.get_action_display(),
            decision.disclosing_agency.name,
            decision.receiving_agency.name,
            (decision.source_agency or decision.disclosing_agency).name,
            decision.scope or "whole case",
            "; ".join(Category(code).label for code in decision.categories),
            decision.purpose,
            decision.get_legal_basis_display(),
            decision.legal_basis_other,
            decision.get_schedule1_condition_display() if decision.schedule1_condition else "",
            decision.get_consent_status_display(),
            decision.consent_reason,
            decision.justification,
            decision.decided_by_role,
            decision.expires_at.isoformat() if decision.expires_at else "",
            decision.supersedes_id or "",
            decision.case_type,
            decision.case_id,
        )
    ]


def decisions_csv(decisions: Iterable[SharingDecision]) -> tuple[str, int]:
    """The CSV text (UTF-8 with a byte-order mark, for spreadsheet programs) and its row count."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    rows = 0
    for decision in decisions:
        writer.writerow(_row(decision))
        rows += 1
    return buffer.getvalue(), rows
