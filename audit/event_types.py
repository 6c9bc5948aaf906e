"""Every kind of audit event, and the payload keys each may carry.

Payloads hold identifiers, codes and counts only: never a name, a date of birth or free
text. The registry is checked at write time, so a new key needs a line here first.
"""

from django.core.exceptions import ImproperlyConfigured
from django.db import models


class EventType(models.TextChoices):
    SIGN_IN = "auth.sign_in", "Signed in"
    SIGN_IN_FAILED = "auth.sign_in_failed", "Failed sign-in"
    SIGN_OUT = "auth.sign_out", "Signed out"
    REFERRAL_CREATED = "referral.created", "Referral created"
    REFERRAL_TRANSITIONED = "referral.transitioned", "Referral status changed"
    REFERRAL_SCREENED = "referral.screened", "Screening outcome recorded"
    PANEL_CASE_STAGE_CHANGED = "panel_case.stage_changed", "Panel case stage changed"
    PANEL_DECISION = "panel.decision", "Panel decision recorded"
    SHARING_DECISION_RECORDED = "sharing_decision.recorded", "Sharing decision recorded"
    DECISION_REVIEWED = "sharing_decision.reviewed", "Sharing decision reviewed by an auditor"
    CASE_VIEWED = "case.viewed", "Case viewed"
    EXPORT_PRODUCED = "export.produced", "Export produced"
    GRANTS_REBUILT = "grants.rebuilt", "Access grants rebuilt"
    VERIFICATION_RUN_FINISHED = "verification_run.finished", "Chain verification finished"


PAYLOAD_KEYS: dict[str, frozenset[str]] = {
    # A failed sign-in stores a keyed hash of the typed username, never the text itself.
    EventType.SIGN_IN: frozenset(),
    EventType.SIGN_IN_FAILED: frozenset({"username_hmac"}),
    EventType.SIGN_OUT: frozenset(),
    EventType.REFERRAL_CREATED: frozenset({"reference", "area", "subject", "linked_subject"}),
    EventType.REFERRAL_TRANSITIONED: frozenset({"from", "to", "event"}),
    EventType.REFERRAL_SCREENED: frozenset({"outcome", "deconfliction", "signposted_to"}),
    EventType.PANEL_CASE_STAGE_CHANGED: frozenset({"referral", "from", "to", "event"}),
    EventType.PANEL_DECISION: frozenset({"referral", "decision", "outcome"}),
    EventType.SHARING_DECISION_RECORDED: frozenset(
        {
            "decision_hash",
            "action",
            "case_type",
            "case_id",
            "receiving_agency",
            "source_agency",
            "scope",
            "categories",
            "legal_basis",
            "consent_status",
            "supersedes",
        }
    ),
    # Reviews recorded before reviews were hashed carry only the decision and the finding.
    EventType.DECISION_REVIEWED: frozenset({"decision", "finding", "review_hash"}),
    EventType.CASE_VIEWED: frozenset({"categories", "via"}),
    EventType.EXPORT_PRODUCED: frozenset({"export", "rows", "filters", "format"}),
    EventType.GRANTS_REBUILT: frozenset({"added", "removed", "unchanged"}),
    EventType.VERIFICATION_RUN_FINISHED: frozenset({"status", "result_hash"}),
}

if set(PAYLOAD_KEYS) != set(EventType.values):
    raise ImproperlyConfigured("every audit event type needs its payload keys declared")
