"""No leaks: every item of case data carries its own marker, and every demo user, on every
page, API response and export they can reach, is shown a marker only where its category
of the police's information was shared with their agency (or their agency logged it).

The markers come from the case-data registry (referrals.rules.case_data), so a field added to a
category later is marked, and checked, without changing this file. A field the test cannot
fill fails `test_every_item_of_case_data_carries_its_marker` until it is taught how.
"""

import dataclasses
import datetime
import re

import pytest
from django.db import models
from django.utils.formats import date_format

from audit.models import SharingDecision
from audit.vocabulary import Category, ConsentStatus
from prevent_cases.demo.accounts import demo_sign_ins
from prevent_cases.roles import CONTENT_ROLES, Role
from referrals.api.serializers import CATEGORY_BLOCKS
from referrals.models import Referral, ReferralTransition, Subject
from referrals.rules.case_data import REGISTRY
from referrals.rules.identifiers import pnc_check_letter
from referrals.rules.intake import ReferralIntake
from referrals.selectors import current_concern_types
from referrals.services.case import referral_create, referral_decision_revoke
from referrals.services.screening import ScreeningInput, referral_screen, referral_start_screening
from tests.factories import share

pytestmark = pytest.mark.django_db

OWNER = "Northby Police Prevent Team"
PANEL = "Northby Council Channel Team"
# What progressing to Channel shares with the area's panel (shared/domain.md section 1).
PANEL_SHARE = frozenset({Category.IDENTITY, Category.CONCERN, Category.SCREENING})
# The police share these with partners themselves...
DIRECT = {
    "Northby NHS Trust": frozenset({Category.HEALTH}),
    "Northby College": frozenset({Category.EDUCATION, Category.FAMILY}),
    "Northby Probation Service": frozenset({Category.CRIMINAL_JUSTICE}),
}
# ...and the panel's chair passes on part of what the police gave the panel. Probation and
# the NHS hold some of the police's information directly as well; the mentoring provider
# holds nothing but what the panel passed on.
ONWARD = {
    "Northby NHS Trust": frozenset({Category.IDENTITY, Category.CONCERN}),
    "Northby Probation Service": frozenset({Category.SCREENING}),
    "Northby Mentoring Partnership": frozenset({Category.IDENTITY}),
}
SHARED, REVOKED = "shared", "after the police revoke the panel's share"
REVOCATION_REASON = "The panel no longer needs the police's information on this case."

# Fields that cannot carry a marker, and why; they are checked through the API's category
# blocks and the page's sections instead (present exactly when the category is shown).
UNMARKABLE_BY_TYPE = (
    (models.BooleanField, "yes or no"),
    (models.ForeignKey, "a choice from a published list"),
    # Stamped by the service at the moment of the step, which the framing's timestamps
    # (the transition, the decision to share with the panel) show as well.
    (models.DateTimeField, "the moment of a step, also shown as framing"),
    (models.IntegerField, "a small number, not told apart from other numbers on a page"),
)
UNMARKABLE_FIELDS = {
    (Referral, "outcome"): "a code from the screening workflow's list of outcomes",
}
# The screening service records the one rationale it is given as the referral's outcome
# rationale and as the reason of the step that progresses it: one marker serves both.
SAME_INPUT = {(ReferralTransition, "reason"): (Referral, "outcome_rationale")}
FIRST_MARKED_DATE = datetime.date(2009, 2, 27)
# Identifiers intake refuses unless they are in their format: a marker in that format.
FORMATTED_IDENTIFIERS = {
    "postcode": lambda number: f"ZQ{number:02d} 9XJ",
    "pnc_number": lambda number: f"26/{number:07d}{pnc_check_letter('26', f'{number:07d}')}",
}


@dataclasses.dataclass(frozen=True)
class Marker:
    model: type[models.Model]
    field: str
    category: str
    value: object  # what is stored
    forms: tuple[str, ...]  # how a response may show it

    @property
    def name(self) -> str:
        return f"{self.model.__name__}.{self.field}"


