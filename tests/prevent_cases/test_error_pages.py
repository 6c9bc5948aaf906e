"""Error pages in the service's style that leak nothing when DEBUG is off."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import Client, override_settings
from django.urls import path

from prevent_cases import urls as service_urls

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "internal detail that must never reach a user"


def _explode(request):
    raise RuntimeError(SECRET_DETAIL)


def _forbid(request):
    raise PermissionDenied(SECRET_DETAIL)


def _raise_not_found(request):
    raise Http404(SECRET_DETAIL)


urlpatterns = [
    *service_urls.urlpatterns,
    path("explode/", _explode),
    path("forbid/", _forbid),
    path("gone/", _raise_not_found),
]


def test_missing_page_is_a_styled_404(sign_in):
    response = sign_in("northby.officer").get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert "Traceback" not in page


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_server_error_shows_no_stack_trace(sign_in):
    client = sign_in("northby.officer")
    client.raise_request_exception = False
    response = client.get("/explode/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert SECRET_DETAIL not in page
    assert "Traceback" not in page


@override_settings(ROOT_URLCONF=__name__, DEBUG=False)
def test_forbidden_page_does_not_repeat_the_reason(sign_in):
    response = sign_in("northby.officer").get("/forbid/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "You do not have permission" in page
    assert SECRET_DETAIL not in page


def test_health_check_needs_no_sign_in_and_says_nothing_else(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"ok": True}


@override_settings(DEBUG=True)
@pytest.mark.parametrize("path", ["/no/such/page/", "/referrals/not-a-case-id/"])
def test_even_in_debug_a_missing_page_is_the_services_own(sign_in, path):
    """`make run` serves with DEBUG on: Django's own page would list every URL pattern."""
    response = sign_in("northby.officer").get(path)
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert "OFFICIAL-SENSITIVE" in page
    assert "URLconf" not in page


@override_settings(DEBUG=True, ROOT_URLCONF=__name__)
def test_even_in_debug_a_views_not_found_does_not_repeat_its_reason(sign_in):
    response = sign_in("northby.officer").get("/gone/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page
    assert SECRET_DETAIL not in page


@override_settings(DEBUG=True)
def test_even_in_debug_an_unknown_api_path_answers_json(sign_in):
    response = sign_in("northby.officer").get("/api/referrals/not-a-case-id/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "detail": "Not found."}


@override_settings(DEBUG=True)
def test_a_path_without_its_slash_still_finds_its_page(sign_in):
    response = sign_in("northby.officer").get("/referrals")
    assert response.status_code == 301
    assert response["Location"] == "/referrals/"
