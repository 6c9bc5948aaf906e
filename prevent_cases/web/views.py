"""Pages of the core: home and the health check. Sign-in lives in audit.web.sign_in_views."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from prevent_cases.services import system_health
from prevent_cases.web.access_exemptions import membership_not_required
from prevent_cases.web.role_guidance import next_steps_for_role


def home(request: HttpRequest) -> HttpResponse:
    """The signed-in user's start page: who they are and what they can do next."""
    membership = request.membership
    return render(
        request,
        "prevent_cases/home.html",
        {"next_steps": next_steps_for_role(membership.role)},
    )


@login_not_required
@membership_not_required
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database reachability, for load balancers and docker-compose."""
    return JsonResponse({"ok": system_health()["ok"]})