def _unmarkable_reason(model: type[models.Model], name: str) -> str | None:
    field = model._meta.get_field(name)
    if (model, name) in UNMARKABLE_FIELDS:
        return UNMARKABLE_FIELDS[(model, name)]
    if field.choices:
        return "a choice from a fixed list"
    for field_type, reason in UNMARKABLE_BY_TYPE:
        if isinstance(field, field_type):
            return reason
    return None


def _date_forms(day: datetime.date) -> tuple[str, ...]:
    # Every way a page, the API or an export writes a date.
    return (
        day.isoformat(),
        date_format(day, "j F Y"),
        date_format(day, "j M Y"),
        day.strftime("%d/%m/%Y"),
    )


def _registry_items():
    # The police's record of a referral; the panel's records have their own no-leak test
    # (tests/panels/test_no_leaks.py).
    for case_model in REGISTRY:
        if case_model.model._meta.app_label != "referrals":
            continue
        for category, names in case_model.categories.items():
            for name in names:
                yield case_model.model, name, category


def _markers() -> dict[tuple[type[models.Model], str], Marker]:
    markers: dict[tuple[type[models.Model], str], Marker] = {}
    marked_dates = 0
    for number, (model, name, category) in enumerate(_registry_items()):
        if (model, name) in SAME_INPUT or _unmarkable_reason(model, name):
            continue
        field = model._meta.get_field(name)
        # Short enough for the narrowest field (a postcode), and nothing else on any page
        # looks like it.
        text = f"ZQ{number:03d}XJ"
        if isinstance(field, models.DateField):
            day = FIRST_MARKED_DATE + datetime.timedelta(days=marked_dates)
            marked_dates += 1
            markers[(model, name)] = Marker(model, name, category, day, _date_forms(day))
        elif isinstance(field, models.JSONField):
            markers[(model, name)] = Marker(model, name, category, [text], (text,))
        elif name in FORMATTED_IDENTIFIERS:
            value = FORMATTED_IDENTIFIERS[name](number)
            markers[(model, name)] = Marker(model, name, category, value, (value,))
        elif isinstance(field, models.EmailField):
            markers[(model, name)] = Marker(model, name, category, f"{text}@example.org", (text,))
        elif isinstance(field, models.TextField):
            # Long enough for fields that ask for a reason (a screening rationale).
            value = f"Synthetic {field.verbose_name}: {text}"
            markers[(model, name)] = Marker(model, name, category, value, (text,))
        else:
            markers[(model, name)] = Marker(model, name, category, text, (text,))
    for (model, name), (same_model, same_name) in SAME_INPUT.items():
        same = markers[(same_model, same_name)]
        category = next(c for m, n, c in _registry_items() if (m, n) == (model, name))
        assert category == same.category, (
            f"{model.__name__}.{name} shares a marker across categories"
        )
        markers[(model, name)] = dataclasses.replace(same, model=model, field=name)
    return markers


MARKERS = _markers()


def _marker(model: type[models.Model], name: str) -> Marker:
    return MARKERS[(model, name)]


def _unmarked_value(model: type[models.Model], name: str) -> object:
    """A value other than the default, so a block that shows it shows something recorded."""
    field = model._meta.get_field(name)
    if isinstance(field, models.BooleanField):
        return True
    if isinstance(field, models.ForeignKey):
        return current_concern_types().values_list("pk", flat=True).first()
    if field.choices:
        return next(value for value, _ in field.choices if value and value != field.default)
    if isinstance(field, models.IntegerField):
        return 17
    return None


def _intake(area_id) -> ReferralIntake:
    """A referral intake with every field of case data it asks for marked."""
    asked = {item.name for item in dataclasses.fields(ReferralIntake)}
    values: dict = {"area_id": area_id, "received_on": datetime.date(2026, 11, 2)}
    for model, name, _ in _registry_items():
        if model not in (Subject, Referral):
            continue
        intake_name = (
            f"{name}_id" if isinstance(model._meta.get_field(name), models.ForeignKey) else name
        )
        # An intake gives a date of birth or an estimated age, never both: the date is marked.
        if intake_name not in asked or intake_name == "estimated_age":
            continue
        if (model, name) in MARKERS:
            value = _marker(model, name).value
            values[intake_name] = tuple(value) if isinstance(value, list) else value
        else:
            values[intake_name] = _unmarked_value(model, name)
    return ReferralIntake(**values)


