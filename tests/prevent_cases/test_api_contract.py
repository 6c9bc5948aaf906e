"""The API answers only what its OpenAPI schema documents, driven from the schema itself so
that an operation added later is checked too.

Every operation is sent plausible and hostile input (each way of breaking its body or
query, unknown and malformed ids) by a signed-in Prevent officer, plausible input by
someone not signed in and by an officer of an unrelated area probing Northby's ids, and
plausible input twice by the user it is meant for, on open work. Each answer's status must
be one the schema lists for that operation, and its body must match the schema documented
for that status: a client generated from the schema can handle every answer.
"""

import json
import uuid

import pytest
from django.http import JsonResponse
from django.test import Client

from audit.services.decisions import verification_run_request
from panels.services.delivery import InterventionChanged
from prevent_cases.api.errors import api_exception_handler
from referrals.models import Referral
from tests.factories import share
from tests.panels.api_ids import PANEL_API, live_ids, rightful
from tests.panels.marked_case import build_marked_case
from tests.support.openapi_contract import Contract
from tests.support.openapi_requests import (
    Operation,
    hostile_bodies,
    hostile_queries,
    known_ids,
    operations,
    plausible,
    send,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(sign_in) -> dict:
    response = sign_in("northby.officer").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.fixture
def ids(user, agency) -> dict[str, object]:
    """Northby's open work, a sharing decision on its referral and a verification run."""
    marked = build_marked_case(user, agency)
    ids = live_ids(user, agency, marked)
    officer, auditor = user("northby.officer"), user("northby.auditor")
    referral = Referral.objects.get(pk=ids["referral_id"])
    decision = share(referral, officer, agency("Northby NHS Trust"))
    run = verification_run_request(actor=auditor, membership=auditor.membership)
    return {**ids, "decision_id": decision.pk, "run_id": run.pk}


def _user_for(operation: Operation) -> str:
    if operation.template.startswith(PANEL_API):
        return rightful(operation.template)
    if operation.template.startswith("/api/audit/"):
        return "northby.auditor"
    return "northby.officer"


def _requests(operation: Operation, ids: dict, known: dict):
    """(what is sent, url, body, query) for one operation: plausible input, each path id
    unknown or malformed, each way of breaking its body and each of its query."""
    fine = plausible(operation.body, known=known) if operation.body else None
    url = operation.url(ids)
    yield "plausible input", url, fine, None
    for name in operation.path_params:
        yield f"{name}: an unknown id", operation.url({**ids, name: uuid.uuid4()}), fine, None
        yield f"{name}: a malformed id", operation.url({**ids, name: "not-a-uuid"}), fine, None
    if operation.body:
        for label, body in hostile_bodies(operation.body, known):
            yield label, url, body, None
    for label, query in hostile_queries(operation):
        yield label, url, fine, query


def test_every_answer_is_documented_with_its_body(sign_in, schema, ids):
    contract, known = Contract(schema), known_ids()
    every = operations(schema)
    problems, sent = [], 0

    def check(who: str, client, operation: Operation, label: str, url, body, query=None):
        nonlocal sent
        sent += 1
        response = send(client, operation, url, body, query)
        if problem := contract.problem(operation, response):
            problems.append(f"{operation} ({label}) as {who}: {problem}")

    officer, unrelated = sign_in("northby.officer"), sign_in("southmere.officer")
    for operation in every:
        check(
            "no one signed in",
            Client(),
            operation,
            "plausible input",
            operation.url(ids),
            plausible(operation.body, known=known) if operation.body else None,
        )
        check(
            "southmere.officer",
            unrelated,
            operation,
            "Northby's ids",
            operation.url(ids),
            plausible(operation.body, known=known) if operation.body else None,
        )
        for label, url, body, query in _requests(operation, ids, known):
            check("northby.officer", officer, operation, label, url, body, query)

    # Last, as it changes the work: what each operation is for, sent twice by its user,
    # so that a write that cannot be repeated answers its conflict.
    clients = {name: sign_in(name) for name in {_user_for(op) for op in every}}
    for operation in every:
        body = plausible(operation.body, known=known) if operation.body else None
        for attempt in ("once", "twice"):
            who = _user_for(operation)
            check(
                who, clients[who], operation, f"plausible input {attempt}", operation.url(ids), body
            )

    assert problems == [], "\n".join(problems)
    assert len(every) >= 55
    assert sent > 800


def test_the_check_catches_an_undocumented_answer(schema):
    """The check above can fail: an answer the schema does not list, or a body unlike the
    one it documents, is reported."""
    contract = Contract(schema)
    (actions,) = [op for op in operations(schema) if str(op) == f"GET {PANEL_API}actions/"]
    refused = {"code": "access_denied", "detail": "Only a panel member."}

    assert contract.problem(actions, JsonResponse(refused, status=403)) is None
    assert "not documented" in contract.problem(actions, JsonResponse(refused, status=404))
    assert "unlike its schema" in contract.problem(
        actions, JsonResponse({"detail": 403}, status=403)
    )


def test_a_conflict_that_carries_more_is_still_a_conflict():
    """A subclass of a domain error keeps its family's status: an intervention changed by
    someone else is a 409 wherever it is raised, not a 400."""
    response = api_exception_handler(InterventionChanged(opened_version=3), {})
    assert response.status_code == 409
    assert response.data["code"] == "conflict"
