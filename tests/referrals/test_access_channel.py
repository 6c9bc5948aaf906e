"""Who sees and does what once a referral is screened: each category on its own, a closed
and a progressed referral, the panel passing on what the police gave it and that ending
when the police revoke, the originating force's own view, who may share on and who may
revoke, and how the auditors' record names whose information a decision disclosed.

Each permission test asks the same question of the same case as two users, one allowed and
one refused, so the refusal can only come from who asks."""

import csv
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.exceptions import ValidationError

from audit.models import SharingDecision
from audit.services.exports import COLUMNS
from audit.vocabulary import Category, ConsentStatus
from prevent_cases.demo.accounts import DEMO_PASSWORD
from prevent_cases.roles import AgencyKind, Role
from prevent_cases.services import agency_create, user_create_with_membership
from referrals.api.serializers import CATEGORY_BLOCKS
from referrals.selectors import record_categories
from referrals.services.case import referral_decision_revoke
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening
from tests.factories import JUSTIFICATION, make_referral, share

pytestmark = pytest.mark.django_db

POLICE = "Northby Police Prevent Team"
PANEL = "Northby Council Channel Team"
PROVIDER = "Northby Mentoring Partnership"
EARLY_HELP = "Northby Council Early Help"
PANEL_SHARE = {Category.IDENTITY, Category.CONCERN, Category.SCREENING}
RATIONALE = "Enquiries show a susceptibility the Channel panel should consider."
REVOCATION_REASON = "The panel no longer needs the police's information on this case."


def _screen(officer, referral, outcome: str):
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)
    referral_screen(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        data=ScreeningInput(
            deconfliction="no",
            notes="Synthetic screening notes.",
            outcome=outcome,
            rationale=RATIONALE,
            consent_status=ConsentStatus.NOT_SOUGHT,
            consent_reason="Seeking consent before the panel meets would prejudice it.",
            sharing_justification=JUSTIFICATION,
        ),
    )
    referral.refresh_from_db()
    return referral


@pytest.fixture
def progressed(user):
    """A referral the police screened and progressed to Channel: the council's panel is
    responsible and holds identity, concern and screening by the police's decision."""
    officer = user("northby.officer")
    return _screen(officer, make_referral(officer), "channel")


def _panel_decision(referral) -> SharingDecision:
    return SharingDecision.objects.get(
        case_id=referral.pk, disclosing_agency__name=POLICE, receiving_agency__name=PANEL
    )


def _seen(client, referral) -> tuple[int, set[str], set[str]]:
    """(status, categories named, category blocks present) of the referral in the API."""
    response = client.get(f"/api/referrals/{referral.pk}/")
    if response.status_code != 200:
        return response.status_code, set(), set()
    body = response.json()
    return 200, set(body["categories"]), {key for key in body if key in CATEGORY_BLOCKS}


def _sections(client, referral) -> set[str]:
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    return set(re.findall(r'id="section-([a-z_]+)"', page))


# --- Every category on its own -------------------------------------------------------


@pytest.mark.parametrize("category", sorted(record_categories()))
@pytest.mark.parametrize(
    ("username", "receives"), [("northby.health", True), ("northby.education", False)]
)
def test_each_category_shared_alone_is_seen_by_its_receiver_alone(
    sign_in, user, agency, category, username, receives
):
    """A decision naming one category shows the receiver that category and nothing more;
    an agency without a decision does not find the case at all."""
    # Given the police share one category with the NHS trust
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, agency("Northby NHS Trust"), categories=(category,))

    # When the NHS trust, or the college that was given nothing, opens the case
    client = sign_in(username)
    status, categories, blocks = _seen(client, referral)

    # Then the receiver sees that category's fields alone; the college sees no case
    if receives:
        assert (status, categories) == (200, {category})
        expected_blocks = {category} & set(CATEGORY_BLOCKS)
        assert blocks == expected_blocks
        assert _sections(client, referral) == expected_blocks
    else:
        assert status == 404
        assert client.get(f"/referrals/{referral.pk}/").status_code == 404


@pytest.mark.parametrize("category", sorted(set(Category.values) - record_categories()))
def test_the_police_cannot_share_what_their_record_does_not_hold(user, agency, category):
    """The panel's decisions, the assessment and the plan are the panel's information, never
    the police's: a decision naming them is refused and grants nothing."""
    officer = user("northby.officer")
    referral = make_referral(officer)
    with pytest.raises(ValidationError) as refused:
        share(referral, officer, agency("Northby NHS Trust"), categories=(category,))
    assert "categories" in refused.value.message_dict
    assert not referral.grants.exists()


