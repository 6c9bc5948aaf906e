"""Deny by default: after sign-in, every page also needs an active agency membership."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from prevent_cases.selectors import membership_for_user


class MembershipRequiredMiddleware:
    """Refuse signed-in users with no active membership in an active agency.

    Django's LoginRequiredMiddleware has already sent anonymous users to sign in; views
    marked ``login_not_required`` or ``membership_not_required`` are let through.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs) -> HttpResponse | None:
        request.membership = None
        if not request.user.is_authenticated:
            return None
        request.membership = membership_for_user(request.user)
        if request.membership is not None:
            return None
        if not getattr(view_func, "login_required", True):
            return None
        if getattr(view_func, "membership_not_required", False):
            return None
        return render(request, "errors/no_membership.html", status=403)