def _screening() -> ScreeningInput:
    return ScreeningInput(
        deconfliction="no",
        notes=_marker(Referral, "screening_notes").value,
        outcome="channel",
        rationale=_marker(Referral, "outcome_rationale").value,
        consent_status=ConsentStatus.NOT_SOUGHT,
        consent_reason="Seeking consent before the panel meets would prejudice the assessment.",
        sharing_justification="The panel needs who the person is, the concern and the "
        "screening to decide whether Channel is the right route.",
    )


@dataclasses.dataclass
class MarkerCase:
    referral: Referral
    panel_decision: SharingDecision


@pytest.fixture
def marker_case(user, agency) -> MarkerCase:
    """The marked referral, screened and progressed to Channel, shared directly and on."""
    officer, chair = user("northby.officer"), user("northby.chair")
    referral = referral_create(
        actor=officer,
        membership=officer.membership,
        intake=_intake(officer.membership.agency.area_id),
    )
    referral_start_screening(actor=officer, membership=officer.membership, referral=referral)
    referral_screen(
        actor=officer, membership=officer.membership, referral=referral, data=_screening()
    )
    referral.refresh_from_db()
    assert referral.responsible_agency == agency(PANEL)
    for name, categories in DIRECT.items():
        share(referral, officer, agency(name), categories=tuple(categories))
    for name, categories in ONWARD.items():
        share(referral, chair, agency(name), categories=tuple(categories))
    panel_decision = SharingDecision.objects.get(
        case_id=referral.pk, receiving_agency=agency(PANEL), disclosing_agency=agency(OWNER)
    )
    return MarkerCase(referral, panel_decision)


def _revoke_panel_share(user, case: MarkerCase) -> None:
    officer = user("northby.officer")
    referral_decision_revoke(
        actor=officer,
        membership=officer.membership,
        referral=case.referral,
        decision=case.panel_decision,
        reason=REVOCATION_REASON,
    )


def test_every_item_of_case_data_carries_its_marker(marker_case):
    """Each markable field of the registry holds its marker; the rest say why they cannot."""
    referral = Referral.objects.select_related("subject").get(pk=marker_case.referral.pk)
    progress = referral.transitions.get(to_status="progressed")
    rows = {Subject: referral.subject, Referral: referral, ReferralTransition: progress}
    unfilled = []
    for model, name, category in _registry_items():
        assert model in rows, f"teach the marker case to fill {model.__name__}"
        if (model, name) not in MARKERS:
            assert _unmarkable_reason(model, name), f"{model.__name__}.{name}"
            continue
        if getattr(rows[model], name) != _marker(model, name).value:
            unfilled.append(f"{model.__name__}.{name} ({category})")
    assert unfilled == [], "fields the marker case leaves without their marker"
    # A category whose fields are all unmarkable (health: yes or no answers) is checked
    # through its API block and page section alone, so it must have them.
    unmarked = {c for _, _, c in _registry_items()} - {m.category for m in MARKERS.values()}
    assert unmarked <= set(CATEGORY_BLOCKS)


# --- Who should see what ------------------------------------------------------------

SIGN_INS = {row["username"]: row for row in demo_sign_ins()}
ALL_CATEGORIES = frozenset(Category.values)


def _visible(username: str, phase: str) -> frozenset[str]:
    """The categories of the police's information the user's agency should be shown."""
    row = SIGN_INS[username]
    # Auditors and administrators never see case content, whatever their agency holds.
    if row["role"] in (Role.AUDITOR, Role.ADMINISTRATOR):
        return frozenset()
    if row["agency"] == OWNER:
        return ALL_CATEGORIES
    panel_holds = phase == SHARED
    held = set(DIRECT.get(row["agency"], ()))
    if row["agency"] == PANEL and panel_holds:
        held |= PANEL_SHARE
    if panel_holds:
        # Onward grants rest on the panel's own grant of the police's information.
        held |= ONWARD.get(row["agency"], set())
    return frozenset(held)


