"""Translating domain errors for HTML views: NotFound is a 404, AccessDenied a 403.

The service's own pages answer, whatever DEBUG says: a refusal is part of how the service
behaves (a case the user may not see must look exactly like a missing one), so it is never
left to Django's debug page, which would also print the reason and the URL patterns."""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from prevent_cases.exceptions import AccessDenied, NotFound


def not_found_page(request: HttpRequest) -> HttpResponse:
    return render(request, "404.html", status=404)


def forbidden_page(request: HttpRequest) -> HttpResponse:
    return render(request, "403.html", status=403)


def domain_errors_as_http(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Let a view raise domain errors and answer with the service's 404 or 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotFound:
            return not_found_page(request)
        except AccessDenied:
            return forbidden_page(request)

    return wrapped
