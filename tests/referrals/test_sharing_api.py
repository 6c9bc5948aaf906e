"""Recording and revoking sharing decisions through the API, as clients would."""

import pytest

from audit.event_types import EventType
from audit.models import AuditEvent, SharingDecision
from audit.vocabulary import Category
from prevent_cases.models import Agency
from tests.factories import JUSTIFICATION, make_referral

pytestmark = pytest.mark.django_db

# Recording a share through the API, counted on PostgreSQL (SQLite takes no locks, one less).
STATEMENTS_PER_SHARE = 14


@pytest.fixture
def referral(user):
    return make_referral(user("northby.officer"))


def _body(receiver: Agency, **overrides) -> dict:
    body = {
        "receiving_agency": str(receiver.pk),
        "action": "share",
        "categories": ["identity"],
        "purpose": "Assess support needs at the Channel panel",
        "legal_basis": "ctsa_2015_s36_38",
        "consent_status": "not_sought",
        "consent_reason": "Seeking consent now would prejudice the panel's assessment.",
        "justification": JUSTIFICATION,
    }
    body.update(overrides)
    return body


def test_owner_records_a_share_and_the_receiver_gains_exactly_that(sign_in, referral, agency):
    health = agency("Northby NHS Trust")
    response = sign_in("northby.officer").post(
        f"/api/referrals/{referral.pk}/sharing-decisions/", _body(health), "application/json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["categories"] == ["identity"]
    seen = sign_in("northby.health").get(f"/api/referrals/{referral.pk}/").json()
    assert seen["categories"] == ["identity"]
    assert "concern" not in seen


def test_owner_revokes_and_the_receiver_loses_access(sign_in, referral, agency):
    officer = sign_in("northby.officer")
    decision = officer.post(
        f"/api/referrals/{referral.pk}/sharing-decisions/",
        _body(agency("Northby NHS Trust")),
        "application/json",
    ).json()
    response = officer.post(
        f"/api/referrals/{referral.pk}/sharing-decisions/{decision['id']}/revoke/",
        {"reason": "The trust no longer supports this person."},
        "application/json",
    )
    assert response.status_code == 201
    assert response.json()["action"] == "revoke"
    assert sign_in("northby.health").get(f"/api/referrals/{referral.pk}/").status_code == 404
    again = officer.post(
        f"/api/referrals/{referral.pk}/sharing-decisions/{decision['id']}/revoke/",
        {"reason": "The trust no longer supports this person."},
        "application/json",
    )
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"


@pytest.mark.parametrize(
    ("username", "status"),
    [("northby.officer", 201), ("northby.health", 403), ("southmere.officer", 404)],
)
def test_only_those_who_may_disclose_can_record(sign_in, referral, agency, username, status):
    agency_name = "Northby College" if username != "northby.officer" else "Northby NHS Trust"
    if username == "northby.health":
        sign_in("northby.officer").post(
            f"/api/referrals/{referral.pk}/sharing-decisions/",
            _body(agency("Northby NHS Trust")),
            "application/json",
        )
    response = sign_in(username).post(
        f"/api/referrals/{referral.pk}/sharing-decisions/",
        _body(agency(agency_name)),
        "application/json",
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"legal_basis": "made_up"}, "legal_basis"),
        ({"categories": "identity"}, "categories"),
        ({"categories": []}, "categories"),
        ({"categories": ["identity", "secrets"]}, "categories"),
        ({"justification": "ok"}, "justification"),
        ({"justification": "x" * 5000}, "justification"),
        ({"receiving_agency": "not-a-uuid"}, "receiving_agency"),
        ({"receiving_agency": "00000000-0000-4000-8000-000000000000"}, "receiving_agency"),
        ({"expires_at": "2001-01-01T00:00:00Z"}, "expires_at"),
        ({"consent_reason": ""}, "consent_reason"),
    ],
)
def test_bad_input_is_refused_with_field_errors_and_nothing_written(
    sign_in, referral, agency, overrides, field
):
    client = sign_in("northby.officer")
    before = (SharingDecision.objects.count(), AuditEvent.objects.count())
    response = client.post(
        f"/api/referrals/{referral.pk}/sharing-decisions/",
        _body(agency("Northby NHS Trust"), **overrides),
        "application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert field in response.json()["errors"]
    assert SharingDecision.objects.count() == before[0]
    assert AuditEvent.objects.count() == before[1]


def test_api_needs_a_signed_in_user(db, referral, client):
    response = client.get("/api/referrals/")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_case_views_are_recorded_with_the_categories_shown(sign_in, referral, agency):
    client = sign_in("northby.officer")
    client.get(f"/referrals/{referral.pk}/")
    client.get(f"/api/referrals/{referral.pk}/")
    views = AuditEvent.objects.filter(type=EventType.CASE_VIEWED, target_id=referral.pk)
    assert [event.payload["via"] for event in views] == ["page", "api"]
    assert len(views[0].payload["categories"]) == len(Category.values)


def test_recording_a_share_takes_a_fixed_handful_of_statements(
    sign_in, referral, agency, django_assert_max_num_queries
):
    # Signed in: the session, the user and the membership; then the referral, the receiving
    # agency, the decision, its grants (with their lock), the onward check and the chain's
    # lock, head and append. However many decisions the case already has.
    client = sign_in("northby.officer")
    for receiver in ("Northby College", "Northby Council Channel Team"):
        client.post(
            f"/api/referrals/{referral.pk}/sharing-decisions/",
            _body(agency(receiver)),
            "application/json",
        )
    with django_assert_max_num_queries(STATEMENTS_PER_SHARE):
        response = client.post(
            f"/api/referrals/{referral.pk}/sharing-decisions/",
            _body(agency("Northby NHS Trust")),
            "application/json",
        )
    assert response.status_code == 201
