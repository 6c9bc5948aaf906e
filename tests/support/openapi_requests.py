"""Requests built from the API's OpenAPI schema: its operations, plausible bodies, and
bodies that break the schema in one way each, so that an endpoint added later is driven
too."""

import dataclasses
import datetime
import json
import uuid

from django.utils import timezone

from prevent_cases.models import Agency, Area

# Longer than any free text the app records (the referral's own longest is 20,000).
UNBOUNDED = 100_001
PLAUSIBLE_TEXT = "Synthetic text for the hostile-input test, long enough for any minimum length."


@dataclasses.dataclass(frozen=True)
class Operation:
    method: str
    template: str
    path_params: tuple[str, ...]
    query: dict[str, dict]  # each query parameter's schema
    body: dict | None  # the request body's schema, resolved

    def url(self, ids: dict[str, object]) -> str:
        url = self.template
        for name in self.path_params:
            url = url.replace(f"{{{name}}}", str(ids[name]))
        return url

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.template}"


def resolve(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        return resolve(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    if "oneOf" in schema or "allOf" in schema:
        options = [resolve(o, components) for o in schema.get("oneOf", schema.get("allOf"))]
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
                name: resolve(prop, components) for name, prop in schema["properties"].items()
            },
        }
    if schema.get("type") == "array" and "items" in schema:
        return {**schema, "items": resolve(schema["items"], components)}
    return schema


def operations(schema: dict, prefix: str = "/api/") -> list[Operation]:
    components = schema["components"]["schemas"]
    found = []
    for template, item in schema["paths"].items():
        if not template.startswith(prefix):
            continue
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            parameters = operation.get("parameters", [])
            params = tuple(p["name"] for p in parameters if p["in"] == "path")
            query = {
                p["name"]: resolve(p.get("schema", {}), components)
                for p in parameters
                if p["in"] == "query"
            }
            content = operation.get("requestBody", {}).get("content", {})
            body = content.get("application/json", {}).get("schema")
            found.append(
                Operation(
                    method, template, params, query, resolve(body, components) if body else None
                )
            )
    return found


def known_ids() -> dict[str, object]:
    """Ids a plausible body names for fields that point at an agency or area (Northby's)."""
    return {
        "to_agency": Agency.objects.get(name="Northby NHS Trust").pk,
        "owner_agency": Agency.objects.get(name="Northby NHS Trust").pk,
        "receiving_agency": Agency.objects.get(name="Northby NHS Trust").pk,
        "delivering_agency": Agency.objects.get(name="Northby Mentoring Partnership").pk,
        "agency_id": Agency.objects.get(name="Northby NHS Trust").pk,
        "area": Area.objects.get(name="Northby").pk,
        "to_area": Area.objects.get(name="Southmere").pk,
    }


def plausible(schema: dict, name: str = "", known: dict | None = None):
    known = known or {}
    if "enum" in schema:
        return next(value for value in schema["enum"] if value)
    kind, fmt = schema.get("type"), schema.get("format")
    if kind == "object":
        return {
            prop: plausible(sub, prop, known) for prop, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return [plausible(schema.get("items", {}), name, known)]
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
    if fmt == "email":
        return "someone@example.org"
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
        variants.append(("text longer than anything the app records", "x" * UNBOUNDED))
    if schema.get("type") == "array" and schema.get("items"):
        variants += [
            (f"an item with {label}", [value]) for label, value in _wrong_values(schema["items"])
        ]
    return variants


def hostile_bodies(body: dict, known: dict) -> list[tuple[str, object]]:
    """Bodies that break the schema in one way each, the rest plausible."""
    fine = plausible(body, known=known)
    bodies: list[tuple[str, object]] = [
        ("a list instead of an object", [fine]),
        ("an empty list", []),
        ("a bare string", "not an object"),
        ("only an unknown field", {"no_such_field": PLAUSIBLE_TEXT}),
    ]
    for name in body.get("required", []):
        bodies.append((f"{name}: missing", {k: v for k, v in fine.items() if k != name}))
    for name, prop in body.get("properties", {}).items():
        for label, value in _wrong_values(prop):
            bodies.append((f"{name}: {label}", {**fine, name: value, "no_such_field": "extra"}))
    return bodies


def hostile_queries(operation: Operation) -> list[tuple[str, dict[str, str]]]:
    """Query strings that break one parameter's schema each (a query value is text, so
    only the values that are text are sent), and a cursor that was never issued."""
    queries = [
        (f"{name}: {label}", {name: value})
        for name, schema in operation.query.items()
        for label, value in _wrong_values(schema)
        if isinstance(value, str)
    ]
    if "cursor" in operation.query:
        queries.append(("cursor: one never issued", {"cursor": "bm90LWEtY3Vyc29y"}))
    return queries


def send(client, operation: Operation, url: str, body=None, query: dict | None = None):
    client.raise_request_exception = False
    if operation.method == "get":
        return client.get(url, query or {})
    if query:
        url = f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}"
    return getattr(client, operation.method)(url, json.dumps(body), content_type="application/json")


def json_error(response) -> dict | None:
    if not response.get("Content-Type", "").startswith("application/json"):
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return None
    return body if isinstance(body, dict) and "code" in body and "detail" in body else None
