"""Agenda cases laid out for the meeting page and the papers: one section per part of the
case the viewer may see, with the fields the case-data registry places in it. The HTML
papers and the PDF are both drawn from these sections, so they hold the same things."""

from dataclasses import dataclass

from django.utils.formats import date_format

from audit.vocabulary import Category
from panels.models import Assessment, SupportPlan
from panels.models.vocabulary import Stage
from panels.rules.stages import StageEvent
from panels.selectors.meetings import AgendaCase
from referrals.rules.case_data import fields_of
from referrals.web.presenters import Row, Section, _rows, case_sections, person_name


@dataclass(frozen=True)
class PaperCase:
    """One agenda case as it may be shown: its reference, why it is on the agenda, who it
    is about (where identity may be shown) and its sections."""

    case: AgendaCase
    reference: str
    reason: str
    stage: str
    person: str
    sections: list[Section]

    @property
    def titles(self) -> list[str]:
        return [section.title for section in self.sections]


def _contributions(case: AgendaCase) -> list[Section]:
    rows = [
        Row(f"{Category(row.category).label}, from {row.source_agency}", row.content)
        for row in case.panel_case.contributions.all()
        if case.sees(row.category, row.source_agency_id)
    ]
    return [Section("contributions", "What partners have shared", rows)] if rows else []


def _panel_record(case: AgendaCase) -> list[Section]:
    panel_case = case.panel_case
    sections = []
    if case.sees_panel(Category.PANEL):
        rows = [
            Row(
                f"{date_format(move.created_at, 'j F Y')}: {_event_label(move.event)}",
                move.rationale,
            )
            for move in panel_case.moves.all()
        ]
        rows += _rows(panel_case, Category.PANEL) if panel_case.exit_outcome else []
        if rows:
            sections.append(Section(Category.PANEL, "Earlier panel decisions", rows))
    assessments: list[Assessment] = panel_case.agreed_assessments
    if assessments and case.sees_panel(Category.ASSESSMENT):
        rows = _rows(assessments[0], Category.ASSESSMENT)
        sections.append(Section(Category.ASSESSMENT, "The agreed needs assessment", rows))
    plans: list[SupportPlan] = panel_case.support_plans
    if plans and case.sees_panel(Category.SUPPORT):
        sections.append(
            Section(Category.SUPPORT, "The support plan", _rows(plans[0], Category.SUPPORT))
        )
    return sections


def _event_label(event: str) -> str:
    return str(StageEvent(event).label) if event in StageEvent.values else event


def open_actions(case: AgendaCase) -> list:
    """The case's open actions the viewer may see: the panel's record, or its own."""
    agency_ids = {lens.agency_id for lens in case.lenses}
    return [
        action
        for action in case.panel_case.actions.all()
        if action.done_at is None and (case.sees_panel() or agency_ids == {action.owner_agency_id})
    ]


def paper_case(case: AgendaCase) -> PaperCase:
    """Everything of one agenda case that may be shown, in sections."""
    shown = case.shown
    return PaperCase(
        case=case,
        reference=case.referral.reference,
        reason=case.item.get_reason_display(),
        stage=Stage(case.panel_case.stage).label,
        person=person_name(shown),
        sections=case_sections(shown) + _contributions(case) + _panel_record(case),
    )


def decision_rows(case: AgendaCase) -> list[Row]:
    """The decision taken on the case at this meeting, where the panel's record may be shown."""
    item = case.item
    if item.decided_at is None or not case.sees_panel():
        return []
    return [
        Row(str(item._meta.get_field(name).verbose_name).capitalize(), value)
        for name, value in (
            ("decision_event", _event_label(item.decision_event)),
            ("decision_method", item.get_decision_method_display()),
            ("decision_rationale", item.decision_rationale),
            ("minutes", item.minutes or "None recorded"),
        )
        if name in fields_of(type(item), Category.PANEL)
    ] + (
        [Row("Votes", f"{item.votes_for} for, {item.votes_against} against")]
        if item.votes_for is not None
        else []
    )
