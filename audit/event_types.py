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
    REFERRAL_CORRECTED = "referral.corrected", "Referral record corrected by its owning force"
    REFERRAL_RESPONSIBILITY_CHANGED = (
        "referral.responsibility_changed",
        "Responsible panel changed",
    )
    PANEL_CASE_OPENED = "panel_case.opened", "Referral accepted as a panel case"
    PANEL_CASE_STAGE_CHANGED = "panel_case.stage_changed", "Panel case stage changed"
    PANEL_DECISION = "panel.decision", "Panel decision recorded"
    PANEL_MEMBER_ADDED = "panel_case.member_added", "Agency added to the panel for a case"
    INFORMATION_REQUESTED = "information_request.sent", "Information requested from a partner"
    INFORMATION_REQUEST_ANSWERED = "information_request.answered", "Information request answered"
    CONTRIBUTION_RECORDED = "contribution.recorded", "Partner information recorded"
    MEETING_SCHEDULED = "meeting.scheduled", "Panel meeting scheduled"
    MEETING_ATTENDANCE_RECORDED = "meeting.attendance_recorded", "Meeting attendance recorded"
    AGENDA_BUILT = "meeting.agenda_built", "Meeting agenda built"
    PAPERS_CONFIRMED = "meeting.papers_confirmed", "Meeting papers' sharing confirmed"
    MEETING_CLOSED = "meeting.closed", "Meeting closed"
    PANEL_ACTION_SET = "panel_action.set", "Panel action set"
    PANEL_ACTION_DONE = "panel_action.done", "Panel action completed"
    ASSESSMENT_STARTED = "assessment.started", "Vulnerability assessment started"
    ASSESSMENT_ENTRY_RECORDED = "assessment.entry_recorded", "Assessment entry recorded"
    ASSESSMENT_AGREED = "assessment.agreed", "Vulnerability assessment agreed"
    ASSESSMENT_FRAMEWORK_LOADED = "assessment_framework.loaded", "Assessment framework loaded"
    CONSENT_RECORDED = "consent.recorded", "Consent recorded"
    SUPPORT_PLAN_RECORDED = "support_plan.recorded", "Support plan recorded"
    INTERVENTION_ASSIGNED = "intervention.assigned", "Intervention assigned"
    INTERVENTION_STATUS_CHANGED = (
        "intervention.status_changed",
        "Intervention accepted, declined or its status changed",
    )
    PROGRESS_RECORDED = "intervention.progress_recorded", "Intervention progress recorded"
    CONCERN_REVIEWED = "intervention.concern_reviewed", "Practitioner's concern considered"
    INTERVENTION_ACCESS_ENDED = (
        "intervention.access_ended",
        "Delivering agency's access to a finished intervention ended",
    )
    POST_EXIT_REVIEW_RECORDED = "post_exit_review.recorded", "Post-exit review recorded"
    POST_EXIT_REVIEWS_EXTENDED = "post_exit_review.extended", "Post-exit reviews extended"
    REMINDER_SENT = "reminder.sent", "Reminder sent"
    SHARING_DECISION_RECORDED = "sharing_decision.recorded", "Sharing decision recorded"
    DECISION_REVIEWED = "sharing_decision.reviewed", "Sharing decision reviewed by an auditor"
    CASE_VIEWED = "case.viewed", "Case viewed"
    CASES_LISTED = "case.listed", "Cases listed"
    EXPORT_PRODUCED = "export.produced", "Export produced"
    GRANTS_REBUILT = "grants.rebuilt", "Access grants rebuilt"
    AREA_CHANGED = "area.changed", "Area changed by an administrator"
    AGENCY_CREATED = "agency.created", "Agency created by an administrator"
    AGENCY_CHANGED = "agency.changed", "Agency changed by an administrator"
    USER_CREATED = "user.created", "User created by an administrator"
    USER_CHANGED = "user.changed", "User's details changed by an administrator"
    USER_PASSWORD_SET = "user.password_set", "User's password set by an administrator"
    USER_INVITED = "user.invited", "User sent a link to set their password by an administrator"
    USER_PASSWORD_CHOSEN = "user.password_chosen", "User set their password from an invitation"
    USER_ACTIVATED = "user.activated", "User activated by an administrator"
    USER_DEACTIVATED = "user.deactivated", "User deactivated by an administrator"
    MEMBERSHIP_CREATED = "membership.created", "User joined to an agency by an administrator"
    MEMBERSHIP_CHANGED = "membership.changed", "Membership changed by an administrator"
    MEMBERSHIP_ACTIVATED = "membership.activated", "Membership activated by an administrator"
    MEMBERSHIP_DEACTIVATED = "membership.deactivated", "Membership deactivated by an administrator"
    VERIFICATION_RUN_FINISHED = "verification_run.finished", "Chain verification finished"


