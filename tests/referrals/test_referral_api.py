"""Logging and screening referrals through the API, with the same rules as the pages."""

import pytest
from rest_framework.authtoken.models import Token

from audit.models import AuditEvent
from referrals.models import Referral
from referrals.selectors import current_concern_types
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db


def _body(officer, **overrides) -> dict:
    body = {
        "area": str(officer.membership.agency.area_id),
        "received_on": "2026-11-02",
        "given_names": "Robin",
        "family_name": "Exampleson",
        "date_of_birth": "2010-06-01",
        "referrer_sector": "education",
        "concern_summary": "Synthetic: drawings of weapons with extremist symbols.",
        "concern_type": str(current_concern_types().get(code="extreme_right_wing").pk),
    }
    body.update(overrides)
    return body


def test_officer_logs_a_referral_and_sees_every_category(sign_in, user):
    officer = user("northby.officer")
    response = sign_in("northby.officer").post(
        "/api/referrals/", _body(officer), "application/json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["identity"]["is_child"] is True
    assert body["concern"]["concern_type"] == "extreme_right_wing"
    assert body["screening_due_on"] == "2026-11-09"
    assert Referral.objects.get(pk=body["id"]).owning_agency == officer.membership.agency


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"date_of_birth": None}, "date_of_birth"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"received_on": "2999-01-01"}, "received_on"),
        ({"concern_summary": ""}, "concern_summary"),
        ({"area": "00000000-0000-4000-8000-000000000000"}, "area"),
        ({"concern_type": "00000000-0000-4000-8000-000000000000"}, "concern_type"),
        ({"sex": "unknown-value"}, "sex"),
        ({"given_names": "x" * 500}, "given_names"),
        ({"postcode": "NB1"}, "postcode"),
        ({"postcode": "NB1 2ZZ NB1 2ZZ"}, "postcode"),
        ({"pnc_number": "19/1234567A"}, "pnc_number"),
        ({"pnc_number": "1234567J"}, "pnc_number"),
        ({"linked_subject": "00000000-0000-4000-8000-000000000000"}, None),
    ],
)
def test_bad_referrals_are_refused_with_field_errors_and_nothing_written(
    sign_in, user, overrides, field
):
    officer = user("northby.officer")
    client = sign_in("northby.officer")
    before = AuditEvent.objects.count()
    response = client.post("/api/referrals/", _body(officer, **overrides), "application/json")
    assert response.status_code in (400, 404)
    if field:
        assert field in response.json()["errors"]
    assert not Referral.objects.exists()
    assert AuditEvent.objects.count() == before


def test_identifiers_are_kept_in_one_form(sign_in, user):
    officer = user("northby.officer")
    response = sign_in("northby.officer").post(
        "/api/referrals/",
        _body(officer, postcode="nb1 2zz", pnc_number="19/1234567j"),
        "application/json",
    )

    assert response.status_code == 201, response.json()
    subject = Referral.objects.select_related("subject").get().subject
    assert (subject.postcode, subject.pnc_number) == ("NB1 2ZZ", "19/1234567J")


def test_only_prevent_officers_log_referrals(sign_in, user):
    officer = user("northby.officer")
    response = sign_in("northby.chair").post("/api/referrals/", _body(officer), "application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "access_denied"


def test_screening_through_the_api(sign_in, user):
    officer = user("northby.officer")
    client = sign_in("northby.officer")
    referral = client.post("/api/referrals/", _body(officer), "application/json").json()
    started = client.post(f"/api/referrals/{referral['id']}/screening/start/")
    assert started.json()["status"] == "screening"
    again = client.post(f"/api/referrals/{referral['id']}/screening/start/")
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    outcome = client.post(
        f"/api/referrals/{referral['id']}/screening/outcome/",
        {
            "deconfliction": "no",
            "outcome": "channel",
            "rationale": "Vulnerable to extreme right-wing influence; panel support needed.",
            "consent_status": "not_sought",
            "consent_reason": "Seeking consent first would prejudice the panel's assessment.",
            "sharing_justification": "The panel needs identity, the concern and screening to "
            "decide whether Channel is right for this child.",
        },
        "application/json",
    )
    assert outcome.status_code == 200, outcome.json()
    assert outcome.json()["status"] == "progressed"
    chair_view = sign_in("northby.chair").get(f"/api/referrals/{referral['id']}/").json()
    assert set(chair_view) >= {"identity", "concern", "screening"}
    assert "health" not in chair_view


def test_token_authentication_sees_the_same_cases(db, user, client):
    officer = user("northby.officer")
    referral = make_referral(officer)
    token = Token.objects.create(user=officer)
    response = client.get("/api/referrals/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(referral.pk)]
    other = Token.objects.create(user=user("southmere.officer"))
    hidden = client.get(f"/api/referrals/{referral.pk}/", HTTP_AUTHORIZATION=f"Token {other.key}")
    assert hidden.status_code == 404
    refused = client.get("/api/referrals/", HTTP_AUTHORIZATION="Token not-a-real-token")
    assert refused.status_code in (401, 403)


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("northby.officer", 200),
        ("northby.health", 403),
        ("southmere.officer", 404),
        ("northby.auditor", 404),
    ],
)
def test_only_the_owning_force_starts_screening(sign_in, user, agency, username, status):
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, agency("Northby NHS Trust"))
    response = sign_in(username).post(f"/api/referrals/{referral.pk}/screening/start/")
    assert response.status_code == status
