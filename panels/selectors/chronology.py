"""One chronology of a panel case: what happened to the referral, what the panel did and
decided, and how each intervention went, in time order, each entry only as far as the
viewer may see it.

Every entry names whose information it is (category, source agency, scope) and is shown
only if the viewer may see that item (VisiblePanelCase.sees). An entry whose title rests
only on fields the registry calls framing (that something happened, by which agency,
when) is shown to anyone who may see the case, without its text unless the viewer may
see that too; any other entry is left out altogether. The chronology is read in a fixed
number of queries however many entries the case has.
"""

import datetime
from dataclasses import dataclass, replace
from enum import StrEnum

from django.db import models
from django.utils import timezone

from audit.vocabulary import Category
from panels.models import (
    AgendaItem,
    ConcernReview,
    Consent,
    Intervention,
    InterventionStatusChange,
    PanelCase,
    ProgressEntry,
    StageMove,
    SupportPlan,
)
from panels.models.vocabulary import DeliveryEvent
from panels.rules.stages import StageEvent
from panels.selectors.cases import VisiblePanelCase
from prevent_cases.models import Agency
from prevent_cases.policy import WHOLE_CASE
from referrals.models import Referral, ReferralResponsibility, ReferralStatus, ReferralTransition
from referrals.rules.case_data import entry as registry_entry


class Kind(StrEnum):
    REFERRAL = "referral"
    PANEL = "panel"
    INTERVENTION = "intervention"


KIND_LABELS = {
    Kind.REFERRAL: "The referral",
    Kind.PANEL: "The panel",
    Kind.INTERVENTION: "Interventions",
}

# What the delivering agency did, in the past tense, by status-table event.
DELIVERY_DONE = {
    DeliveryEvent.ACCEPT: "accepted the assignment",
    DeliveryEvent.DECLINE: "declined the assignment",
    DeliveryEvent.PAUSE: "paused",
    DeliveryEvent.RESUME: "resumed",
    DeliveryEvent.COMPLETE: "completed",
    DeliveryEvent.WITHDRAW: "withdrew",
}
STAGE_EVENTS = dict(StageEvent.choices)


@dataclass(frozen=True)
class ChronologyEntry:
    at: datetime.datetime
    kind: str
    # The event code of the row (a status-table or stage event, a status), for clients.
    event: str
    title: str
    # The entry's own text (reasons, notes, minutes); None where the viewer may not see it
    # or the entry has none.
    detail: str | None
    # Whose information the entry is: "" for an entry made only of framing.
    category: str
    source_agency: Agency
    scope: str
    # The agency that acted, where it is known.
    acting_agency: Agency | None
    # Only the day is known (the day a referral was received).
    day_only: bool = False
    concern: bool = False
    correction: bool = False

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]

    def involves(self, agency_id) -> bool:
        """Whether the agency acted, or the entry is its information."""
        acting = self.acting_agency.pk if self.acting_agency else None
        return agency_id in (acting, self.source_agency.pk)


@dataclass(frozen=True)
class Chronology:
    entries: list[ChronologyEntry]
    # Agencies that acted in, or are the source of, an entry the viewer may see: what the
    # agency filter offers.
    agencies: list[Agency]

    def filtered(self, *, agency_id=None, kind: str = "") -> list[ChronologyEntry]:
        """With `agency_id`, only the entries that agency acted in or whose information
        they are; with `kind`, only the referral's, the panel's or the interventions'."""
        return [
            entry
            for entry in self.entries
            if (agency_id is None or entry.involves(agency_id)) and (not kind or entry.kind == kind)
        ]


def _framing(model: type[models.Model], *fields: str) -> bool:
    """Whether the registry calls every one of these fields of `model` framing."""
    return set(fields) <= set(registry_entry(model).framing)


class _Builder:
    """Collects entries, keeping each only as far as the viewer may see it."""

    def __init__(self, case: VisiblePanelCase) -> None:
        self.case = case
        self.entries: list[ChronologyEntry] = []

    def add(self, entry: ChronologyEntry, *, framing: bool) -> None:
        """Keep the entry whole if the viewer sees its item; without its text if its title
        is framing alone (as is an entry with no category); otherwise not at all."""
        sees = bool(entry.category) and self.case.sees(
            entry.category, entry.source_agency.pk, entry.scope
        )
        if sees:
            self.entries.append(entry)
        elif framing:
            self.entries.append(replace(entry, detail=None))

    def sees_intervention(self, intervention: Intervention) -> bool:
        return self.case.sees(Category.SUPPORT, intervention.source_agency_id, intervention.scope)


def _day(day: datetime.date) -> str:
    return f"{day.day} {day:%B %Y}"


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _agency_of(user) -> Agency | None:
    membership = getattr(user, "membership", None)
    return membership.agency if membership else None


