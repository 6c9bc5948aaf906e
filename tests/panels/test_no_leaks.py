"""No leaks on the panel side: every item of the panel's case data carries its own marker
(tests/panels/marked_case.py), and every demo user, on every panel page, API response,
set of papers (HTML and PDF) and queue they can reach, and on the referral's own pages, is
shown a marker only where their agency originated that item or holds a live grant for its
(category, source, scope): what prevent_cases.policy.sees_item says of the grants in the
database, not a list written here.

The design's explicit exceptions: the agency a request is addressed to is shown the
request, and the agency an action is given to is shown the action; framing (dates,
stages, who attended) carries no marker.

The pages are found from the `panels` URL namespace and the API from the OpenAPI schema,
so a page or endpoint added later is fetched, and checked, without changing this file.
"""

import dataclasses
import io
import uuid
from types import SimpleNamespace

import pytest
from django.urls import get_resolver, reverse
from pypdf import PdfReader

from audit.vocabulary import Category
from panels.models import (
    Assessment,
    AssessmentEntry,
    Contribution,
    InterventionGoal,
    ProgressEntry,
)
from panels.rules.case_data import PANEL_REGISTRY
from panels.selectors.meetings import panel_agencies
from prevent_cases.demo.accounts import demo_sign_ins
from prevent_cases.models import Agency
from prevent_cases.policy import WHOLE_CASE, handles_case_content, sees_item
from prevent_cases.roles import Role
from referrals.rules.case_data import REGISTRY
from referrals.selectors import holdings_by_referral
from referrals.services.case import referral_decision_revoke, referral_share
from tests.factories import decision_input
from tests.panels.marked_case import (
    MARKER,
    MENTORING_WORK,
    PARTNER_ROW,
    POLICE_MARKED,
    PROBATION_WORK,
    MarkedCase,
    build_marked_case,
    marker,
    text_fields,
    unfilled_fields,
)

pytestmark = pytest.mark.django_db

SIGN_INS = {row["username"]: row for row in demo_sign_ins()}
BUILT, TRUST_SHARES, POLICE_REVOKE = (
    "as built",
    "after the NHS trust shares its information with the police",
    "after the police revoke their share with the panel",
)
# Who, besides those holding it, is shown a row: its addressee (registry comments).
ADDRESSEES = {"InformationRequest": "to_agency_id", "PanelAction": "owner_agency_id"}


@dataclasses.dataclass(frozen=True)
class Item:
    """What decides who may see one marked row."""

    category: str
    source_id: uuid.UUID
    scope: str
    referral_id: uuid.UUID
    addressee_id: uuid.UUID | None = None


@pytest.fixture
def marked(user, agency) -> MarkedCase:
    return build_marked_case(user, agency)


def _registry_text(case_model):
    text = set(text_fields())
    for category, names in case_model.categories.items():
        for name in names:
            if (case_model.model, name) in text:
                yield name, category
    for name in case_model.categorised_by_row:
        if (case_model.model, name) in text:
            yield name, None


def _referral_of(row) -> uuid.UUID | None:
    # A goal is read with its intervention; a meeting's own minutes belong to no one case,
    # so only the panel that holds the meeting (their source) may be shown them.
    if isinstance(row, InterventionGoal):
        return row.intervention.referral_id
    return getattr(row, "referral_id", None)


def _items(marked: MarkedCase) -> dict[str, set[Item]]:
    """Each marker in the database, with the item of every row that holds it."""
    items: dict[str, set[Item]] = {}
    for case_model in PANEL_REGISTRY:
        fields = list(_registry_text(case_model))
        addressee = ADDRESSEES.get(case_model.model.__name__)
        for row in case_model.model.objects.all():
            for name, category in fields:
                for found in MARKER.findall(getattr(row, name)):
                    items.setdefault(found, set()).add(
                        Item(
                            category=category or getattr(row, case_model.category_field),
                            source_id=getattr(row, case_model.source_field),
                            scope=getattr(row, case_model.scope_field)
                            if case_model.scope_field
                            else WHOLE_CASE,
                            referral_id=_referral_of(row),
                            addressee_id=getattr(row, addressee) if addressee else None,
                        )
                    )
    referral = marked.panel_case.referral
    categories = {
        (case_model.model, name): category
        for case_model in REGISTRY
        for category, names in case_model.categories.items()
        for name in names
    }
    for field, value in POLICE_MARKED.items():
        (found,) = MARKER.findall(value)
        items[found] = {Item(categories[field], referral.owning_agency_id, WHOLE_CASE, referral.pk)}
    return items


