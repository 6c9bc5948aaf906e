"""The panel API under hostile use, generated from its OpenAPI schema so that an endpoint
added later is driven too.

An unrelated agency (Southmere's chair and health trust) using the ids of Northby's case,
meeting, request, action and review is told, on every operation, that nothing is there
(404). The rightful user sending what the schema forbids (wrong types, unknown choices,
missing or unknown fields, overlong text, dates in the wrong format, malformed or unknown
ids, a list instead of an object) gets a 4xx with the API's JSON error, never a server
error or an HTML page; and nothing is written, neither panel rows nor audit events. Each
answer is one the schema documents for the operation, with the body it documents.
"""

import json
import uuid

import pytest
from django.apps import apps

from audit.models import AuditEvent
from panels.services.meetings import agenda_build
from tests.panels.api_ids import PANEL_API, live_ids, northby_ids, rightful
from tests.panels.factories import open_case
from tests.panels.marked_case import MarkedCase, build_marked_case
from tests.panels.meeting_factories import attend, scheduled_meeting
from tests.support.openapi_contract import Contract
from tests.support.openapi_requests import (
    Operation,
    hostile_bodies,
    json_error,
    known_ids,
    operations,
    plausible,
    send,
)

pytestmark = pytest.mark.django_db

UNRELATED = ("southmere.chair", "southmere.health")


def _operations(schema: dict) -> list[Operation]:
    return operations(schema, PANEL_API)


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
    return live_ids(user, agency, marked)


# --- What is written ------------------------------------------------------------------


def _row_counts() -> dict[str, int]:
    counts = {
        model.__name__: model.objects.count()
        for model in apps.get_app_config("panels").get_models()
    }
    counts["AuditEvent"] = AuditEvent.objects.count()
    return counts


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
    client, contract = sign_in(username), Contract(schema)
    ids, known = northby_ids(marked), known_ids()
    before = _row_counts()
    problems = []
    for operation in _operations(schema):
        if not operation.path_params:
            continue
        body = plausible(operation.body, known=known) if operation.body else None
        response = send(client, operation, operation.url(ids), body)
        if response.status_code != 404 or json_error(response) is None:
            problems.append(f"{operation}: {response.status_code} {response.content[:120]!r}")
        elif undocumented := contract.problem(operation, response):
            problems.append(f"{operation}: {undocumented}")
    assert problems == []
    # The same user, on the rightful side: its own area's lists answer.
    assert client.get(f"{PANEL_API}meetings/").status_code in (200, 403)
    assert _row_counts() == before


def _rightful(operation: Operation) -> str:
    return rightful(operation.template)


def _last_event() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _cases(operation: Operation, ids: dict, known: dict) -> list[tuple[str, str, object]]:
    """(what is wrong, url, body) for one operation: each path id unknown, and each way of
    breaking its request body."""
    fine = plausible(operation.body, known=known) if operation.body else None
    cases = [
        (f"{name}: an unknown id", operation.url({**ids, name: uuid.uuid4()}), fine)
        for name in operation.path_params
    ]
    if operation.body and operation.method != "get":
        url = operation.url(ids)
        cases += [(label, url, body) for label, body in hostile_bodies(operation.body, known)]
    return cases


@pytest.mark.parametrize("work", ["closed", "open"])
def test_hostile_input_from_the_rightful_user_is_refused_cleanly(
    sign_in, schema, marked, live, work
):
    """Every way of breaking an operation's schema, and every unknown id in its path, is
    answered with a 4xx and the API's JSON error, and nothing is written: on the marked
    case, which has exited, and on open work, where what the schema allows is carried out."""
    ids, known = (northby_ids(marked) if work == "closed" else live), known_ids()
    operations, contract = _operations(schema), Contract(schema)
    clients = {name: sign_in(name) for name in {_rightful(op) for op in operations}}
    before = _row_counts()
    problems, sent = [], 0
    for operation in operations:
        username = _rightful(operation)
        for label, url, body in _cases(operation, ids, known):
            sent += 1
            last = _last_event()
            response = send(clients[username], operation, url, body)
            wrote = _last_event() != last
            if not 400 <= response.status_code < 500 or json_error(response) is None or wrote:
                problems.append(
                    f"{operation} ({label}) as {username}: {response.status_code}"
                    f"{', wrote' if wrote else ''} {response.content[:160]!r}"
                )
            elif undocumented := contract.problem(operation, response):
                problems.append(f"{operation} ({label}) as {username}: {undocumented}")
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