def _referral_events(build: _Builder, referral: Referral) -> None:
    owner = referral.owning_agency
    build.add(
        ChronologyEntry(
            at=_start_of(referral.received_on),
            kind=Kind.REFERRAL,
            event=ReferralStatus.RECEIVED,
            title=f"Referral received by {owner}",
            detail=None,
            category="",
            source_agency=owner,
            scope=WHOLE_CASE,
            acting_agency=owner,
            day_only=True,
        ),
        framing=_framing(Referral, "received_on", "owning_agency"),
    )
    (reason_category,) = registry_entry(ReferralTransition).categories
    steps = ReferralTransition.objects.filter(referral=referral).select_related(
        "actor__membership__agency"
    )
    for step in steps.order_by("created_at", "id"):
        build.add(
            ChronologyEntry(
                at=step.created_at,
                kind=Kind.REFERRAL,
                event=step.to_status,
                title=f"Referral: {ReferralStatus(step.to_status).label.lower()}",
                detail=step.reason or None,
                # A step's reasons are the screening's record, the owning force's.
                category=reason_category,
                source_agency=owner,
                scope=WHOLE_CASE,
                acting_agency=_agency_of(step.actor),
            ),
            framing=_framing(ReferralTransition, "to_status", "created_at"),
        )
    changes = ReferralResponsibility.objects.filter(referral=referral).select_related(
        "agency", "changed_by__membership__agency"
    )
    for change in changes.order_by("created_at", "id"):
        build.add(
            ChronologyEntry(
                at=change.created_at,
                kind=Kind.REFERRAL,
                event=change.reason,
                title=f"{change.get_reason_display()}: {change.agency} responsible",
                detail=None,
                category="",
                source_agency=owner,
                scope=WHOLE_CASE,
                acting_agency=_agency_of(change.changed_by),
            ),
            framing=_framing(ReferralResponsibility, "agency", "reason", "created_at"),
        )


def _panel_record(
    source: Agency, *, at, event: str, title: str, detail, category: str
) -> ChronologyEntry:
    """An entry for what the panel recorded: its own information about the whole case."""
    return ChronologyEntry(
        at=at,
        kind=Kind.PANEL,
        event=event,
        title=title,
        detail=detail,
        category=category,
        source_agency=source,
        scope=WHOLE_CASE,
        acting_agency=source,
    )


def _panel_events(build: _Builder, panel_case: PanelCase) -> None:
    panel = panel_case.source_agency
    build.add(
        _panel_record(
            panel,
            at=panel_case.created_at,
            event="accepted",
            title="Accepted by the panel, at identification",
            detail=None,
            category=Category.PANEL,
        ),
        framing=_framing(PanelCase, "created_at"),
    )
    moves = StageMove.objects.filter(panel_case=panel_case).select_related("source_agency")
    for move in moves.order_by("created_at", "id"):
        build.add(
            _panel_record(
                move.source_agency,
                at=move.created_at,
                event=move.event,
                title=f"Stage: {move.get_from_stage_display()} to {move.get_to_stage_display()}",
                detail=move.rationale,
                category=Category.PANEL,
            ),
            framing=_framing(StageMove, "from_stage", "to_stage", "created_at"),
        )
    decided = AgendaItem.objects.filter(
        panel_case=panel_case, decided_at__isnull=False
    ).select_related("meeting", "source_agency")
    for item in decided.order_by("decided_at", "id"):
        event = STAGE_EVENTS.get(item.decision_event, item.decision_event)
        held_on = _day(timezone.localdate(item.meeting.starts_at))
        build.add(
            _panel_record(
                item.source_agency,
                at=item.decided_at,
                event=item.decision_event,
                title=(
                    f"Decided at the meeting of {held_on}: {event} "
                    f"({item.get_decision_method_display().lower()})"
                ),
                detail=item.minutes or None,
                category=Category.PANEL,
            ),
            framing=_framing(AgendaItem, "decided_at", "decision_event", "decision_method"),
        )
    consents = Consent.objects.filter(panel_case=panel_case).select_related("source_agency")
    for consent in consents.order_by("created_at", "id"):
        build.add(
            _panel_record(
                consent.source_agency,
                at=consent.created_at,
                event=consent.decision,
                title=(
                    f"Consent {consent.get_decision_display().lower()} by the "
                    f"{consent.get_given_by_display().lower()}"
                ),
                detail=consent.note or None,
                category=Category.SUPPORT,
            ),
            framing=_framing(Consent, "decision", "given_by", "created_at"),
        )
    plans = SupportPlan.objects.filter(panel_case=panel_case).select_related("source_agency")
    for plan in plans.order_by("created_at", "id"):
        build.add(
            _panel_record(
                plan.source_agency,
                at=plan.created_at,
                event="plan_recorded",
                title="Support plan recorded",
                detail=plan.support_summary,
                category=Category.SUPPORT,
            ),
            framing=_framing(SupportPlan, "created_at"),
        )


