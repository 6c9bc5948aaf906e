"""Referral data laid out for pages: one section per category the viewer may see, with the
fields the case-data registry puts in it. No template names a category's fields itself."""

import uuid
from dataclasses import dataclass, field

from django.db import models

from audit.models import SharingDecision
from audit.vocabulary import Category
from prevent_cases.roles import Role
from referrals.models import Correction, Referral, Subject
from referrals.rules.case_data import fields_of
from referrals.rules.corrections import CORRECTABLE, label_of, shown_value
from referrals.selectors import VisibleReferral

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class Row:
    label: str
    value: str
    # The field's name where the viewer may correct it, else "".
    correctable: str = ""


@dataclass(frozen=True)
class CorrectionEntry:
    """One correction as the record's history shows it."""

    field: str
    correction: Correction
    # Who corrected it: by name to their own agency, else by role and agency (as the
    # timeline names those who act).
    by: str


@dataclass(frozen=True)
class Section:
    category: str
    title: str
    rows: list[Row]
    corrections: list[CorrectionEntry] = field(default_factory=list)


def _rows(row: models.Model, category: str, *, may_correct: bool = False) -> list[Row]:
    meta = type(row)._meta
    rows = []
    for name in fields_of(type(row), category):
        model_field = meta.get_field(name)
        rows.append(
            Row(
                label_of(model_field),
                shown_value(model_field, getattr(row, name)) or NOT_RECORDED,
                name if may_correct and name in CORRECTABLE else "",
            )
        )
    return rows


def _entry(correction: Correction, viewer_agency_id) -> CorrectionEntry:
    model = Subject if correction.record == Correction.Record.SUBJECT else Referral
    who = correction.corrected_by
    membership = getattr(who, "membership", None)
    by = f"{membership.get_role_display()}, {membership.agency}" if membership else ""
    if membership and membership.agency_id == viewer_agency_id:
        by = f"{who.get_full_name() or who.get_username()} ({by})"
    return CorrectionEntry(label_of(model._meta.get_field(correction.field)), correction, by)


def case_sections(
    shown: VisibleReferral,
    *,
    corrections: list[Correction] = (),
    may_correct: bool = False,
    viewer_agency_id=None,
) -> list[Section]:
    """The referral's own record, one section per category the viewer may see, each with
    the corrections made to it (oldest first)."""
    referral: Referral = shown.referral
    subject: Subject = referral.subject
    sections = []
    for category, title in Category.choices:
        if not shown.shows(category):
            continue
        rows = _rows(subject, category, may_correct=may_correct) + _rows(
            referral, category, may_correct=may_correct
        )
        if rows:
            sections.append(
                Section(
                    category,
                    str(title),
                    rows,
                    [
                        _entry(correction, viewer_agency_id)
                        for correction in corrections
                        if correction.category == category
                    ],
                )
            )
    return sections


def person_name(shown: VisibleReferral) -> str:
    """Who the referral is about, as one line, where the viewer may see identity."""
    if not shown.shows(Category.IDENTITY):
        return ""
    subject = shown.referral.subject
    return f"{subject.given_names} {subject.family_name}".strip()


def outcome_summary(shown: VisibleReferral) -> str:
    """How screening ended, where the viewer may see screening: "Closed" alone does not say
    whether the person was signposted, left to the police or needed nothing further."""
    referral = shown.referral
    if not (shown.shows(Category.SCREENING) and referral.outcome):
        return ""
    summary = referral.get_outcome_display()
    if referral.signposted_to:
        summary += f": {referral.get_signposted_to_display().lower()}"
    return summary


@dataclass(frozen=True)
class ReceivedShare:
    """One decision that gave the viewer's agency part of this case: what, why, who gave
    it and how to reach them, and until when."""

    decision: SharingDecision
    categories: list[str]
    # When the access it gives ends; None: until the decision is revoked.
    ends_at: object
    # The role of who decided, as the timeline names those who act (not by name).
    decided_by: str


def _role_label(code: str) -> str:
    return str(Role(code).label) if code in Role.values else code.replace("_", " ").capitalize()


def received_shares(
    shown: VisibleReferral, *, decisions: list[SharingDecision], agency_id: uuid.UUID
) -> list[ReceivedShare]:
    """The live shares behind what the viewer's agency holds of this case, from its live
    grants (which carry the expiry that applies, including the end of a share an onward
    one rests on)."""
    by_id = {decision.pk: decision for decision in decisions}
    grants: dict[uuid.UUID, list] = {}
    for grant in getattr(shown.referral, "live_grants_for_viewer", []):
        grants.setdefault(grant.decision_id, []).append(grant)
    shares = []
    for decision_id, rows in grants.items():
        decision = by_id.get(decision_id)
        if decision is None or decision.receiving_agency_id != agency_id:
            continue
        expiries = [row.expires_at for row in rows if row.expires_at is not None]
        shares.append(_received(decision, ends_at=min(expiries) if expiries else None))
    return sorted(shares, key=lambda share: (share.decision.decided_at, share.decision.pk))


def _received(decision: SharingDecision, *, ends_at) -> ReceivedShare:
    labels = dict(Category.choices)
    return ReceivedShare(
        decision,
        [str(labels[category]) for category in Category.values if category in decision.categories],
        ends_at,
        _role_label(decision.decided_by_role),
    )


@dataclass(frozen=True)
class SharedCase:
    """One row of an agency's list of cases shared with it: the case as the agency may see
    it (None where it holds nothing of the referral's record itself) and every share of it
    the agency holds, oldest first."""

    case_id: uuid.UUID
    reference: str
    shown: VisibleReferral | None
    shares: list[ReceivedShare]

    @property
    def name(self) -> str:
        return person_name(self.shown) if self.shown else ""

    @property
    def categories(self) -> list[str]:
        held = {label for share in self.shares for label in share.categories}
        return [str(label) for label in Category.labels if str(label) in held]

    @property
    def given_by(self) -> list[str]:
        return list(
            dict.fromkeys(
                f"{share.decision.disclosing_agency.name} ({share.decided_by})"
                for share in self.shares
            )
        )

    @property
    def last_shared(self):
        return self.shares[-1].decision.decided_at

    @property
    def ends_at(self):
        """When the first part of what the agency holds stops being shared, or None."""
        ends = [share.ends_at for share in self.shares if share.ends_at is not None]
        return min(ends) if ends else None

    @property
    def ends_in_part(self) -> bool:
        """Whether something is still shared after `ends_at`."""
        return any(share.ends_at != self.ends_at for share in self.shares)


def shared_cases(
    case_ids: list[uuid.UUID],
    *,
    shares: list[SharingDecision],
    shown_by_id: dict[uuid.UUID, VisibleReferral],
) -> list[SharedCase]:
    """One row per case, in the order of `case_ids`, from every share of those cases the
    agency holds (`shares_received_on`, oldest first, each annotated `access_ends`)."""
    by_case: dict[uuid.UUID, list[ReceivedShare]] = {case_id: [] for case_id in case_ids}
    for decision in shares:
        by_case[decision.case_id].append(_received(decision, ends_at=decision.access_ends))
    rows = []
    for case_id, received in by_case.items():
        shown = shown_by_id.get(case_id)
        reference = shown.referral.reference if shown else ""
        rows.append(SharedCase(case_id=case_id, reference=reference, shown=shown, shares=received))
    return rows
