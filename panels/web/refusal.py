"""A page's refusal that says why: for pages a role has no use for (the inbox for a
partner, the request queue for an auditor), the 403 names what the page is for."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def refused(request: HttpRequest, *, title: str, reason: str) -> HttpResponse:
    return render(
        request, "panels/not_for_role.html", {"title": title, "reason": reason}, status=403
    )
