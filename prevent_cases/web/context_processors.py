"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from prevent_cases.selectors import membership_for_user
from prevent_cases.web.role_guidance import NAVIGATION


def membership(request: HttpRequest) -> dict:
    """The signed-in user's membership (agency and role) and the handling marking."""
    membership = getattr(request, "membership", None)
    if membership is None and request.user.is_authenticated:
        # Pages the middleware never reached (a 404 before any view) still say who is in.
        membership = membership_for_user(request.user)
    navigation = [
        {"href": reverse(name), "text": text}
        for name, text in (NAVIGATION[membership.role] if membership else ())
    ]
    return {
        "membership": membership,
        "navigation": navigation,
        "demo_mode": settings.DEMO_MODE,
    }