def _member(role: str = Role.PANEL_MEMBER):
    """A stand-in for any content member of an agency, to ask what papers for it may show."""
    return SimpleNamespace(role=role, is_active=True)


def _shown_item(membership, agency_id, item: Item, grants) -> bool:
    if not handles_case_content(membership):
        return False
    if item.addressee_id == agency_id:
        return True
    return sees_item(
        membership,
        agency_id=agency_id,
        item=(item.category, item.source_id, item.scope),
        grants=grants.get(item.referral_id, frozenset()),
    )


class Expectation:
    """What each agency may be shown, from the registry rows and the live grants now."""

    def __init__(self, marked: MarkedCase):
        self.items = _items(marked)
        referral_ids = [marked.panel_case.referral_id, marked.not_adopted.referral_id]
        # Every agency's grants as they are now, to compare with a later expectation's.
        self._grants = {
            agency.pk: holdings_by_referral(agency=agency, referral_ids=referral_ids)
            for agency in Agency.objects.all()
        }

    def grants(self, agency: Agency) -> dict:
        return self._grants[agency.pk]

    def changed_for(self, previous: "Expectation", viewer) -> bool:
        agency = viewer.membership.agency
        return self.grants(agency) != previous.grants(agency)

    def allowed(self, membership, agency: Agency) -> set[str]:
        grants = self.grants(agency)
        return {
            found
            for found, rows in self.items.items()
            if any(_shown_item(membership, agency.pk, item, grants) for item in rows)
        }


def _shown(body: str) -> set[str]:
    return set(MARKER.findall(body))


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(response.content))
        return "\n".join(page.extract_text() for page in reader.pages)
    return response.content.decode()


# --- Every page, API response, papers and queue ----------------------------------------

CASE_KWARGS = ("panel_case_id", "case_id")


def _ids(marked: MarkedCase, case) -> dict[str, object]:
    return {
        "panel_case_id": case.pk,
        "case_id": case.pk,
        "meeting_id": marked.meeting.pk,
        "item_id": marked.item.pk,
        "request_id": marked.request.pk,
        "action_id": marked.action.pk,
        "review_id": marked.review.pk,
        "referral_id": case.referral_id,
        "intervention_id": marked.mentoring_work.pk,
        "entry_id": ProgressEntry.objects.filter(intervention=marked.mentoring_work)
        .order_by("created_at")
        .values_list("pk", flat=True)
        .first(),
    }


def _cases_for(names, marked: MarkedCase) -> list:
    if not set(names) & set(CASE_KWARGS):
        return [marked.panel_case]
    # Reviews are the exited case's alone.
    if "review_id" in names:
        return [marked.panel_case]
    return [marked.panel_case, marked.not_adopted]


@dataclasses.dataclass(frozen=True)
class Path:
    url: str
    # Whether it names the case, its meeting or its papers: what an unrelated agency must
    # be told does not exist.
    case_bound: bool


def _page_paths(marked: MarkedCase) -> list[Path]:
    _, resolver = get_resolver().namespace_dict["panels"]
    paths = []
    for pattern in resolver.url_patterns:
        names = tuple(pattern.pattern.converters)
        for case in _cases_for(names, marked):
            ids = _ids(marked, case)
            url = reverse(f"panels:{pattern.name}", kwargs={name: ids[name] for name in names})
            paths.append(Path(url, case_bound=bool(names)))
    return paths


def _api_paths(client, marked: MarkedCase) -> list[Path]:
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = []
    for template, operations in schema["paths"].items():
        if not template.startswith("/api/panels/") or "get" not in operations:
            continue
        names = [p["name"] for p in operations["get"].get("parameters", []) if p["in"] == "path"]
        for case in _cases_for(names, marked):
            url = template
            for name in names:
                url = url.replace(f"{{{name}}}", str(_ids(marked, case)[name]))
            paths.append(Path(url, case_bound=bool(names)))
    return paths


def _referral_paths(marked: MarkedCase) -> list[Path]:
    paths = [Path("/referrals/?status=all", case_bound=False)]
    for case in (marked.panel_case, marked.not_adopted):
        for url in (
            f"/referrals/{case.referral_id}/",
            f"/api/referrals/{case.referral_id}/",
            f"/api/referrals/{case.referral_id}/sharing-decisions/",
        ):
            paths.append(Path(url, case_bound=True))
    return paths


