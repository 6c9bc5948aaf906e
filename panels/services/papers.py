"""Meeting papers: the chair's one confirmation of what each member agency is given for
the meeting, and every showing of the agenda or papers recorded as one read of the cases.

Confirming records sharing decisions only through referrals.services.case.referral_share:
the panel's own record (its local authority is the source) and, onward for panel purposes,
what the panel holds directly from the police and from partners (CTSA s.38).
"""

from collections import defaultdict
from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from audit.event_types import EventType
from audit.models import SharingDecision
from audit.record.chain import append_event, atomic_unit
from audit.services.decision_rules import DecisionInput
from audit.services.decisions import export_recorded
from audit.services.read_events import CaseShown, cases_listed_recorded
from panels.models import Meeting
from panels.models.vocabulary import ConsentDecision
from panels.rules.decisions import panel_share
from panels.rules.quorum import runs_meeting
from panels.selectors.meetings import (
    Agenda,
    AgendaCase,
    ProposedShare,
    latest_consents,
    meeting_agenda_for_user,
    papers_proposal,
)
from panels.services.meetings import MEETING_TYPE
from prevent_cases.exceptions import AccessDenied, ConflictError
from prevent_cases.models import Agency, Membership, User
from referrals.services.case import referral_share
from referrals.services.grants import CASE_TYPE

PAPERS_JUSTIFICATION = (
    "Each member agency is given only the categories it needs to take part in the panel's "
    "discussion of this case, as the chair confirmed for this meeting; the panel cannot "
    "decide on support without its members' informed view."
)
NOT_SOUGHT_REASON = (
    "Panel partners co-operate with the panel under CTSA 2015 s.38; seeking consent before "
    "the panel has met would prejudice its assessment."
)


def _decision_input(meeting: Meeting, categories: list[str], consent_given: bool) -> DecisionInput:
    when = date_format(timezone.localtime(meeting.starts_at), "j F Y")
    return panel_share(
        categories,
        purpose=f"Papers for the Channel panel meeting on {when} (meeting {meeting.pk})",
        justification=PAPERS_JUSTIFICATION,
        consent_given=consent_given,
        consent_reason=NOT_SOUGHT_REASON,
    )


@atomic_unit
def papers_confirm(
    *, actor: User, membership: Membership, meeting: Meeting, selections: Collection[str]
) -> list[SharingDecision]:
    """Confirm the papers: record, per agenda case, member agency and source, a decision
    sharing the proposal's rows the chair kept ticked (`selections` holds their keys).
    Members see the meeting's papers from then on."""
    if not runs_meeting(membership, meeting):
        raise AccessDenied("Only the chair or a coordinator of the panel may confirm papers.")
    if meeting.closed_at is not None:
        raise ConflictError("This meeting is closed.")
    proposal = {row.key: row for row in papers_proposal(meeting=meeting)}
    unknown = set(selections) - set(proposal)
    if unknown:
        raise ValidationError(
            {"selections": ["Some rows ticked are not in the proposal. Reload the page."]}
        )
    now = timezone.now()
    claimed = Meeting.objects.filter(pk=meeting.pk, papers_confirmed_at__isnull=True).update(
        papers_confirmed_at=now, papers_confirmed_by=actor, updated_at=now
    )
    if claimed != 1:
        raise ConflictError("The papers for this meeting are already confirmed.")
    meeting.papers_confirmed_at, meeting.papers_confirmed_by = now, actor
    grouped: dict[tuple, list[ProposedShare]] = defaultdict(list)
    for key in sorted(selections, key=list(proposal).index):
        row = proposal[key]
        grouped[(row.item.pk, row.agency.pk, row.source_id)].append(row)
    consented = latest_consents([rows[0].item.panel_case_id for rows in grouped.values()])
    decisions = []
    for rows in grouped.values():
        first = rows[0]
        decisions.append(
            referral_share(
                actor=actor,
                membership=membership,
                referral=first.item.referral,
                receiving_agency=first.agency,
                data=_decision_input(
                    meeting,
                    [row.category for row in rows],
                    consented.get(first.item.panel_case_id) == ConsentDecision.GIVEN,
                ),
                source_agency_id=first.source_id,
            )
        )
    append_event(
        event_type=EventType.PAPERS_CONFIRMED,
        actor=actor.pk,
        agency=membership.agency_id,
        target_type=MEETING_TYPE,
        target_id=meeting.pk,
        payload={
            "decisions": [str(decision.pk) for decision in decisions],
            "cases": sorted({str(rows[0].item.panel_case_id) for rows in grouped.values()}),
        },
    )
    return decisions


def agenda_case_shown(case: AgendaCase) -> CaseShown:
    """Which categories of whose information may be shown of one agenda case."""
    return CaseShown(
        case_id=case.referral.pk,
        categories=frozenset(c for c, _ in case.visible),
        sources=frozenset(s for _, s in case.visible),
    )


def meeting_agenda_read(
    *, actor: User, membership: Membership, meeting: Meeting, via: str, outline: bool = False
) -> Agenda:
    """The meeting's agenda as the member may see it, recorded as one read of its cases.
    `outline` for the meeting page, which lists each case's sections by title only."""
    agenda = meeting_agenda_for_user(membership=membership, meeting=meeting, outline=outline)
    cases_listed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=[agenda_case_shown(case) for case in agenda.cases],
        via=via,
    )
    return agenda


@atomic_unit
def meeting_papers_produce(
    *, actor: User, membership: Membership, meeting: Meeting, agency: Agency, file_format: str
) -> Agenda:
    """The papers for one member agency: what it may see (and the producer too), recorded
    as an export and as one read of the cases in them. A member gets its own agency's."""
    if agency.pk != membership.agency_id and not runs_meeting(membership, meeting):
        raise AccessDenied("Only the panel's chair or coordinator makes papers for another agency.")
    agenda = meeting_agenda_for_user(membership=membership, meeting=meeting, for_agency=agency)
    export_recorded(
        actor=actor,
        membership=membership,
        export="meeting_papers",
        rows=len(agenda.cases),
        filters={"meeting": str(meeting.pk), "agency": str(agency.pk)},
        file_format=file_format,
    )
    cases_listed_recorded(
        actor=actor,
        membership=membership,
        case_type=CASE_TYPE,
        shown=[agenda_case_shown(case) for case in agenda.cases],
        via=f"meeting_papers_{file_format}",
    )
    return agenda
