"""The OpenAPI schema lists every answer an operation can give, errors included.

Most errors follow from the shape of an operation, so they are added here rather than on
each view: every operation can refuse the caller (403), one that takes input can find it
invalid (400), one on an id or a cursor can find nothing there (404). A conflict (409)
depends on what the service checks, so the views that can answer one say so with CONFLICT.
The bodies are those of prevent_cases.api.errors.
"""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from prevent_cases.api.serializers import ErrorOutput, InvalidRequestOutput

# Invalid values of these are ignored (page size, limit, offset) or a 404 (cursor).
PAGING_PARAMETERS = frozenset({"cursor", "page_size", "limit", "offset"})

INVALID = OpenApiResponse(
    InvalidRequestOutput,
    description="The input has errors (`code` is `invalid`, with `errors` per field) or is not "
    "JSON (`parse_error`). Nothing was recorded.",
)
REFUSED = OpenApiResponse(
    ErrorOutput,
    description="Not signed in (`not_authenticated`, also for a missing or invalid token: "
    "the API does not answer 401), not linked to an active agency, or not permitted "
    "(`access_denied`, `permission_denied`).",
)
NOT_FOUND = OpenApiResponse(
    ErrorOutput,
    description="Nothing there: missing, or not visible to the caller's agency; the two are "
    "never told apart. Also an invalid cursor.",
)
CONFLICT = {
    409: OpenApiResponse(
        ErrorOutput,
        description="Refused as things stand: someone else changed it first (`conflict`) "
        "or its stage does not allow this (`transition_not_allowed`). Reload and decide.",
    )
}


def _error_responses(operation: dict) -> dict[str, OpenApiResponse]:
    parameters = operation.get("parameters", [])
    in_path = any(p["in"] == "path" for p in parameters)
    queried = {p["name"] for p in parameters if p["in"] == "query"}
    responses = {"403": REFUSED}
    if "requestBody" in operation or queried - PAGING_PARAMETERS:
        responses["400"] = INVALID
    if in_path or "cursor" in queried:
        responses["404"] = NOT_FOUND
    return responses


class ErrorResponsesSchema(AutoSchema):
    def get_operation(self, *args, **kwargs) -> dict | None:
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, response in _error_responses(operation).items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code)
        operation["responses"] = dict(sorted(responses.items()))
        return operation