PAYLOAD_KEYS: dict[str, frozenset[str]] = {
    # A failed sign-in stores a keyed hash of the typed username, never the text itself.
    EventType.SIGN_IN: frozenset(),
    EventType.SIGN_IN_FAILED: frozenset({"username_hmac"}),
    EventType.SIGN_OUT: frozenset(),
    EventType.REFERRAL_CREATED: frozenset({"reference", "area", "subject", "linked_subject"}),
    EventType.REFERRAL_TRANSITIONED: frozenset({"from", "to", "event"}),
    EventType.REFERRAL_SCREENED: frozenset({"outcome", "deconfliction", "signposted_to"}),
    EventType.REFERRAL_RESPONSIBILITY_CHANGED: frozenset({"from_agency", "to_agency", "reason"}),
    # Which field was corrected, never its old or new value.
    EventType.REFERRAL_CORRECTED: frozenset({"correction", "field"}),
    EventType.PANEL_CASE_OPENED: frozenset({"panel", "panel_case", "previous_case"}),
    EventType.PANEL_CASE_STAGE_CHANGED: frozenset({"panel_case", "from", "to", "event", "outcome"}),
    EventType.PANEL_DECISION: frozenset(
        {"panel_case", "meeting", "decision", "method", "votes_for", "votes_against"}
    ),
    EventType.PANEL_MEMBER_ADDED: frozenset({"panel_case", "member_agency"}),
    EventType.INFORMATION_REQUESTED: frozenset(
        {"panel_case", "request", "to_agency", "categories", "due_on"}
    ),
    EventType.INFORMATION_REQUEST_ANSWERED: frozenset({"request", "status", "decision"}),
    EventType.CONTRIBUTION_RECORDED: frozenset({"contribution", "category", "request"}),
    EventType.MEETING_SCHEDULED: frozenset({"panel", "starts_at"}),
    EventType.MEETING_ATTENDANCE_RECORDED: frozenset({"present", "apologies"}),
    EventType.AGENDA_BUILT: frozenset({"cases"}),
    EventType.PAPERS_CONFIRMED: frozenset({"decisions", "cases"}),
    EventType.MEETING_CLOSED: frozenset({"decided", "undecided"}),
    EventType.PANEL_ACTION_SET: frozenset({"panel_case", "action", "owner_agency", "due_on"}),
    EventType.PANEL_ACTION_DONE: frozenset({"action"}),
    EventType.ASSESSMENT_STARTED: frozenset({"panel_case", "assessment", "framework", "number"}),
    EventType.ASSESSMENT_ENTRY_RECORDED: frozenset({"assessment", "factor", "rating"}),
    EventType.ASSESSMENT_AGREED: frozenset({"assessment", "number"}),
    EventType.ASSESSMENT_FRAMEWORK_LOADED: frozenset({"framework", "factors"}),
    EventType.CONSENT_RECORDED: frozenset({"panel_case", "consent", "decision", "given_by"}),
    EventType.SUPPORT_PLAN_RECORDED: frozenset({"panel_case", "plan", "interventions"}),
    EventType.INTERVENTION_ASSIGNED: frozenset(
        {"panel_case", "intervention", "delivering_agency", "type"}
    ),
    EventType.INTERVENTION_STATUS_CHANGED: frozenset(
        {"intervention", "event", "from_status", "to_status", "decision"}
    ),
    EventType.PROGRESS_RECORDED: frozenset(
        {"intervention", "entry", "corrects", "attended", "concern", "goals"}
    ),
    EventType.CONCERN_REVIEWED: frozenset({"intervention", "entry"}),
    EventType.INTERVENTION_ACCESS_ENDED: frozenset({"intervention", "agency", "decisions"}),
    EventType.POST_EXIT_REVIEW_RECORDED: frozenset({"panel_case", "review", "months", "outcome"}),
    EventType.POST_EXIT_REVIEWS_EXTENDED: frozenset({"panel_case", "months"}),
    EventType.REMINDER_SENT: frozenset({"kind", "subject", "due_on", "recipients"}),
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
    EventType.CASE_VIEWED: frozenset({"categories", "sources", "via"}),
    EventType.CASES_LISTED: frozenset({"cases", "via"}),
    EventType.EXPORT_PRODUCED: frozenset({"export", "rows", "filters", "format"}),
    EventType.GRANTS_REBUILT: frozenset({"added", "removed", "unchanged"}),
    # Administration names what changed by field name and code, never by the value typed:
    # names, usernames, emails and passwords stay out of the chain.
    EventType.AREA_CHANGED: frozenset({"fields", "panel_agency"}),
    EventType.AGENCY_CREATED: frozenset({"area", "kind"}),
    EventType.AGENCY_CHANGED: frozenset({"fields", "is_active"}),
    EventType.USER_CREATED: frozenset({"has_password"}),
    EventType.USER_CHANGED: frozenset({"fields"}),
    EventType.USER_PASSWORD_SET: frozenset({"has_password"}),
    # Whether an earlier invitation was replaced; the address it went to stays out.
    EventType.USER_INVITED: frozenset({"resent"}),
    EventType.USER_PASSWORD_CHOSEN: frozenset(),
    EventType.USER_ACTIVATED: frozenset(),
    EventType.USER_DEACTIVATED: frozenset(),
    EventType.MEMBERSHIP_CREATED: frozenset({"user", "agency", "role"}),
    EventType.MEMBERSHIP_CHANGED: frozenset(
        {"user", "old_agency", "new_agency", "old_role", "new_role"}
    ),
    EventType.MEMBERSHIP_ACTIVATED: frozenset({"user", "agency"}),
    EventType.MEMBERSHIP_DEACTIVATED: frozenset({"user", "agency"}),
    # Reviews recorded before reviews were hashed carry only the decision and the finding.
    EventType.DECISION_REVIEWED: frozenset({"decision", "finding", "review_hash"}),
    EventType.VERIFICATION_RUN_FINISHED: frozenset({"status", "result_hash"}),
}

if set(PAYLOAD_KEYS) != set(EventType.values):
    raise ImproperlyConfigured("every audit event type needs its payload keys declared")
