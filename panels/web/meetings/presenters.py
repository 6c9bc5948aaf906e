"""Agenda cases laid out for the meeting page and the papers: one section per part of the
case the viewer may see, with the fields the case-data registry places in it. The HTML
papers and the PDF are both drawn from these sections, so they hold the same things."""

from dataclasses import dataclass

from django.utils.formats import date_format

from audit.vocabulary import Category
from panels.models import Assessment, PanelCase, SupportPlan
from panels.models.vocabulary import Stage
from panels.rules.stages import StageEvent
from panels.selectors.meetings import AgendaCase
from referrals.models import Referral, Subject
from referrals.rules.case_data import fields_of
from referrals.selectors import VisibleReferral
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


@dataclass(frozen=True)
class CaseOutline:
    """One agenda case as the meeting page lists it: what PaperCase says of it, with its
    sections by title alone (the papers hold their content)."""

    case: AgendaCase
    reference: str
    reason: str
    stage: str
    person: str
    titles: list[str]


@dataclass(frozen=True)
class Held:
    """Which parts of a case's panel record exist: what decides whether its papers have a
    section for them, whether told by rows read (the papers) or by annotations (the page)."""

    moves: bool
    assessment: bool
    plan: bool


CONTRIBUTIONS = "contributions"
CONTRIBUTIONS_TITLE = "What partners have shared"
PANEL_TITLES = {
    Category.PANEL: "Earlier panel decisions",
    Category.ASSESSMENT: "The agreed needs assessment",
    Category.SUPPORT: "The support plan",
}


def _own_titles(shown: VisibleReferral) -> list[str]:
    """The titles of referrals.web.presenters.case_sections without building its rows: a
    category has a section where the viewer may see it and the registry places fields of
    the person or the referral in it."""
    return [
        str(title)
        for category, title in Category.choices
        if shown.shows(category) and (fields_of(Subject, category) or fields_of(Referral, category))
    ]


def _panel_parts(case: AgendaCase, held: Held) -> list[str]:
    """Which of the case's own panel sections it has, in the papers' order: the rule both
    the papers and the page's titles follow. Contributions' sources are read either way."""
    panel_case = case.panel_case
    parts = []
    if any(case.sees(row.category, row.source_agency_id) for row in panel_case.contributions.all()):
        parts.append(CONTRIBUTIONS)
    exit_rows = bool(panel_case.exit_outcome and fields_of(PanelCase, Category.PANEL))
    if case.sees_panel(Category.PANEL) and (held.moves or exit_rows):
        parts.append(Category.PANEL)
    if held.assessment and case.sees_panel(Category.ASSESSMENT):
        parts.append(Category.ASSESSMENT)
    if held.plan and case.sees_panel(Category.SUPPORT):
        parts.append(Category.SUPPORT)
    return parts


def _contributions(case: AgendaCase) -> Section:
    rows = [
        Row(f"{Category(row.category).label}, from {row.source_agency}", row.content)
        for row in case.panel_case.contributions.all()
        if case.sees(row.category, row.source_agency_id)
    ]
    return Section(CONTRIBUTIONS, CONTRIBUTIONS_TITLE, rows)


def _panel_decisions(case: AgendaCase) -> Section:
    panel_case = case.panel_case
    rows = [
        Row(
            f"{date_format(move.created_at, 'j F Y')}: {_event_label(move.event)}",
            move.rationale,
        )
        for move in panel_case.moves.all()
    ]
    rows += _rows(panel_case, Category.PANEL) if panel_case.exit_outcome else []
    return Section(Category.PANEL, PANEL_TITLES[Category.PANEL], rows)


def _agreed_assessment(case: AgendaCase) -> Section:
    assessment: Assessment = case.panel_case.agreed_assessments[0]
    return Section(
        Category.ASSESSMENT,
        PANEL_TITLES[Category.ASSESSMENT],
        _rows(assessment, Category.ASSESSMENT),
    )


def _support_plan(case: AgendaCase) -> Section:
    plan: SupportPlan = case.panel_case.support_plans[0]
    return Section(Category.SUPPORT, PANEL_TITLES[Category.SUPPORT], _rows(plan, Category.SUPPORT))


_BUILD = {
    CONTRIBUTIONS: _contributions,
    Category.PANEL: _panel_decisions,
    Category.ASSESSMENT: _agreed_assessment,
    Category.SUPPORT: _support_plan,
}
_TITLE = {CONTRIBUTIONS: CONTRIBUTIONS_TITLE, **PANEL_TITLES}


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
    """Everything of one agenda case that may be shown, in sections. Needs the agenda read
    by agenda_items (its panel record's rows)."""
    shown = case.shown
    panel_case = case.panel_case
    held = Held(
        moves=bool(panel_case.moves.all()),
        assessment=bool(panel_case.agreed_assessments),
        plan=bool(panel_case.support_plans),
    )
    return PaperCase(
        case=case,
        reference=case.referral.reference,
        reason=case.item.get_reason_display(),
        stage=Stage(panel_case.stage).label,
        person=person_name(shown),
        sections=case_sections(shown) + [_BUILD[part](case) for part in _panel_parts(case, held)],
    )


def case_outline(case: AgendaCase) -> CaseOutline:
    """What the meeting page shows of one agenda case: paper_case's titles without its
    content. Needs the agenda read by agenda_outline_items (its annotations)."""
    shown = case.shown
    item = case.item
    held = Held(moves=item.has_moves, assessment=item.has_assessment, plan=item.has_plan)
    return CaseOutline(
        case=case,
        reference=case.referral.reference,
        reason=item.get_reason_display(),
        stage=Stage(case.panel_case.stage).label,
        person=person_name(shown),
        titles=_own_titles(shown) + [_TITLE[part] for part in _panel_parts(case, held)],
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
