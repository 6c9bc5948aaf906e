"""What auditors take away: CSV of sharing decisions, safe to open in a spreadsheet, and
the chain's verification bundle for the offline verifier. Each export is an audit event."""

import csv
import io
from collections.abc import Iterable
from itertools import islice

from audit.models import SharingDecision
from audit.record.bundles import AreaLimit, Bundle, bundle_export
from audit.selectors import case_references, decision_ids_for_auditor
from audit.services.decisions import export_recorded
from audit.vocabulary import Category, review_label, role_label
from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import Membership, User
from prevent_cases.policy import may_review_decisions

COLUMNS = (
    "decision id",
    "case reference",
    "decided at (UTC)",
    "decided by",
    "decided by username",
    "decided by role",
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
    "expires at (UTC)",
    "supersedes",
    "review outcome",
    "case type",
    "case id",
)

# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_TRIGGERS) else text


def _row(decision: SharingDecision, reference: str) -> list[str]:
    return [
        _safe(cell)
        for cell in (
            decision.id,
            reference,
            decision.decided_at.isoformat(),
            decision.decided_by.get_full_name(),
            decision.decided_by.username,
            role_label(decision.decided_by_role),
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
            decision.expires_at.isoformat() if decision.expires_at else "",
            decision.supersedes_id or "",
            review_label(decision.review_finding),
            decision.case_type,
            decision.case_id,
        )
    ]


# The case references of this many decisions are looked up at once.
BATCH = 500


def decisions_csv(decisions: Iterable[SharingDecision]) -> tuple[str, int]:
    """The CSV text (UTF-8 with a byte-order mark, for spreadsheet programs) and its row count.

    `decisions` come from the auditors' list selector, annotated with their latest review."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    rows = 0
    decisions = iter(decisions)
    while batch := list(islice(decisions, BATCH)):
        references = case_references((row.case_type, row.case_id) for row in batch)
        for decision in batch:
            writer.writerow(_row(decision, references.get(decision.case_id, "")))
        rows += len(batch)
    return buffer.getvalue(), rows


def verification_bundle_download(*, actor: User, membership: Membership | None) -> Bundle:
    """The whole chain as it stands, as a bundle for audit/offline_verifier.py, limited to
    the auditor's area: every event, but the records of decisions outside the area (as the
    auditor's decision list scopes them) and of their reviews withheld, named by id only.
    The download is recorded as the event after the bundle's last, so the bundle never
    changes under it."""
    if not may_review_decisions(membership):
        raise AccessDenied("Only auditors may export the audit chain (needs: auditor role).")
    area = membership.agency.area
    bundle = bundle_export(
        limit=AreaLimit(
            area_id=area.pk,
            area_name=area.name,
            decisions=decision_ids_for_auditor(membership=membership),
        )
    )
    export_recorded(
        actor=actor,
        membership=membership,
        export="verification_bundle",
        rows=bundle.last - bundle.first + 1,
        filters={"from": str(bundle.first), "to": str(bundle.last), "area": str(area.pk)},
        file_format="json",
    )
    return bundle
