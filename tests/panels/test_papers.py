"""Meeting papers: the chair's one confirmation of what each member agency is given, and
the papers each agency then gets, as a page and as PDF, holding only what it may see."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from audit.vocabulary import Category, LegalBasis
from panels.selectors.meetings import papers_proposal
from panels.services.meetings import agenda_build
from panels.services.papers import papers_confirm
from prevent_cases.exceptions import AccessDenied, ConflictError
from tests.factories import share
from tests.panels.factories import open_case
from tests.panels.meeting_factories import confirm_all, meeting_with_agenda, scheduled_meeting
from tests.panels.support_steps import to_review

pytestmark = pytest.mark.django_db

HEALTH = "Northby NHS Trust"
COLLEGE = "Northby College"
POLICE = "Northby Police Prevent Team"
PANEL = "Northby Council Channel Team"


@pytest.fixture
def chair(user):
    return user("northby.chair")


def _given(agency, referral):
    return {
        (decision.source_agency_id, frozenset(decision.categories))
        for decision in SharingDecision.objects.filter(case_id=referral.pk, receiving_agency=agency)
    }


def test_confirming_records_what_each_member_needs_from_whoever_it_belongs_to(
    officer, chair, agency
):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair)

    decisions = confirm_all(chair, meeting)

    police, panel = agency(POLICE), agency(PANEL)
    # Health: who the person is and the concern, passed on from the police's record; the
    # panel's own record from the panel. It is given no health information: the panel
    # holds none to pass on.
    assert _given(agency(HEALTH), case.referral) == {
        (police.pk, frozenset({Category.IDENTITY, Category.CONCERN})),
        (panel.pk, frozenset({Category.PANEL})),
    }
    # The police own the referral: they are given the panel's record only.
    assert _given(police, case.referral) == {(panel.pk, frozenset({Category.PANEL}))}
    for decision in decisions:
        assert decision.legal_basis == LegalBasis.CTSA_S38
        assert str(meeting.pk) in decision.purpose
        assert Category.SCREENING not in decision.categories
    meeting.refresh_from_db()
    assert meeting.papers_confirmed_at is not None
    event = AuditEvent.objects.get(type=EventType.PAPERS_CONFIRMED, target_id=meeting.pk)
    assert sorted(event.payload["decisions"]) == sorted(str(d.pk) for d in decisions)


def test_the_proposal_leaves_out_what_a_member_already_holds(officer, chair, agency):
    case = open_case(officer, chair)
    health = agency(HEALTH)
    share(case.referral, officer, health, categories=(Category.IDENTITY,))
    meeting = meeting_with_agenda(chair)

    offered = {
        (row.category, row.source_id)
        for row in papers_proposal(meeting=meeting)
        if row.agency == health
    }

    assert (Category.IDENTITY, case.referral.owning_agency_id) not in offered
    assert (Category.CONCERN, case.referral.owning_agency_id) in offered


def test_only_the_panels_chair_or_coordinator_confirms_and_only_once(officer, chair, user):
    open_case(officer, chair)
    meeting = meeting_with_agenda(chair)
    keys = [row.key for row in papers_proposal(meeting=meeting)]
    health = user("northby.health")

    with pytest.raises(AccessDenied):
        papers_confirm(actor=health, membership=health.membership, meeting=meeting, selections=keys)
    papers_confirm(actor=chair, membership=chair.membership, meeting=meeting, selections=keys)
    with pytest.raises(ConflictError):
        papers_confirm(actor=chair, membership=chair.membership, meeting=meeting, selections=[])


def test_a_row_not_in_the_proposal_is_refused_and_nothing_written(officer, chair):
    case = open_case(officer, chair)
    meeting = meeting_with_agenda(chair)
    before = SharingDecision.objects.count()
    with pytest.raises(ValidationError):
        papers_confirm(
            actor=chair,
            membership=chair.membership,
            meeting=meeting,
            selections=[f"{case.pk}:{case.pk}:screening:{case.pk}"],
        )
    meeting.refresh_from_db()
    assert meeting.papers_confirmed_at is None
    assert SharingDecision.objects.count() == before


def _confirm_without_college_concern(chair, meeting, college):
    keys = [
        row.key
        for row in papers_proposal(meeting=meeting)
        if not (row.agency == college and row.category == Category.CONCERN)
    ]
    papers_confirm(actor=chair, membership=chair.membership, meeting=meeting, selections=keys)


def _papers(client, meeting, **query):
    return client.get(reverse("panels:papers", args=[meeting.pk]), query)


def _pdf_pages(response) -> list[str]:
    assert response["Content-Type"] == "application/pdf"
    return [page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages]


def test_each_agencys_papers_hold_only_what_it_may_see(officer, chair, sign_in, agency):
    case = open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    college = agency(COLLEGE)
    _confirm_without_college_concern(chair, meeting, college)
    concern = case.referral.concern_summary
    chair_client = sign_in("northby.chair")

    for_health = _papers(chair_client, meeting, agency=agency(HEALTH).pk).content.decode()
    for_college = _papers(chair_client, meeting, agency=college.pk).content.decode()
    assert "Robin Example" in for_health
    assert concern in for_health
    assert "Robin Example" in for_college
    assert concern not in for_college

    health_pdf = "\n".join(
        _pdf_pages(_papers(chair_client, meeting, agency=agency(HEALTH).pk, format="pdf"))
    )
    college_pdf = "\n".join(
        _pdf_pages(_papers(chair_client, meeting, agency=college.pk, format="pdf"))
    )
    assert "Robin Example" in health_pdf
    assert concern in " ".join(health_pdf.split())
    assert "Robin Example" in college_pdf
    assert "shared extremist material" not in college_pdf


def test_a_member_gets_its_own_agencys_papers_only_and_only_once_confirmed(
    officer, chair, sign_in, agency
):
    open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    college = sign_in("northby.education")

    assert "Robin Example" not in _papers(college, meeting).content.decode()

    _confirm_without_college_concern(chair, meeting, agency(COLLEGE))
    asked_for_health = _papers(college, meeting, agency=agency(HEALTH).pk).content.decode()

    assert f"Meeting papers for {COLLEGE}" in asked_for_health
    assert "Robin Example" in asked_for_health
    assert "shared extremist material" not in asked_for_health


def test_every_pdf_page_carries_the_marking_and_producing_papers_is_recorded(
    officer, chair, sign_in, agency
):
    for index in range(8):
        open_case(officer, chair, given_names=f"Person{index}", family_name="Example")
    meeting = meeting_with_agenda(chair)
    confirm_all(chair, meeting)
    health = agency(HEALTH)

    response = _papers(sign_in("northby.chair"), meeting, agency=health.pk, format="pdf")

    pages = _pdf_pages(response)
    assert len(pages) > 1
    assert all("OFFICIAL-SENSITIVE" in page for page in pages)
    event = AuditEvent.objects.filter(type=EventType.EXPORT_PRODUCED).latest("seq")
    assert event.payload == {
        "export": "meeting_papers",
        "rows": 8,
        "filters": {"meeting": str(meeting.pk), "agency": str(health.pk)},
        "format": "pdf",
    }
    html = _papers(sign_in("northby.chair"), meeting, agency=health.pk)
    assert html.content.decode().count("OFFICIAL-SENSITIVE") >= 2
    assert (
        AuditEvent.objects.filter(type=EventType.EXPORT_PRODUCED).latest("seq").payload["format"]
        == "html"
    )


def test_an_agency_delivering_support_is_not_proposed_the_whole_plan(officer, chair, agency):
    """A delivering agency sees its own intervention, in that intervention's scope; the
    papers never hand it the whole plan, with everyone else's interventions in it."""
    probation, health = agency("Northby Probation Service"), agency("Northby NHS Trust")
    to_review(chair, open_case(officer, chair), probation)
    # After the review falls due (every 28 days from the start of support).
    meeting = scheduled_meeting(chair, days=30)
    agenda_build(actor=chair, membership=chair.membership, meeting=meeting)

    proposed = {(row.agency.pk, row.category) for row in papers_proposal(meeting=meeting)}

    assert (health.pk, Category.SUPPORT) in proposed
    assert (probation.pk, Category.SUPPORT) not in proposed
    assert (probation.pk, Category.PANEL) in proposed
