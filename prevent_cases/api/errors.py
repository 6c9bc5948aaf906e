"""One JSON error shape for the whole API, with a stable code for every failure.

{"code": "...", "detail": "...", "errors": {"field": ["message", ...]}}; `errors` appears
only for validation failures. A case the caller may not see is a 404 like a missing one.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from prevent_cases.exceptions import (
    AccessDenied,
    ConflictError,
    DomainError,
    NotFound,
    TransitionNotAllowed,
)

DOMAIN_STATUS = {
    NotFound: status.HTTP_404_NOT_FOUND,
    AccessDenied: status.HTTP_403_FORBIDDEN,
    ConflictError: status.HTTP_409_CONFLICT,
    TransitionNotAllowed: status.HTTP_409_CONFLICT,
}


def _domain_response(error: DomainError) -> Response:
    # By the nearest listed ancestor, so a subclass (a ConflictError that carries more)
    # keeps its family's status.
    code = next(
        (DOMAIN_STATUS[kind] for kind in type(error).__mro__ if kind in DOMAIN_STATUS),
        status.HTTP_400_BAD_REQUEST,
    )
    return Response({"code": error.code, "detail": error.message}, status=code)


def _validation_response(error: DjangoValidationError) -> Response:
    errors = (
        error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    )
    return Response(
        {"code": "invalid", "detail": "The request has errors.", "errors": errors},
        status=status.HTTP_400_BAD_REQUEST,
    )


def api_exception_handler(error: Exception, context: dict) -> Response | None:
    if isinstance(error, DomainError):
        return _domain_response(error)
    if isinstance(error, DjangoValidationError):
        return _validation_response(error)
    if isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, DjangoPermissionDenied):
        error = exceptions.PermissionDenied()
    response = drf_exception_handler(error, context)
    if response is None:
        return None  # a server error: Django's 500 handling takes over, with no detail
    if isinstance(error, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": "The request has errors.",
            "errors": response.data
            if isinstance(response.data, dict)
            else {"non_field_errors": response.data},
        }
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        response.data = {"code": getattr(detail, "code", "error"), "detail": str(detail)}
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL no view matched (an API path with a malformed id, say): the
    API's JSON error under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "not_found", "detail": "Not found."}, status=404)
    return page_not_found(request, exception)
