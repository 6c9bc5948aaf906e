"""Error pages in the service's style that leak nothing when DEBUG is off."""

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import path

from prevent_cases import urls as service_urls

pytestmark = pytest.mark.django_db

SECRET_DETAIL = "internal detail that must never reach a user"


def _explode(request):
    raise RuntimeError(SECRET_DETAIL)


def _forbid(request):
    raise PermissionDenied(SECRET_DETAIL)


urlpatterns = [*service_urls.urlpatterns, path("explode/", _explode), path("forbid/", _forbid)]


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
