"""The one read path for panel cases: every page and API response that shows a panel case
gets it here, limited to what the viewer may see, and the read is recorded with the
categories and sources the viewer may be shown (audit.services.read_events)."""

import uuid

from audit.services.read_events import CaseShown, case_viewed_recorded, cases_listed_recorded
from audit.vocabulary import Category
from panels.selectors.cases import (
    VisiblePanelCase,
    case_items_without_grant,
    panel_case_get_for_user,
)
from panels.selectors.delivery import DeliveryRow
from prevent_cases.models import Membership, User
from referrals.services.grants import CASE_TYPE

# What the panel's own record of a case holds: its decisions and minutes, the agreed
# assessment, consent and the plan.
PANEL_RECORD_CATEGORIES = frozenset({Category.PANEL, Category.ASSESSMENT, Category.SUPPORT})


def case_shown(case: VisiblePanelCase) -> CaseShown:
    """Which categories of whose information the viewer may be shown of this case: what
    its grants give, and what it is shown by no grant (its own contributions and entries,
    the panel's requests addressed to it)."""
    categories = set(case.shown.categories)
    sources = {case.referral.owning_agency_id} if case.shown.categories else set()
    granted = {(category, source) for category, source, _scope in case.shown.grants}
    for category, source in granted | case_items_without_grant(case):
        categories.add(category)
        sources.add(source)
    if case.panel_case.source_agency_id == case.membership.agency_id:
        categories |= PANEL_RECORD_CATEGORIES
        sources.add(case.membership.agency_id)
    return CaseShown(
        case_id=case.referral.pk, categories=frozenset(categories), sources=frozenset(sources)
    )


def panel_case_read(
    *, actor: User, membership: Membership, panel_case_id: uuid.UUID, via: str
) -> VisiblePanelCase:
    """One panel case as the viewer may see it, with its view recorded; NotFound if the
    viewer may see nothing of it."""
    case = panel_case_get_for_user(membership=membership, panel_case_id=panel_case_id)
    return panel_case_view_recorded(actor=actor, membership=membership, case=case, via=via)


def panel_case_view_recorded(
    *, actor: User, membership: Membership, case: VisiblePanelCase, via: str
) -> VisiblePanelCase:
    """Record the view of a panel case already fetched for the viewer (through one of its
    rows, such as an intervention), once a page has decided to show it."""
    case_viewed_recorded(
        actor=actor, membership=membership, case_type=CASE_TYPE, shown=case_shown(case), via=via
    )
    return case


def delivery_rows_read(
    *, actor: User, membership: Membership, rows: list[DeliveryRow], via: str
) -> list[DeliveryRow]:
    """A page of the delivering agency's interventions, recorded as one list read: the
    panel's record of each intervention and, where shown, who the person is."""
    shown = []
    for row in rows:
        referral = row.intervention.referral
        categories = {Category.SUPPORT}
        sources = {row.intervention.source_agency_id}
        if row.subject is not None:
            categories.add(Category.IDENTITY)
            sources.add(referral.owning_agency_id)
        shown.append(
            CaseShown(
                case_id=referral.pk,
                categories=frozenset(categories),
                sources=frozenset(sources),
            )
        )
    cases_listed_recorded(
        actor=actor, membership=membership, case_type=CASE_TYPE, shown=shown, via=via
    )
    return rows
