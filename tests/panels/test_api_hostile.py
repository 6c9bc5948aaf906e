"""The panel API under hostile use, generated from its OpenAPI schema so that an endpoint
added later is driven too.

An unrelated agency (Southmere's chair and health trust) using the ids of Northby's case,
meeting, request, action and review is told, on every operation, that nothing is there
(404). The rightful user sending what the schema forbids (wrong types, unknown choices,
missing or unknown fields, overlong text, dates in the wrong format, malformed or unknown
ids, a list instead of an object) gets a 4xx with the API's JSON error, never a server
error or an HTML page; and nothing is written, neither panel rows nor audit events.
"""

import dataclasses
import datetime
import json
import uuid

import pytest
from django.apps import apps
from django.utils import timezone

from audit.models import AuditEvent
from panels.models import AgendaItem, ProgressEntry
from panels.services.meetings import agenda_build, panel_action_set
from prevent_cases.models import Agency, Area
from tests.panels.delivery_steps import answer, assigned, record, session
from tests.panels.factories import open_case
from tests.panels.marked_case import MarkedCase, build_marked_case
from tests.panels.meeting_factories import attend, scheduled_meeting
from tests.panels.request_factories import send_request

pytestmark = pytest.mark.django_db

PANEL_API = "/api/panels/"
UNRELATED = ("southmere.chair", "southmere.health")
# Longer than any free text the panel records (the referral's own longest is 20,000).
UNBOUNDED = 100_001
PLAUSIBLE_TEXT = "Synthetic text for the hostile-input test, long enough for any minimum length."


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    template: str
    path_params: tuple[str, ...]
    body: dict | None  # the request body's schema, resolved

    def url(self, ids: dict[str, object]) -> str:
        url = self.template
        for name in self.path_params:
            url = url.replace(f"{{{name}}}", str(ids[name]))
        return url

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.template}"