def _may_share(username: str, phase: str) -> bool:
    row = SIGN_INS[username]
    if row["agency"] == OWNER:
        return row["role"] == Role.PREVENT_OFFICER
    return (
        row["agency"] == PANEL
        and phase == SHARED
        and row["role"] in (Role.PANEL_CHAIR, Role.CHANNEL_COORDINATOR)
    )


def _shown(text: str, *, typed: frozenset[str] = frozenset()) -> set[str]:
    """Names of the markers that appear in a response (ignoring what the user typed)."""
    return {
        marker.name
        for marker in MARKERS.values()
        if any(form in text and form not in typed for form in marker.forms)
    }


def _markers_of(categories: frozenset[str]) -> set[str]:
    return {marker.name for marker in MARKERS.values() if marker.category in categories}


def _body(response) -> str:
    return response.content.decode()


# --- Every page, API response and export --------------------------------------------


def _case_responses(client, case: MarkerCase) -> dict:
    referral = case.referral
    base, api = f"/referrals/{referral.pk}/", f"/api/referrals/{referral.pk}/"
    return {
        "detail page": client.get(base),
        "API detail": client.get(api),
        "decisions API": client.get(f"{api}sharing-decisions/"),
        "sharing form": client.get(f"{base}sharing/new/"),
        "screening page": client.get(f"{base}screening/outcome/"),
        "revoke page": client.get(f"{base}sharing/{case.panel_decision.pk}/revoke/"),
    }


def _list_responses(client, referral) -> dict:
    family_name = _marker(Subject, "family_name").value
    return {
        "dashboard": client.get("/referrals/", {"status": "all"}),
        "dashboard search by reference": client.get(
            "/referrals/", {"status": "all", "q": referral.reference}
        ),
        "dashboard search by name": client.get("/referrals/", {"status": "all", "q": family_name}),
        "API list": client.get("/api/referrals/"),
    }


def _audit_responses(client, referral) -> dict:
    responses = {
        "auditors' decisions": client.get("/audit/decisions/"),
        "auditors' CSV export": client.get("/audit/decisions/export.csv"),
        "auditors' case views": client.get("/audit/case-views/", {"case": str(referral.pk)}),
        "auditors' decisions API": client.get("/api/audit/decisions/"),
        "auditors' case views API": client.get("/api/audit/case-views/"),
    }
    decisions = SharingDecision.objects.filter(case_id=referral.pk).order_by("decided_at", "id")
    for number, decision in enumerate(decisions):
        responses[f"auditors' decision {number}"] = client.get(f"/audit/decisions/{decision.pk}/")
        responses[f"auditors' decision API {number}"] = client.get(
            f"/api/audit/decisions/{decision.pk}/"
        )
    return responses


def _intake_matching(client) -> object:
    """Search for the marked person's name and date of birth as a new referral's subject."""
    client.get("/referrals/new/")
    born = _marker(Subject, "date_of_birth").value
    client.post(
        "/referrals/new/person/",
        {
            "given_names": _marker(Subject, "given_names").value,
            "family_name": _marker(Subject, "family_name").value,
            "date_of_birth_day": born.day,
            "date_of_birth_month": born.month,
            "date_of_birth_year": born.year,
            "sex": "not_known",
            "interpreter_needed": "no",
        },
    )
    return client.get("/referrals/new/earlier-referrals/")


def _linked_create(client, referral) -> object:
    """Log a new referral through the API, linked to the marked person as the same person,
    with details of the officer's own typing."""
    return client.post(
        "/api/referrals/",
        {
            "area": str(referral.area_id),
            "received_on": "2026-11-03",
            "given_names": "Robin",
            "family_name": "Examplefield",
            "date_of_birth": "2009-03-01",
            "concern_summary": "Synthetic concern typed by the linking officer.",
            "linked_subject": str(referral.subject_id),
        },
        content_type="application/json",
    )