@dataclasses.dataclass
class Fetched:
    status: int
    shown: set[str]
    # Papers made for another agency show only what that agency may also see.
    for_agency: Agency | None = None
    case_bound: bool = True


def _papers(client, marked: MarkedCase, membership) -> dict[str, Fetched]:
    base = reverse("panels:papers", kwargs={"meeting_id": marked.meeting.pk})
    fetched = {}
    # The chair makes papers for each agency in turn (a coordinator may too, the same way).
    chairs = (
        membership.agency_id == marked.meeting.panel.agency_id
        and membership.role == Role.PANEL_CHAIR
    )
    recipients = panel_agencies(marked.meeting) if chairs else [None]
    for recipient in recipients:
        for file_format in ("html", "pdf"):
            query = {"format": file_format}
            if recipient is not None:
                query["agency"] = str(recipient.pk)
            response = client.get(base, query)
            fetched[f"papers {file_format} for {recipient or 'own agency'}"] = Fetched(
                response.status_code,
                _shown(_body(response)) if response.status_code == 200 else set(),
                for_agency=recipient,
            )
    return fetched


def _fetch_all(client, marked: MarkedCase, paths: list[Path], membership) -> dict[str, Fetched]:
    # A server error is one more problem to report, with the others.
    client.raise_request_exception = False
    fetched = {}
    for path in paths:
        response = client.get(path.url)
        fetched[path.url] = Fetched(
            response.status_code,
            _shown(_body(response)),
            case_bound=path.case_bound,
        )
    fetched.update(_papers(client, marked, membership))
    return fetched


def _problems(fetched: dict[str, Fetched], *, allowed, allowed_for, outsider: bool) -> list[str]:
    problems = []
    for name, answer in fetched.items():
        if answer.status >= 500:
            problems.append(f"{name}: {answer.status}")
        limit = allowed & allowed_for(answer.for_agency) if answer.for_agency else allowed
        if not answer.shown <= limit:
            problems.append(f"{name}: leaked {sorted(answer.shown - limit)}")
        # A case, meeting or papers the user may not see do not exist for them; a page
        # that takes no GET says so whatever the id.
        if outsider and answer.case_bound and answer.status not in (404, 405):
            problems.append(f"{name}: {answer.status}, not 404")
    return problems


def _union(fetched: dict[str, Fetched], *names: str) -> set[str]:
    shown = set()
    for name, answer in fetched.items():
        if not names or any(part in name for part in names):
            shown |= answer.shown
    return shown


def test_every_text_field_of_the_panel_registry_carries_its_marker(marked):
    """Each free-text field of the panel's registry holds its marker in the marked case, so
    the no-leak check covers it; a field added later fails here until the builder fills it."""
    assert unfilled_fields() == [], "registry text fields the marked case leaves unfilled"
    # One marker, one kind of item: a marker held by rows of different categories, sources
    # or scopes could hide a leak of one behind the other.
    items = _items(marked)
    assert {found: rows for found, rows in items.items() if len(rows) != 1} == {}


INSIDERS = [
    name
    for name, row in SIGN_INS.items()
    if row["area"] == "Northby" and row["role"] not in (Role.AUDITOR, Role.ADMINISTRATOR)
]
# Users of the other area, and those who never see case content.
OUTSIDERS = [name for name in SIGN_INS if name not in INSIDERS]


def _every_path(sign_in, marked: MarkedCase) -> list[Path]:
    api_paths = _api_paths(sign_in("northby.chair"), marked)
    return _page_paths(marked) + _referral_paths(marked) + api_paths


def _look(client, username, marked, paths, expectation, phase, *, outsider=False):
    """What one user is shown everywhere, and every problem with it."""
    membership = client.user_membership
    fetched = _fetch_all(client, marked, paths, membership)
    allowed = expectation.allowed(membership, membership.agency)
    problems = []
    if outsider and allowed:
        problems.append(f"{username}, {phase}: expected to see {sorted(allowed)}")

    def allowed_for(recipient):
        return expectation.allowed(_member(), recipient)

    problems += [
        f"{username}, {phase}: {line}"
        for line in _problems(fetched, allowed=allowed, allowed_for=allowed_for, outsider=outsider)
    ]
    return fetched, problems


@pytest.fixture
def signed_in(sign_in, user):
    """A client signed in as the user, knowing the user's membership."""

    def _signed_in(username: str):
        client = sign_in(username)
        client.user_membership = user(username).membership
        return client

    return _signed_in


