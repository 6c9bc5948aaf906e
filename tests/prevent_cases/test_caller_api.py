"""GET /api/me/: whom the signed-in caller acts as."""

from django.test import Client

from prevent_cases.models import Membership


def test_the_caller_learns_their_user_role_and_agency(sign_in, user, django_assert_max_num_queries):
    client = sign_in("northby.probation")
    probation = user("northby.probation")
    # Given a practitioner signed in, when they ask who they are
    with django_assert_max_num_queries(4):
        response = client.get("/api/me/")
    # then they get ids and their role's code, and nothing else
    assert response.status_code == 200
    assert response.json() == {
        "user": str(probation.pk),
        "role": "practitioner",
        "agency": str(probation.membership.agency_id),
    }


def test_nobody_signed_out_or_without_a_membership_is_answered(sign_in):
    assert Client().get("/api/me/").status_code == 403
    client = sign_in("northby.health")
    Membership.objects.filter(user__username="northby.health").update(is_active=False)
    response = client.get("/api/me/")
    assert response.status_code == 403
    assert "user" not in response.json()


def test_the_endpoint_is_in_the_schema(sign_in):
    schema = sign_in("northby.officer").get("/api/schema/").content.decode()
    assert "/api/me/" in schema
    assert "CallerOutput" in schema
