"""Checking an answer of the API against its OpenAPI schema: the status is one the schema
lists for the operation, and the body matches what the schema documents for that status."""

import json

from jsonschema import Draft202012Validator

from tests.support.openapi_requests import Operation


def _json_schema(node):
    """OpenAPI 3.0 to JSON Schema: `nullable` becomes a choice of null."""
    if isinstance(node, list):
        return [_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {key: _json_schema(value) for key, value in node.items()}
    if converted.pop("nullable", False) is True:
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


class Contract:
    def __init__(self, schema: dict) -> None:
        self.paths = schema["paths"]
        self.components = {"schemas": _json_schema(schema["components"]["schemas"])}

    def documented(self, operation: Operation) -> dict[str, dict]:
        return self.paths[operation.template][operation.method]["responses"]

    def problem(self, operation: Operation, response) -> str | None:
        """What is wrong with the answer, or None if the schema documents it."""
        status = str(response.status_code)
        responses = self.documented(operation)
        if status not in responses:
            return f"answered {status}, which is not documented (only {', '.join(responses)})"
        content = responses[status].get("content")
        if not content:
            return None
        if not response.get("Content-Type", "").startswith("application/json"):
            return f"answered {status} with {response.get('Content-Type')}, not JSON"
        schema = _json_schema(content["application/json"]["schema"])
        validator = Draft202012Validator({**schema, "components": self.components})
        body = json.loads(response.content)
        errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        if errors:
            where = "/".join(str(step) for step in errors[0].absolute_path)
            message = errors[0].message[:200]
            return f"answered {status} with a body unlike its schema at {where!r}: {message}"
        return None
