"""Template context shared by every page."""

from django.conf import settings
from django.http import HttpRequest


def membership(request: HttpRequest) -> dict:
    """The signed-in user's membership (agency and role) and the handling marking."""
    return {
        "membership": getattr(request, "membership", None),
        "demo_mode": settings.DEMO_MODE,
    }