def _resolve(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        return _resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "oneOf" in schema or "allOf" in schema:
        options = [_resolve(o, components) for o in schema.get("oneOf", schema.get("allOf"))]
        merged = {key: value for key, value in schema.items() if key not in ("oneOf", "allOf")}
        enums = [value for option in options for value in option.get("enum", [])]
        if enums:
            merged.update(type="string", enum=enums)
        else:
            merged.update(options[0])
        return merged
    if schema.get("type") == "object" and "properties" in schema:
        return {
            **schema,
            "properties": {
                name: _resolve(prop, components) for name, prop in schema["properties"].items()
            },
        }
    if schema.get("type") == "array" and "items" in schema:
        return {**schema, "items": _resolve(schema["items"], components)}
    return schema


def _operations(schema: dict) -> list[Operation]:
    components = schema["components"]["schemas"]
    operations = []
    for template, item in schema["paths"].items():
        if not template.startswith(PANEL_API):
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            params = tuple(p["name"] for p in operation.get("parameters", []) if p["in"] == "path")
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            operations.append(
                Operation(method, template, params, _resolve(body, components) if body else None)
            )
    return operations


@pytest.fixture
def schema(sign_in) -> dict:
    response = sign_in("northby.chair").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def marked(user, agency) -> MarkedCase:
    return build_marked_case(user, agency)


@pytest.fixture
def live(user, agency, marked) -> dict[str, object]:
    """Ids of work still open, where a request the schema allows would be carried out: a
    new case at identification on the agenda of a meeting the police attend, with an
    open request and an open action to the NHS trust; and a case in review whose mentoring
    provider is delivering its intervention and has raised a concern."""
    officer, chair = user("northby.officer"), user("northby.chair")
    trust = agency("Northby NHS Trust")
    (work,) = assigned(officer, chair, agency("Northby Mentoring Partnership"))
    answer(user("northby.provider"), work)
    entry = record(
        user("northby.provider"), work, session(concern=True, notes="He spoke of a new group.")
    )
    case = open_case(officer, chair, family_name="Liveperson")
    request = send_request(case, chair, trust)
    meeting = scheduled_meeting(chair)
    (item,) = agenda_build(actor=chair, membership=chair.membership, meeting=meeting)
    attend(chair, meeting, agency("Northby Police Prevent Team"), trust)
    item = AgendaItem.objects.select_related("meeting__panel", "panel_case__panel").get(pk=item.pk)
    action = panel_action_set(
        actor=chair,
        membership=chair.membership,
        item=item,
        owner_agency=trust,
        description="Synthetic action: send the panel the latest care plan.",
        due_on=timezone.localdate() + datetime.timedelta(days=14),
    )
    return {
        **_northby_ids(marked),
        "panel_case_id": case.pk,
        "case_id": case.pk,
        "meeting_id": meeting.pk,
        "item_id": item.pk,
        "request_id": request.pk,
        "action_id": action.pk,
        "referral_id": case.referral_id,
        "intervention_id": work.pk,
        "entry_id": entry.pk,
    }


def _northby_ids(marked: MarkedCase) -> dict[str, object]:
    # A review not yet recorded, so that recording it is refused for what is sent alone.
    open_review = marked.panel_case.post_exit_reviews.filter(done_at__isnull=True).first()
    return {
        "panel_case_id": marked.panel_case.pk,
        "case_id": marked.panel_case.pk,
        "meeting_id": marked.meeting.pk,
        "item_id": marked.item.pk,
        "request_id": marked.request.pk,
        "action_id": marked.action.pk,
        "review_id": open_review.pk,
        "referral_id": marked.panel_case.referral_id,
        "intervention_id": marked.mentoring_work.pk,
        "entry_id": ProgressEntry.objects.filter(intervention=marked.mentoring_work)
        .order_by("created_at")
        .values_list("pk", flat=True)
        .first(),
    }


# --- Plausible bodies, and one hostile change at a time -------------------------------


def _known_ids() -> dict[str, object]:
    """Ids a plausible body names for fields that point at an agency or area."""
    return {
        "to_agency": Agency.objects.get(name="Northby NHS Trust").pk,
        "owner_agency": Agency.objects.get(name="Northby NHS Trust").pk,
        "delivering_agency": Agency.objects.get(name="Northby Mentoring Partnership").pk,
        "agency_id": Agency.objects.get(name="Northby NHS Trust").pk,
        "to_area": Area.objects.get(name="Southmere").pk,
    }


def _plausible(schema: dict, name: str = "", known: dict | None = None):
    known = known or {}
    if "enum" in schema:
        return next(value for value in schema["enum"] if value)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object":
        return {
            prop: _plausible(sub, prop, known) for prop, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [_plausible(schema.get("items", {}), name, known)]
    if kind == "integer":
        return 1
    if kind == "boolean":
        return True
    if fmt == "uuid":
        return (
            str(known.get(name, uuid.uuid4()))
            if name in known or not schema.get("nullable")
            else None
        )
    if fmt == "date":
        return (timezone.localdate() + datetime.timedelta(days=7)).isoformat()
    if fmt == "date-time":
        return (timezone.now() + datetime.timedelta(days=7)).isoformat()
    return PLAUSIBLE_TEXT[: schema.get("maxLength", len(PLAUSIBLE_TEXT))]


# Values of the wrong kind, by the schema's type and format.
BY_TYPE: dict[str, list[tuple[str, object]]] = {
    "string": [("an object for a string", {"nested": "object"})],
    "integer": [("text for a number", "twelve"), ("a fraction", 1.5)],
    "boolean": [("text for yes or no", "perhaps")],
    "array": [("text for a list", "not a list")],
    "object": [("a list for an object", ["not", "an", "object"])],
}
BY_FORMAT: dict[str, list[tuple[str, object]]] = {
    "date": [("a date in the wrong format", "07/12/2026"), ("no such day", "2026-02-30")],
    "date-time": [("a time in the wrong format", "next Tuesday at noon")],
    "uuid": [("a malformed id", "not-a-uuid"), ("an unknown id", str(uuid.uuid4()))],
}


def _wrong_values(schema: dict) -> list[tuple[str, object]]:
    variants = [*BY_TYPE.get(schema.get("type"), ()), *BY_FORMAT.get(schema.get("format"), ())]
    if "enum" in schema:
        variants.append(("an unknown choice", "no_such_choice"))
    if "maxLength" in schema:
        variants.append(("overlong text", "x" * (schema["maxLength"] + 1)))
    elif schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
        variants.append(("text longer than anything the panel records", "x" * UNBOUNDED))
    if schema.get("type") == "array" and schema.get("items"):
        variants += [
            (f"an item with {label}", [value]) for label, value in _wrong_values(schema["items"])
        ]
    return variants


def _field_variants(name: str, schema: dict) -> list[tuple[str, object]]:
    """Values the schema forbids for one field, each with what is wrong with it."""
    return [(f"{name}: {label}", value) for label, value in _wrong_values(schema)]


def _hostile_bodies(body: dict, known: dict) -> list[tuple[str, object]]:
    """Bodies that break the schema in one way each, the rest plausible."""
    plausible = _plausible(body, known=known)
    bodies: list[tuple[str, object]] = [
        ("a list instead of an object", [plausible]),
        ("an empty list", []),
        ("a bare string", "not an object"),
        ("only an unknown field", {"no_such_field": PLAUSIBLE_TEXT}),
    ]
    for name in body.get("required", []):
        bodies.append((f"{name}: missing", {k: v for k, v in plausible.items() if k != name}))
    for name, prop in body.get("properties", {}).items():
        for label, value in _field_variants(name, prop):
            bodies.append((label, {**plausible, name: value, "no_such_field": "extra"}))
    return bodies


# --- What is written ------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    counts = {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("panels").get_models()
    }
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


def _send(client, operation: Operation, url: str, body) -> object:
    client.raise_request_exception = False
    if operation.method == "get":
        return client.get(url)
    return getattr(client, operation.method)(url, json.dumps(body), content_type="application/json")


def _json_error(response) -> dict | None:
    if not response.get("Content-Type", "").startswith("application/json"):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) and "code" in body and "detail" in body else None


# --- Tests ----------------------------------------------------------------------------