def test_other_areas_auditors_and_administrators_are_told_nothing_exists(
    sign_in, signed_in, marked
):
    """Southmere's users, and auditors and administrators of either area, are shown no
    marker on any page, API response, papers or queue, and the case, its meeting and its
    papers answer 404 to them, pages and API alike."""
    paths, expectation = _every_path(sign_in, marked), Expectation(marked)
    problems = []
    for username in OUTSIDERS:
        fetched, found = _look(
            signed_in(username), username, marked, paths, expectation, BUILT, outsider=True
        )
        shown = _union(fetched)
        problems += found + ([f"{username}: shown {sorted(shown)}"] if shown else [])
    assert problems == [], "\n".join(problems)


def _trust_shares_with_the_police(user, agency, marked: MarkedCase) -> None:
    health = user("northby.health")
    referral_share(
        actor=health,
        membership=health.membership,
        referral=marked.panel_case.referral,
        receiving_agency=agency("Northby Police Prevent Team"),
        data=decision_input(
            categories=(Category.HEALTH, Category.ASSESSMENT),
            purpose="Let the police manage the risk with the trust's view",
        ),
        source_agency_id=agency("Northby NHS Trust").pk,
    )


def _police_revoke_the_panel_s_share(user, marked: MarkedCase) -> None:
    officer = user("northby.officer")
    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=marked.panel_case.referral,
        decision=marked.police_to_panel,
        reason="The panel no longer needs the police's information on this case.",
    )


def test_each_member_is_shown_only_what_was_shared_with_their_agency(
    sign_in, signed_in, user, agency, marked
):
    """Every panel page, API response, set of papers (HTML and PDF) and queue each Northby
    user can reach shows a marker only where their agency originated that item, holds a
    live grant for it or is its addressee; and again after each change of grants, for
    those whose agency's grants it changed. The police are shown the NHS trust's
    contribution and assessment entry only once the trust shares them; the mentoring
    provider its own intervention and not the probation service's; after the police revoke
    the panel's share, the panel is shown nothing of the police's record."""
    paths = _every_path(sign_in, marked)
    clients = {username: signed_in(username) for username in INSIDERS}
    problems: list[str] = []
    seen: dict[tuple[str, str], set[str]] = {}
    previous: Expectation | None = None
    for phase, change in (
        (BUILT, None),
        (TRUST_SHARES, lambda: _trust_shares_with_the_police(user, agency, marked)),
        (POLICE_REVOKE, lambda: _police_revoke_the_panel_s_share(user, marked)),
    ):
        if change:
            change()
        expectation = Expectation(marked)
        # After a change, everyone whose agency's grants it changed looks again.
        visitors = [
            name
            for name in INSIDERS
            if previous is None or expectation.changed_for(previous, user(name))
        ]
        previous = expectation
        for username in visitors:
            fetched, found = _look(clients[username], username, marked, paths, expectation, phase)
            seen[(username, phase)] = _union(fetched)
            if (username, phase) == ("northby.chair", BUILT):
                trust_papers = fetched["papers pdf for Northby NHS Trust"].shown
            problems += found

    assert problems == [], "\n".join(problems)
    # The PDF's text is read: the trust's papers carry the panel's record and its own answer.
    assert {marker(Assessment, "summary"), marker(Contribution, "content")} <= trust_papers
    # The police: the trust's contribution and its assessment entry only once shared.
    trust_items = {
        marker(Contribution, "content"),
        marker(AssessmentEntry, "evidence", PARTNER_ROW),
    }
    assert not trust_items & seen[("northby.officer", BUILT)]
    assert trust_items <= seen[("northby.officer", TRUST_SHARES)]
    # The mentoring provider: the case has exited, so its support and its access ended with
    # it; while support ran it saw its own intervention alone (tests/panels/
    # test_support_plan.py).
    provider = seen[("northby.provider", BUILT)]
    assert marker(InterventionGoal, "description", MENTORING_WORK) not in provider
    assert marker(InterventionGoal, "description", PROBATION_WORK) not in provider
    # The panel: the police's record while shared, nothing of it once revoked.
    police_markers = {MARKER.findall(value)[0] for value in POLICE_MARKED.values()}
    for username in ("northby.chair", "northby.coordinator"):
        assert police_markers <= seen[(username, BUILT)]
        assert not police_markers & seen[(username, POLICE_REVOKE)]