# --- Screened referrals ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcome", "username", "expected"),
    [
        ("no_further_action", "northby.officer", set(Category.values)),
        ("no_further_action", "northby.chair", None),
        ("channel", "northby.officer", set(Category.values)),
        ("channel", "northby.chair", PANEL_SHARE),
        ("channel", "northby.health", None),
    ],
)
def test_a_screened_referral_reaches_the_panel_only_when_progressed(
    sign_in, user, outcome, username, expected
):
    """Closing a referral keeps it the police's alone; progressing it to Channel shares
    identity, concern and screening with the area's panel, which becomes responsible."""
    officer = user("northby.officer")
    referral = _screen(officer, make_referral(officer), outcome)

    client = sign_in(username)
    status, categories, _ = _seen(client, referral)

    if expected is None:
        assert status == 404
        return
    assert (status, categories) == (200, expected)
    body = client.get(f"/api/referrals/{referral.pk}/").json()
    panel = body["responsible_agency"]["name"] if body["responsible_agency"] else None
    assert panel == (PANEL if outcome == "channel" else None)
    # The screening's reasons are the screening's own record, shown with that category.
    page = client.get(f"/referrals/{referral.pk}/").content.decode()
    assert RATIONALE in page


# --- Onward sharing and its upstream revocation ----------------------------------------


@pytest.fixture
def passed_on(progressed, user, agency):
    """The progressed referral, with the panel's chair passing identity on to a mentoring
    provider that has no decision of the police's own."""
    share(progressed, user("northby.chair"), agency(PROVIDER), categories=(Category.IDENTITY,))
    return progressed


def _revoke_panel_share(user, referral) -> SharingDecision:
    officer = user("northby.officer")
    return referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=referral,
        decision=_panel_decision(referral),
        reason=REVOCATION_REASON,
    )


@pytest.mark.parametrize(
    ("username", "before", "after"),
    [
        ("northby.provider", {Category.IDENTITY}, None),
        ("northby.chair", PANEL_SHARE, None),
        ("northby.officer", set(Category.values), set(Category.values)),
    ],
)
def test_what_the_panel_passed_on_ends_when_the_police_revoke(
    sign_in, user, passed_on, username, before, after
):
    """The provider sees what the panel passed on only while the police's decision to
    share with the panel stands; the police keep their whole record."""
    client = sign_in(username)
    assert _seen(client, passed_on)[:2] == (200, before)

    _revoke_panel_share(user, passed_on)

    status, categories, _ = _seen(client, passed_on)
    if after is None:
        assert status == 404
        assert client.get("/api/referrals/").json()["results"] == []
    else:
        assert (status, categories) == (200, after)


def test_the_panel_passes_on_only_what_the_police_gave_it(sign_in, passed_on, agency):
    """Health information was never shared with the panel, so it cannot pass it on."""
    client = sign_in("northby.chair")
    response = client.post(
        f"/api/referrals/{passed_on.pk}/sharing-decisions/",
        _decision_payload(agency(PROVIDER), passed_on, categories=[Category.HEALTH]),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert _seen(sign_in("northby.provider"), passed_on)[1] == {Category.IDENTITY}


# --- The originating force's own view ---------------------------------------------------


def _decisions_seen(client, referral) -> set[tuple[str, str, str, str]]:
    """(action, discloser, receiver, whose information) of each decision the API lists."""
    rows = client.get(f"/api/referrals/{referral.pk}/sharing-decisions/").json()
    return {
        (
            row["action"],
            row["disclosing_agency"]["name"],
            row["receiving_agency"]["name"],
            row["source_agency"]["name"],
        )
        for row in rows
    }


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        # The police see their own decision and where the panel passed their information on.
        (
            "northby.officer",
            {("share", POLICE, PANEL, POLICE), ("share", PANEL, PROVIDER, POLICE)},
        ),
        # The provider sees only the decision that names it.
        ("northby.provider", {("share", PANEL, PROVIDER, POLICE)}),
    ],
)
def test_the_originating_force_sees_where_its_information_went(
    sign_in, passed_on, username, expected
):
    """The police's view of their own case lists every decision disclosing their
    information, the panel's onward share included; a receiver sees only its own."""
    assert _decisions_seen(sign_in(username), passed_on) == expected


# --- Only the responsible panel shares on ------------------------------------------------


@pytest.fixture
def early_help(progressed, user, agency):
    """A second council team in the area, not the panel, holding identity and concern by
    the police's own decision, with a chair of its own."""
    team = agency_create(name=EARLY_HELP, kind=AgencyKind.LOCAL_AUTHORITY, area=agency(PANEL).area)
    user_create_with_membership(
        username="northby.earlyhelp",
        password=DEMO_PASSWORD,
        first_name="Sam",
        last_name="Synthetic",
        email="northby.earlyhelp@example.org",
        agency=team,
        role=Role.PANEL_CHAIR,
    )
    share(progressed, user("northby.officer"), team)
    return progressed


def _decision_payload(receiver, referral, *, categories) -> dict:
    return {
        "receiving_agency": str(receiver.pk),
        "action": "share",
        "categories": categories,
        "purpose": "Mentoring agreed by the panel",
        "legal_basis": "ctsa_2015_s36_38",
        "consent_status": "given",
        "justification": JUSTIFICATION,
        "source_agency": str(referral.owning_agency_id),
    }