def _what(build: _Builder, intervention: Intervention, source: Agency) -> str:
    """The intervention named as far as the viewer may see it: its type is the panel's
    record, its delivering agency's own entries say only whose they are."""
    if build.sees_intervention(intervention):
        return f"{intervention.get_type_display()} ({intervention.delivering_agency})"
    return f"{source}'s intervention"


def _intervention_events(build: _Builder, panel_case: PanelCase) -> None:
    interventions = {
        intervention.pk: intervention
        for intervention in Intervention.objects.filter(panel_case=panel_case).select_related(
            "delivering_agency", "source_agency"
        )
    }
    for intervention in interventions.values():
        build.add(
            ChronologyEntry(
                at=intervention.created_at,
                kind=Kind.INTERVENTION,
                event="assigned",
                title=(
                    f"Intervention assigned: {intervention.get_type_display()}, to "
                    f"{intervention.delivering_agency}"
                ),
                detail=None,
                category=Category.SUPPORT,
                source_agency=intervention.source_agency,
                scope=intervention.scope,
                acting_agency=intervention.source_agency,
            ),
            framing=_framing(Intervention, "type", "delivering_agency", "created_at"),
        )
    ids = list(interventions)
    changes = InterventionStatusChange.objects.filter(intervention_id__in=ids).select_related(
        "source_agency"
    )
    for change in changes.order_by("created_at", "id"):
        source = change.source_agency
        build.add(
            ChronologyEntry(
                at=change.created_at,
                kind=Kind.INTERVENTION,
                event=change.event,
                title=(
                    f"{_what(build, interventions[change.intervention_id], source)}: "
                    f"{source} {DELIVERY_DONE.get(change.event, change.event)}"
                ),
                detail=change.reason,
                category=Category.SUPPORT,
                source_agency=source,
                scope=change.scope,
                acting_agency=source,
            ),
            framing=_framing(InterventionStatusChange, "event", "created_at"),
        )
    entries = ProgressEntry.objects.filter(intervention_id__in=ids).select_related(
        "source_agency", "corrects"
    )
    for entry in entries.order_by("created_at", "id"):
        source = entry.source_agency
        session = (
            f"session of {_day(entry.occurred_on)}: {'attended' if entry.attended else 'missed'}"
        )
        if entry.corrects is not None:
            session = (
                f"correction of the entry for the session of "
                f"{_day(entry.corrects.occurred_on)}, now the {session}"
            )
        build.add(
            ChronologyEntry(
                at=entry.created_at,
                kind=Kind.INTERVENTION,
                event="progress_corrected" if entry.corrects_id else "progress_recorded",
                title=(
                    f"{_what(build, interventions[entry.intervention_id], source)}: {session}"
                    f"{', concern raised' if entry.concern else ''}"
                ),
                detail=entry.notes or None,
                category=Category.SUPPORT,
                source_agency=source,
                scope=entry.scope,
                acting_agency=source,
                concern=entry.concern,
                correction=entry.corrects_id is not None,
            ),
            framing=_framing(ProgressEntry, "occurred_on", "attended", "created_at"),
        )
    reviews = ConcernReview.objects.filter(intervention_id__in=ids).select_related("source_agency")
    for review in reviews.order_by("created_at", "id"):
        intervention = interventions[review.intervention_id]
        build.add(
            ChronologyEntry(
                at=review.created_at,
                kind=Kind.INTERVENTION,
                event="concern_reviewed",
                title=(
                    f"The panel considered a concern raised by {intervention.delivering_agency}"
                ),
                detail=review.note,
                category=Category.SUPPORT,
                source_agency=review.source_agency,
                scope=review.scope,
                acting_agency=review.source_agency,
            ),
            framing=_framing(ConcernReview, "created_at"),
        )


def case_chronology(*, case: VisiblePanelCase) -> Chronology:
    """The case's chronology as the viewer may see it, oldest first."""
    build = _Builder(case)
    _referral_events(build, case.referral)
    _panel_events(build, case.panel_case)
    _intervention_events(build, case.panel_case)
    # Stable: entries of one moment keep the order they were added in.
    entries = sorted(build.entries, key=lambda entry: entry.at)
    agencies = {
        agency.pk: agency
        for entry in entries
        for agency in (entry.source_agency, entry.acting_agency)
        if agency is not None
    }
    return Chronology(
        entries=entries, agencies=sorted(agencies.values(), key=lambda agency: agency.name)
    )
