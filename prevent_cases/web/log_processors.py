"""structlog processors that keep personal data out of the logs."""

from collections.abc import MutableMapping
from typing import Any


def drop_query_strings(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Cut the query string from logged requests: searches carry names and dates of birth."""
    request = event_dict.get("request")
    if isinstance(request, str) and "?" in request:
        event_dict["request"] = request.split("?", 1)[0]
    return event_dict
