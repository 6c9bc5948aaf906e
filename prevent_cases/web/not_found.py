"""The service's own "not found" answer for every path, whatever DEBUG says.

With DEBUG on (the embedded default `make run` serves) Django answers a path no view
matches, and any Http404 a view raises, with its technical page: it lists every URL
pattern of the service and repeats the reason. handler404 only takes over with DEBUG off,
so this middleware answers both cases itself: the API's JSON error under /api/, the
service's page elsewhere.
"""

from collections.abc import Callable

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from prevent_cases.api.errors import not_found


class ServiceNotFoundMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            resolve(request.path_info, urlconf=getattr(request, "urlconf", None))
        except Resolver404 as missing:
            # CommonMiddleware, outside this one, still redirects to the path with a slash
            # where that one exists.
            return not_found(request, missing)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return not_found(request, exception)
        return None