@pytest.mark.parametrize(
    ("username", "form_status", "api_status"),
    [("northby.chair", 200, 201), ("northby.earlyhelp", 403, 403)],
)
def test_only_the_responsible_panel_passes_the_police_information_on(
    sign_in, agency, early_help, username, form_status, api_status
):
    """Both council teams hold the police's identity information directly, but only the
    team whose panel is responsible for the case may pass it on."""
    client = sign_in(username)
    assert client.get(f"/referrals/{early_help.pk}/sharing/new/").status_code == form_status
    response = client.post(
        f"/api/referrals/{early_help.pk}/sharing-decisions/",
        _decision_payload(agency(PROVIDER), early_help, categories=[Category.IDENTITY]),
        content_type="application/json",
    )
    assert response.status_code == api_status
    provider_sees = _seen(sign_in("northby.provider"), early_help)
    assert provider_sees[:2] == ((200, {Category.IDENTITY}) if api_status == 201 else (404, set()))


# --- Only the agency that decided revokes -------------------------------------------------


# How each path revokes: (address, how the body is sent, the answer when allowed).
REVOKE = {
    "page": ("/referrals/{case}/sharing/{decision}/revoke/", {}, 302),
    "api": (
        "/api/referrals/{case}/sharing-decisions/{decision}/revoke/",
        {"content_type": "application/json"},
        201,
    ),
}


@pytest.mark.parametrize("via", REVOKE)
@pytest.mark.parametrize(
    ("username", "allowed"), [("northby.officer", True), ("northby.chair", False)]
)
def test_only_the_police_revoke_the_police_decision(sign_in, progressed, via, username, allowed):
    """The panel holds the police's decision to share with it but may not end it."""
    decision = _panel_decision(progressed)
    address, sent_as, done = REVOKE[via]
    response = sign_in(username).post(
        address.format(case=progressed.pk, decision=decision.pk),
        {"reason": REVOCATION_REASON},
        **sent_as,
    )
    assert response.status_code == (done if allowed else 403)
    assert hasattr(SharingDecision.objects.get(pk=decision.pk), "superseded_by") is allowed
    assert _seen(sign_in("northby.chair"), progressed)[0] == (404 if allowed else 200)


# --- What the auditors' record says ------------------------------------------------------


class _Table(HTMLParser):
    """The cells of each body row of the page's tables, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = []
        elif tag == "br" and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag) -> None:
        if tag == "td" and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data) -> None:
        if self._cell is not None:
            self._cell.append(data)


def _table_rows(page: str) -> list[list[str]]:
    table = _Table()
    table.feed(page)
    return [row for row in table.rows if row]


@pytest.fixture
def onward_then_revoked(passed_on, user):
    _revoke_panel_share(user, passed_on)
    return passed_on


@pytest.mark.parametrize(("username", "status"), [("northby.auditor", 200), ("northby.chair", 403)])
def test_auditors_see_whose_information_each_decision_disclosed(
    sign_in, onward_then_revoked, username, status
):
    """The panel's onward share reads as the council disclosing the police's information,
    and the police's revocation as the police's own, on the page, in CSV and in the API."""
    # Given the panel passed the police's information on and the police then revoked the
    # panel's share; when an auditor, or the panel's chair, opens the record of decisions
    client = sign_in(username)
    page = client.get("/audit/decisions/")
    export = client.get("/audit/decisions/export.csv")
    api = client.get("/api/audit/decisions/")
    assert {page.status_code, export.status_code, api.status_code} == {status}
    if status != 200:
        return

    # Then the page names whose information an onward share passes on; a decision about
    # the discloser's own information (the revocation) names no one else's
    # Columns: decided, case, from and to, decided by, decision, consent.
    rows = {
        (row[2].split(" passing on ")[0], row[4].split(":")[0]): row[2]
        for row in _table_rows(page.content.decode())
    }
    onward = rows[(f"{PANEL} to {PROVIDER}", "Shared")]
    assert onward == f"{PANEL} to {PROVIDER} passing on {POLICE}'s information"
    assert rows[(f"{POLICE} to {PANEL}", "Revoked")] == f"{POLICE} to {PANEL}"

    # And so do the export and the API
    lines = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), COLUMNS))[1:]
    exported = {
        (line["disclosing agency"], line["receiving agency"], line["action"]): line[
            "whose information"
        ]
        for line in lines
    }
    listed = {
        (row["disclosing_agency"]["name"], row["receiving_agency"]["name"], row["action"]): row[
            "source_agency"
        ]["name"]
        for row in api.json()["results"]
    }
    assert exported[(PANEL, PROVIDER, "Shared")] == listed[(PANEL, PROVIDER, "share")] == POLICE
    assert exported[(POLICE, PANEL, "Revoked")] == listed[(POLICE, PANEL, "revoke")] == POLICE