def _sections(page: str) -> set[str]:
    return set(re.findall(r'id="section-([a-z_]+)"', page))


def _blocks(body: dict) -> set[str]:
    return {key for key in body if key in CATEGORY_BLOCKS}


def _categories_with_fields(categories: frozenset[str]) -> set[str]:
    return {category for category in categories if category in CATEGORY_BLOCKS}


def _check_case_paths(
    responses, *, visible, may_share, owner, receives_panel_share, was_given=False
) -> list[str]:
    """Problems with the case's own pages and endpoints, as readable lines. The page of a
    case whose agency was given it once, and holds nothing of it now, says that its access
    ended (403) and shows nothing of the record."""
    problems = []
    sees = bool(visible)
    expected_status = {
        "detail page": 200 if sees else (403 if was_given else 404),
        "API detail": 200 if sees else 404,
        "decisions API": 200 if sees else 404,
        "sharing form": 200 if may_share else (403 if sees else 404),
        "screening page": 200 if owner else (403 if sees else 404),
        # The police's decision to share with the panel: the police may revoke it, the
        # panel sees it but may not, and to anyone else it does not exist.
        "revoke page": 200 if owner else (403 if sees and receives_panel_share else 404),
    }
    for name, response in responses.items():
        if response.status_code != expected_status[name]:
            problems.append(f"{name}: {response.status_code}, not {expected_status[name]}")
    full_record = _markers_of(visible)
    for name in ("detail page", "API detail"):
        shown = _shown(_body(responses[name]))
        if shown != full_record:
            problems.append(
                f"{name}: leaked {sorted(shown - full_record)}, "
                f"missing {sorted(full_record - shown)}"
            )
    if sees:
        if _sections(_body(responses["detail page"])) != _categories_with_fields(visible):
            problems.append(
                f"detail page: sections {sorted(_sections(_body(responses['detail page'])))}"
            )
        body = responses["API detail"].json()
        if _blocks(body) != _categories_with_fields(visible) or set(body["categories"]) != visible:
            problems.append(f"API detail: blocks {sorted(_blocks(body))}, {body['categories']}")
    # Decisions and forms show no case record, even to those who may see all of it.
    for name in ("decisions API", "sharing form", "screening page", "revoke page"):
        if _shown(_body(responses[name])):
            problems.append(f"{name}: shows {sorted(_shown(_body(responses[name])))}")
    return problems


DASHBOARDS = ("dashboard", "dashboard search by reference")


def _check_lists(responses, referral, *, visible) -> list[str]:
    problems = []
    sees, holds_identity = bool(visible), Category.IDENTITY in visible
    allowed = _markers_of(visible)
    names = {_marker(Subject, "given_names").name, _marker(Subject, "family_name").name}
    typed = frozenset(_marker(Subject, "family_name").forms)
    for name, response in responses.items():
        body = _body(response)
        if response.status_code != 200:
            problems.append(f"{name}: {response.status_code}")
        shown = _shown(body, typed=typed if name == "dashboard search by name" else frozenset())
        if not shown <= allowed:
            problems.append(f"{name}: leaked {sorted(shown - allowed)}")
        # A name search must not reveal whose case a grant without identity is about.
        listed = sees and (holds_identity or name != "dashboard search by name")
        # By its id (in the row's link), not its reference, which a search box repeats.
        if (str(referral.pk) in body) is not listed:
            problems.append(f"{name}: case {'missing' if listed else 'listed'}")
        # The dashboard names the person where identity is held, and shows nothing else.
        names_expected = sees and holds_identity
        if name in DASHBOARDS and (shown == names) is not names_expected:
            problems.append(f"{name}: names shown {sorted(shown)}")
    rows = responses["API list"].json()["results"]
    if sees:
        (row,) = rows
        if _shown(str(row)) != allowed:
            problems.append(f"API list: row shows {sorted(_shown(str(row)))}")
        if _blocks(row) != _categories_with_fields(visible):
            problems.append(f"API list: blocks {sorted(_blocks(row))}")
    elif rows:
        problems.append("API list: lists a case the user may not see")
    return problems


