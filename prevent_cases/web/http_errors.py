"""Translating domain errors for HTML views: NotFound is a 404, AccessDenied a 403."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from prevent_cases.exceptions import AccessDenied, NotFound


def domain_errors_as_http(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a view raise domain errors and answer with the service's 404 or 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(error.message) from error
        except AccessDenied as error:
            raise PermissionDenied(error.message) from error

    return wrapped
