"""The Channel panel's pages for each role, in a real browser: the coordinator's inbox and
case page, information requests asked and answered, the assessment, consent, the support
plan, the chair's dashboard and meetings, a member agency's actions and papers, post-exit
reviews and the transfer form. Each page and each error state is checked with axe-core;
console errors fail the test (see conftest.py). State a page only displays is built
through the services, so each test clicks only through what it is about."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from panels.models import AgendaItem, Meeting, PanelCase
from panels.models.vocabulary import ExitOutcome, RequestStatus
from panels.rules.stages import StageEvent
from panels.selectors.meetings import item_for_update
from panels.selectors.support import assessment_draft
from panels.services.meetings import panel_action_set
from prevent_cases.models import Agency, User
from tests.browser.journeys import sign_in
from tests.browser.panel_journeys import (
    assert_accessible,
    error_summary,
    error_title,
    group,
    sign_out,
    success_banner,
    tab_to,
    uk_date,
)
from tests.factories import progressed_referral, share
from tests.panels.factories import open_case
from tests.panels.meeting_factories import attend, confirm_all, meeting_with_agenda
from tests.panels.request_factories import send_request
from tests.panels.support_steps import adopt_and_assess, fresh, move, rate_all, to_review

pytestmark = pytest.mark.browser

POLICE = "Northby Police Prevent Team"
HEALTH = "Northby NHS Trust"
PROVIDER = "Northby Mentoring Partnership"
PURPOSE = "To understand the health needs of the person before the panel decides on adoption."
HEALTH_ANSWER = "Synthetic: known to the community mental health team since 2025."
JUSTIFICATION = (
    "The panel cannot assess support needs without the health picture; nothing less "
    "intrusive meets the need."
)
WITHHOLD_REASON = (
    "Disclosing these records would breach a duty of confidence owed to a third party, and "
    "the panel can assess needs without them."
)


@pytest.fixture
def officer(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.officer")


@pytest.fixture
def chair(demo_people) -> User:
    return User.objects.select_related("membership__agency").get(username="northby.chair")


def agency(name: str) -> Agency:
    return Agency.objects.get(name=name)


def case_url(live_server, panel_case: PanelCase, tail: str = "") -> str:
    return f"{live_server.url}/panels/cases/{panel_case.pk}/{tail}"


def test_coordinator_accepts_a_referral_and_asks_a_partner(page: Page, live_server, officer):
    """From the inbox to a request sent: the accept button, the case page, and the request
    form refused when empty, then sent from the keyboard."""
    referral = progressed_referral(officer, given_names="Robin", family_name="Example")

    # The coordinator starts from the Channel inbox, where the referral waits
    sign_in(page, live_server, "northby.coordinator")
    expect(page).to_have_url(f"{live_server.url}/panels/inbox/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Channel inbox")
    waiting = page.get_by_role("table", name="Referrals waiting to be accepted")
    expect(waiting.get_by_role("row").filter(has_text=referral.reference)).to_contain_text(
        "Robin Example"
    )
    assert_accessible(page)

    # Accepting it opens the case, at identification
    waiting.get_by_role("button", name=f"Accept referral {referral.reference}").click()
    expect(success_banner(page)).to_contain_text(f"Referral {referral.reference} accepted.")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Panel case {referral.reference}")
    expect(page.get_by_role("region", name="Who this case is about")).to_contain_text(
        "Robin Example"
    )
    expect(page.get_by_role("heading", name="Stage history")).to_be_visible()
    expect(page.get_by_text("No information requests.")).to_be_visible()
    assert_accessible(page)

    # An empty request is refused, every missing answer listed and linked to its field
    page.get_by_role("link", name="Request information from a partner").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Request information from a partner")
    assert_accessible(page)
    page.get_by_role("button", name="Send request").click()
    expect(page).to_have_title(error_title("Request information from a partner"))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(4)
    expect(summary.get_by_role("link").first).to_have_text("Choose the agency to ask.")
    assert_accessible(page)
    summary.get_by_role("link", name="Choose the agency to ask.").click()
    expect(page.get_by_label("Which agency are you asking?")).to_be_focused()

    # The coordinator completes it and sends it with the keyboard
    page.get_by_label("Which agency are you asking?").select_option(label=HEALTH)
    group(page, "What information are you asking for?").get_by_label("Health").check()
    page.get_by_label("Why does the panel need it?").fill(PURPOSE)
    page.get_by_label("Answer due by").fill(uk_date(14))
    tab_to(page, page.get_by_role("button", name="Send request"))
    page.keyboard.press("Enter")

    expect(success_banner(page)).to_contain_text(f"Request sent to {HEALTH}.")
    requests = page.get_by_role("table", name="Information requests on this case")
    expect(requests.get_by_role("row").filter(has_text=HEALTH)).to_contain_text(
        "Awaiting an answer"
    )
    assert_accessible(page)


def test_partner_shares_one_answer_and_withholds_another(page: Page, live_server, officer, chair):
    """The NHS Trust's queue lists both requests; it answers one by sharing, with its
    sharing decision, and the other by withholding, first forgetting its reasons."""
    panel_case = open_case(officer, chair, given_names="Robin", family_name="Example")
    health = agency(HEALTH)
    sharing = send_request(panel_case, chair, health, due_in_days=7)
    withholding = send_request(panel_case, chair, health, categories=("education",))

    sign_in(page, live_server, "northby.health")
    page.get_by_role("link", name="Information requests").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Information requests")
    queue = page.get_by_role("table", name="Open requests addressed to your agency")
    expect(queue.get_by_role("row").filter(has_text="Robin Example")).to_have_count(2)
    assert_accessible(page)

    # The first request is answered by sharing what the Trust holds
    page.goto(f"{live_server.url}/panels/requests/{sharing.pk}/answer/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Answer an information request")
    expect(page.get_by_role("main")).to_contain_text(PURPOSE)
    assert_accessible(page)
    group(page, "How are you answering?").get_by_label("Share what my agency holds").check()
    page.get_by_label("Health", exact=True).fill(HEALTH_ANSWER)
    page.get_by_label("Why? The purpose and the outcome expected").fill(
        "Help the panel assess support needs"
    )
    group(page, "On what legal basis?").get_by_label(
        "Counter-Terrorism and Security Act 2015 ss.36-38"
    ).check()
    group(page, "Consent").get_by_label("Consent not sought").check()
    page.get_by_label(
        "If consent was refused or not sought, why is the information still shared?"
    ).fill("Seeking consent now would prejudice the panel's assessment.")
    page.get_by_label("Why is sharing (or withholding) this necessary and proportionate?").fill(
        JUSTIFICATION
    )
    page.get_by_role("button", name="Record answer").click()
    expect(success_banner(page)).to_contain_text(
        "Answer recorded: information shared with Northby Council Channel Team."
    )
    expect(queue.get_by_role("row").filter(has_text="Robin Example")).to_have_count(1)
    assert_accessible(page)

    # The second is withheld; without reasons it is refused and the choice is kept
    queue.get_by_role("link", name="Answer").click()
    assert_accessible(page)
    withhold = group(page, "How are you answering?").get_by_label("Withhold it, and record why")
    withhold.check()
    page.get_by_role("button", name="Record answer").click()
    expect(page).to_have_title(error_title("Answer an information request"))
    expect(error_summary(page)).to_be_focused()
    expect(withhold).to_be_checked()
    assert_accessible(page)
    page.get_by_label("Why? The purpose and the outcome expected").fill(
        "Answer the panel's request for education records"
    )
    group(page, "On what legal basis?").get_by_label(
        "Counter-Terrorism and Security Act 2015 ss.36-38"
    ).check()
    group(page, "Consent").get_by_label("Consent not sought").check()
    page.get_by_label(
        "If consent was refused or not sought, why is the information still shared?"
    ).fill("The records are withheld; consent was not sought for a refusal.")
    page.get_by_label("Why is sharing (or withholding) this necessary and proportionate?").fill(
        WITHHOLD_REASON
    )
    page.get_by_role("button", name="Record answer").click()
    expect(success_banner(page)).to_contain_text(
        "Answer recorded: withheld from Northby Council Channel Team."
    )
    expect(page.get_by_text("No requests are waiting for your agency's answer.")).to_be_visible()
    assert_accessible(page)

    statuses = {
        request.pk: request.status
        for request in type(sharing).objects.filter(pk__in=[sharing.pk, withholding.pk])
    }
    assert statuses == {sharing.pk: RequestStatus.SHARED, withholding.pk: RequestStatus.WITHHELD}


def test_assessment_started_entered_by_a_partner_and_agreed(
    page: Page, live_server, officer, chair
):
    """The chair starts the assessment; the NHS Trust records its own entry (refused once
    without a rating); the chair agrees it once the panel's ratings are in."""
    panel_case = move(chair, open_case(officer, chair), StageEvent.ADOPT)
    # The Trust knows who the case is about, passed on by the panel.
    share(panel_case.referral, chair, agency(HEALTH), categories=("identity",))

    sign_in(page, live_server, "northby.chair")
    page.goto(case_url(live_server, panel_case, "assessment/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Needs assessment")
    expect(page.get_by_text("No assessment has been started for this case.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Start the assessment").click()
    expect(success_banner(page)).to_contain_text("Assessment started.")
    expect(
        page.get_by_role("heading", name="Engagement with a group, cause or ideology")
    ).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # The Trust's entry: refused without a rating, recorded with one
    sign_in(page, live_server, "northby.health")
    page.goto(case_url(live_server, panel_case, "assessment/"))
    assert_accessible(page)
    page.get_by_role("link", name="Record your agency's entry").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record your agency's entry")
    assert_accessible(page)
    factor = "Engagement with a group, cause or ideology: Feeling under threat"
    page.get_by_label("Factor").select_option(label=factor)
    page.get_by_label("Evidence").fill("Told the school nurse he feels watched.")
    page.get_by_role("button", name="Record entry").click()
    expect(page).to_have_title(error_title("Record your agency's assessment entry"))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        ["Choose a rating from the framework's scale."]
    )
    expect(page.get_by_label("Evidence")).to_have_value("Told the school nurse he feels watched.")
    assert_accessible(page)
    summary.get_by_role("link").click()
    expect(group(page, "Your agency's rating").get_by_role("radio").first).to_be_focused()
    group(page, "Your agency's rating").get_by_label("Present", exact=True).check()
    page.get_by_role("button", name="Record entry").click()
    expect(success_banner(page)).to_contain_text("Your agency's entry is recorded.")
    expect(page.get_by_role("row").filter(has_text="Feeling under threat")).to_contain_text(
        f"{HEALTH}: Present"
    )
    assert_accessible(page)
    sign_out(page)

    # The panel's own ratings are in; the chair agrees the assessment
    rate_all(chair, assessment_draft(fresh(panel_case)))
    sign_in(page, live_server, "northby.chair")
    page.goto(case_url(live_server, panel_case, "assessment/"))
    expect(page.get_by_role("row").filter(has_text="Feeling under threat")).to_contain_text(
        "Northby Council Channel Team (panel): Present"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Agree the assessment").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Agree the assessment")
    assert_accessible(page)
    page.get_by_label("The panel's summary conclusion").fill(
        "Engagement factors present; no intent or capability identified at this time."
    )
    page.get_by_label("Management plan").fill("Mentoring and family work; review in four weeks.")
    page.get_by_role("button", name="Agree assessment").click()
    expect(success_banner(page)).to_contain_text("Assessment agreed.")
    expect(page.get_by_role("heading", name="The panel's summary")).to_be_visible()
    assert_accessible(page)


def test_support_plan_intervention_and_consent(page: Page, live_server, officer, chair):
    """At the support plan stage the chair records the plan, assigns an intervention to
    the provider, and records consent after an empty attempt is refused."""
    panel_case = adopt_and_assess(chair, open_case(officer, chair))
    provider = User.objects.get(username="northby.provider")

    sign_in(page, live_server, "northby.chair")
    page.goto(case_url(live_server, panel_case))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Panel case {panel_case.referral.reference}"
    )
    assert_accessible(page)
    page.get_by_role("link", name="Support plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support plan")
    expect(page.get_by_text("No interventions you may see.")).to_be_visible()
    assert_accessible(page)

    # The plan
    page.get_by_role("link", name="Record the plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the support plan")
    assert_accessible(page)
    page.get_by_label("How will consent be sought?").fill(
        "The coordinator meets the parent at home to explain Channel."
    )
    page.get_by_label("Who will seek it?").fill("The Channel coordinator")
    page.get_by_label("When will consent be sought?").fill(uk_date(3))
    page.get_by_label("The support the panel agreed").fill(
        "Mentoring towards a positive peer network, with family support."
    )
    page.get_by_role("button", name="Record plan").click()
    expect(success_banner(page)).to_contain_text("Support plan recorded.")
    assert_accessible(page)

    # An intervention for the provider
    page.get_by_role("link", name="Assign an intervention").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Assign an intervention")
    assert_accessible(page)
    page.get_by_label("Type of intervention").select_option(label="Mentoring and counselling")
    page.get_by_label("Delivering agency").select_option(label=PROVIDER)
    page.get_by_label("Practitioner (optional)").select_option(
        label=f"{provider.get_full_name()} ({PROVIDER})"
    )
    page.get_by_label("Goals").fill("Attend sessions\nBuild a positive peer network")
    page.get_by_label("Planned sessions").fill("6")
    page.get_by_label("Start date").fill(uk_date(7))
    page.get_by_role("button", name="Assign intervention").click()
    expect(success_banner(page)).to_contain_text(
        "Intervention assigned and shared with its provider."
    )
    card = page.locator(".govuk-summary-card").filter(has_text="Mentoring and counselling")
    expect(card).to_contain_text(PROVIDER)
    expect(card).to_contain_text("Build a positive peer network")
    assert_accessible(page)

    # Consent: refused when empty, recorded when complete
    page.get_by_role("link", name="Consent", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent")
    expect(page.get_by_text("No consent recorded that you may see.")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Record consent").click()
    expect(page).to_have_title(error_title("Consent"))
    expect(error_summary(page)).to_be_focused()
    assert_accessible(page)
    group(page, "Consent").get_by_label("Consent given").check()
    group(page, "Given, refused or withdrawn by").get_by_label("A parent or guardian").check()
    page.get_by_label("Date", exact=True).fill(timezone.localdate().strftime("%d/%m/%Y"))
    group(page, "How").get_by_label("In person").check()
    page.get_by_label("Capacity to consent was considered").check()
    page.get_by_label("Note", exact=True).fill("Discussed at home with the parent.")
    page.get_by_role("button", name="Record consent").click()
    expect(success_banner(page)).to_contain_text("Consent recorded.")
    consents = page.get_by_role("table", name="Consent recorded on this case")
    expect(consents.get_by_role("row").filter(has_text="Consent given")).to_contain_text(
        "A parent or guardian"
    )
    assert_accessible(page)


def test_chair_dashboard_meetings_and_a_members_actions_and_papers(
    page: Page, live_server, officer, chair
):
    """The chair's dashboard and meetings list show the meeting; the NHS Trust sees the
    action given to it, marks it done, and reads its own printable papers."""
    panel_case = open_case(officer, chair, given_names="Robin", family_name="Example")
    meeting = meeting_with_agenda(chair)
    attend(chair, meeting, agency(POLICE))
    confirm_all(chair, meeting)
    item = item_for_update(
        meeting=meeting,
        item_id=AgendaItem.objects.get(meeting=meeting, panel_case=panel_case).pk,
    )
    panel_action_set(
        actor=chair,
        membership=chair.membership,
        item=item,
        owner_agency=agency(HEALTH),
        description="Bring a summary of the health records.",
        due_on=timezone.localdate(),
    )
    when = timezone.localtime(Meeting.objects.get(pk=meeting.pk).starts_at)

    sign_in(page, live_server, "northby.chair")
    expect(page.get_by_role("heading", level=1)).to_have_text("Panel dashboard")
    open_cases = page.get_by_role(
        "table", name="Open cases, the longest in their current stage first"
    )
    expect(open_cases.get_by_role("row").filter(has_text="Robin Example")).to_contain_text(
        "Identification"
    )
    expect(page.get_by_role("link", name=f"Open the meeting of {when:%-d %B %Y}")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Meetings").click()
    upcoming = page.get_by_role("table", name="Upcoming meetings, the soonest first")
    expect(upcoming.get_by_role("link", name=f"{when:%-d %B %Y %H:%M}")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, live_server, "northby.health")
    page.get_by_role("link", name="Panel actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your agency's panel actions")
    row = (
        page.get_by_role("table", name="Open actions given to your agency, the soonest due first")
        .get_by_role("row")
        .filter(has_text=panel_case.referral.reference)
    )
    expect(row).to_contain_text("Bring a summary of the health records.")
    assert_accessible(page)
    row.get_by_role("button", name=f"Mark done for {panel_case.referral.reference}").click()
    expect(success_banner(page)).to_contain_text("Action marked done.")
    expect(page.get_by_text("Your agency has no open panel actions.")).to_be_visible()
    assert_accessible(page)

    # The Trust's papers: only what it was given, marked for handling when printed
    page.goto(f"{live_server.url}/panels/meetings/{meeting.pk}/")
    expect(page.get_by_role("main")).to_contain_text("Robin Example")
    assert_accessible(page)
    page.get_by_role("link", name="Meeting papers").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Meeting papers for {HEALTH}")
    expect(page.get_by_role("heading", level=2)).to_contain_text(
        [f"{panel_case.referral.reference}: New case"]
    )
    expect(page.get_by_role("main")).to_contain_text("Robin Example")
    expect(page.get_by_role("link", name="Download these papers as PDF")).to_be_visible()
    assert_accessible(page)


def test_reviews_of_an_exited_case_and_a_refused_transfer(page: Page, live_server, officer, chair):
    """An exited case lists its reviews at 6 and 12 months; an open case's transfer form
    sent empty explains each missing answer."""
    exited = to_review(chair, open_case(officer, chair), agency(PROVIDER))
    exited = move(chair, exited, StageEvent.EXIT, exit_outcome=ExitOutcome.NO_FURTHER_CONCERN)
    open_one = open_case(officer, chair)

    sign_in(page, live_server, "northby.chair")
    page.goto(case_url(live_server, exited))
    expect(page.get_by_role("main")).to_contain_text("No further terrorism-related concern")
    assert_accessible(page)
    page.get_by_role("link", name="Post-exit reviews").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Post-exit reviews")
    reviews = page.get_by_role("table", name="Post-exit reviews of this case, the earliest first")
    expect(reviews.get_by_role("row", name="6 months after exit")).to_contain_text(
        "Not yet reviewed"
    )
    expect(reviews.get_by_role("row", name="12 months after exit")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Record the 6-month review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record the 6-month review")
    assert_accessible(page)
    page.get_by_role("button", name="Record review").click()
    expect(error_summary(page)).to_be_focused()
    assert_accessible(page)

    page.goto(case_url(live_server, open_one))
    page.get_by_role("link", name="Transfer", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Transfer the case to another area")
    assert_accessible(page)
    page.get_by_label("Why is the case being transferred?").fill("The family moved last week.")
    page.get_by_role("button", name="Transfer the case").click()
    expect(page).to_have_title(error_title("Transfer the case to another area"))
    summary = error_summary(page)
    expect(summary).to_be_focused()
    expect(page.get_by_label("Why is the case being transferred?")).to_have_value(
        "The family moved last week."
    )
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    expect(page.get_by_label("Area the person has moved to")).to_be_focused()