def _check_audit(responses, *, auditor, in_area) -> list[str]:
    problems = []
    for name, response in responses.items():
        one_decision = name.startswith("auditors' decision ") or name.startswith(
            "auditors' decision API "
        )
        expected = (200 if in_area or not one_decision else 404) if auditor else 403
        if response.status_code != expected:
            problems.append(f"{name}: {response.status_code}, not {expected}")
        # Auditors review decisions and events, never case narrative.
        if _shown(_body(response)):
            problems.append(f"{name}: shows {sorted(_shown(_body(response)))}")
    return problems


def _check_intake(response, *, username, visible) -> list[str]:
    row = SIGN_INS[username]
    if row["role"] != Role.PREVENT_OFFICER:
        expected_status = 403
    else:
        # An officer is offered the earlier person only where their force holds identity;
        # otherwise the page is skipped as if nobody matched.
        expected_status = 200 if Category.IDENTITY in visible else 302
    problems = []
    if response.status_code != expected_status:
        problems.append(f"intake matching: {response.status_code}, not {expected_status}")
    shown = _shown(_body(response))
    expected = (
        {_marker(Subject, f).name for f in ("given_names", "family_name", "date_of_birth")}
        if expected_status == 200
        else set()
    )
    if shown != expected:
        problems.append(f"intake matching: shows {sorted(shown)}, not {sorted(expected)}")
    return problems


def _check_linking(response, *, username, visible) -> list[str]:
    if SIGN_INS[username]["role"] != Role.PREVENT_OFFICER:
        expected_status = 403
    else:
        # Only a person whose identity the force holds can be linked to; to anyone else
        # the person does not exist.
        expected_status = 201 if Category.IDENTITY in visible else 404
    problems = []
    if response.status_code != expected_status:
        problems.append(f"linked create: {response.status_code}, not {expected_status}")
    # The new referral holds what the officer typed; linking copies nothing of the earlier
    # record.
    if _shown(_body(response)):
        problems.append(f"linked create: shows {sorted(_shown(_body(response)))}")
    return problems


@pytest.mark.parametrize("phase", [SHARED, REVOKED])
@pytest.mark.parametrize("username", list(SIGN_INS))
def test_each_user_is_shown_only_what_was_shared_with_their_agency(
    sign_in, user, marker_case, username, phase
):
    """Every page, API response and export a demo user can reach shows a marker only where
    its category was shared with their agency; a case they may not see answers 404."""
    # Given the marked case, shared directly and passed on by the panel (and, in the
    # second phase, the police's share with the panel revoked)
    if phase == REVOKED:
        _revoke_panel_share(user, marker_case)
    referral = marker_case.referral
    client = sign_in(username)
    visible = _visible(username, phase)
    row = SIGN_INS[username]

    # When they ask for everything there is to ask for
    case_responses = _case_responses(client, marker_case)
    list_responses = _list_responses(client, referral)
    audit_responses = _audit_responses(client, referral)
    matching = _intake_matching(client)
    linked = _linked_create(client, referral)

    # Then each answer shows exactly what their agency holds
    problems = [
        *_check_case_paths(
            case_responses,
            visible=visible,
            may_share=_may_share(username, phase),
            owner=row["agency"] == OWNER and row["role"] == Role.PREVENT_OFFICER,
            receives_panel_share=row["agency"] == PANEL,
            was_given=row["role"] in CONTENT_ROLES
            and (row["agency"] == PANEL or row["agency"] in DIRECT or row["agency"] in ONWARD),
        ),
        *_check_lists(list_responses, referral, visible=visible),
        *_check_audit(
            audit_responses, auditor=row["role"] == Role.AUDITOR, in_area=row["area"] == "Northby"
        ),
        *_check_intake(matching, username=username, visible=visible),
        *_check_linking(linked, username=username, visible=visible),
    ]
    assert problems == [], f"{username} ({row['agency']}), {phase}"