def test_the_schema_names_every_panel_operation(schema):
    """The generated cases cover the panel API: its operations are found in the schema,
    each with its path ids and, for a write, its request body."""
    operations = _operations(schema)
    assert len(operations) >= 30
    assert any(op.body for op in operations if op.method == "post")
    assert {name for op in operations for name in op.path_params} >= {
        "panel_case_id",
        "case_id",
        "meeting_id",
        "item_id",
        "request_id",
        "action_id",
        "review_id",
        "intervention_id",
        "entry_id",
    }


@pytest.mark.parametrize("username", UNRELATED)
def test_an_unrelated_agency_is_told_nothing_is_there(sign_in, schema, marked, username):
    """Every operation on Northby's case, meeting, request, action or review answers 404 to
    a user of another area, whatever it is asked to do, and writes nothing."""
    client = sign_in(username)
    ids, known = _northby_ids(marked), _known_ids()
    before = _row_counts()
    problems = []
    for operation in _operations(schema):
        if not operation.path_params:
            continue
        body = _plausible(operation.body, known=known) if operation.body else None
        response = _send(client, operation, operation.url(ids), body)
        if response.status_code != 404 or _json_error(response) is None:
            problems.append(f"{operation}: {response.status_code} {response.content[:120]!r}")
    assert problems == []
    # The same user, on the rightful side: its own area's lists answer.
    assert client.get(f"{PANEL_API}meetings/").status_code in (200, 403)
    assert _row_counts() == before


def _rightful(operation: Operation) -> str:
    """Who may use an operation: the NHS trust answers its requests and actions, the
    mentoring provider delivers its intervention, a coordinator runs the meetings, the chair
    the rest (and ends a provider's access)."""
    if operation.template.startswith((f"{PANEL_API}requests/", f"{PANEL_API}actions/")):
        return "northby.health"
    if operation.template.startswith(f"{PANEL_API}interventions/") and not (
        operation.template.endswith("/access-end/")
    ):
        return "northby.provider"
    if operation.template.startswith(f"{PANEL_API}meetings/"):
        return "northby.coordinator"
    return "northby.chair"


def _last_event() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _cases(operation: Operation, ids: dict, known: dict) -> list[tuple[str, str, object]]:
    """(what is wrong, url, body) for one operation: each path id unknown, and each way of
    breaking its request body."""
    plausible = _plausible(operation.body, known=known) if operation.body else None
    cases = [
        (f"{name}: an unknown id", operation.url({**ids, name: uuid.uuid4()}), plausible)
        for name in operation.path_params
    ]
    if operation.body and operation.method != "get":
        url = operation.url(ids)
        cases += [(label, url, body) for label, body in _hostile_bodies(operation.body, known)]
    return cases


@pytest.mark.parametrize("work", ["closed", "open"])
def test_hostile_input_from_the_rightful_user_is_refused_cleanly(
    sign_in, schema, marked, live, work
):
    """Every way of breaking an operation's schema, and every unknown id in its path, is
    answered with a 4xx and the API's JSON error, and nothing is written: on the marked
    case, which has exited, and on open work, where what the schema allows is carried out."""
    ids, known = (_northby_ids(marked) if work == "closed" else live), _known_ids()
    operations = _operations(schema)
    clients = {name: sign_in(name) for name in {_rightful(op) for op in operations}}
    before = _row_counts()
    problems, sent = [], 0
    for operation in operations:
        username = _rightful(operation)
        for label, url, body in _cases(operation, ids, known):
            sent += 1
            last = _last_event()
            response = _send(clients[username], operation, url, body)
            wrote = _last_event() != last
            if not 400 <= response.status_code < 500 or _json_error(response) is None or wrote:
                problems.append(
                    f"{operation} ({label}) as {username}: {response.status_code}"
                    f"{', wrote' if wrote else ''} {response.content[:160]!r}"
                )
    assert problems == [], "\n".join(problems)
    assert sent > 200
    assert _row_counts() == before


def test_an_onward_service_longer_than_its_column_is_refused(sign_in, user, agency):
    """Text the schema bounds is refused at its bound, where the database would otherwise
    fail (PostgreSQL enforces the 200 characters of an onward service; SQLite does not)."""
    officer, chair = user("northby.officer"), user("northby.chair")
    case = open_case(officer, chair)
    meeting = scheduled_meeting(chair)
    (item,) = agenda_build(actor=chair, membership=chair.membership, meeting=meeting)
    attend(chair, meeting, agency("Northby Police Prevent Team"))
    client = sign_in("northby.chair")
    url = f"{PANEL_API}meetings/{meeting.pk}/items/{item.pk}/decision/"
    decision = {
        "event": "not_adopt",
        "method": "unanimous",
        "rationale": "The panel agreed the person's needs are better met by health services.",
        "not_adopted_route": "health",
        "version": case.version,
    }

    refused = client.post(
        url, {**decision, "onward_service": "x" * 201}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["onward_service"]
    done = client.post(
        url, {**decision, "onward_service": "x" * 200}, content_type="application/json"
    )
    assert done.status_code == 201
