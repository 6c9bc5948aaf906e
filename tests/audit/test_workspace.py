"""The auditors' workspace: decisions, reviews, case views, CSV and the chain, for
auditors of the area only."""

import csv
import io
import re

import pytest
from django.db import connection

from audit.event_types import EventType
from audit.models import AuditEvent, DecisionReview, SharingDecision
from audit.record.records import review_hash
from audit.vocabulary import ConsentStatus, LegalBasis
from tests.factories import make_referral, share
from tests.support.triggers import audit_triggers_lifted

pytestmark = pytest.mark.django_db

WORKSPACE = [
    "/audit/",
    "/audit/decisions/",
    "/audit/decisions/export.csv",
    "/audit/case-views/",
    "/audit/chain/",
    "/audit/chain/bundle.json",
    "/audit/chain/offline_verifier.py",
]


def listed_decisions(page: str) -> list[str]:
    """The ids of the decisions a list page shows, in its order."""
    return re.findall(r'href="/audit/decisions/([0-9a-f-]{36})/', page)


@pytest.fixture
def decisions(user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer)
    with_consent = share(
        referral,
        officer,
        agency("Northby NHS Trust"),
        consent_status=ConsentStatus.GIVEN,
        legal_basis=LegalBasis.CONSENT,
        consent_reason="",
    )
    without_consent = share(referral, officer, agency("Northby College"))
    southmere_officer = user("southmere.officer")
    elsewhere = share(
        make_referral(southmere_officer), southmere_officer, agency("Southmere NHS Trust")
    )
    return {"with": with_consent, "without": without_consent, "elsewhere": elsewhere}


@pytest.mark.parametrize("path", WORKSPACE)
@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("northby.auditor", 200),
        ("northby.officer", 403),
        ("northby.chair", 403),
        ("northby.admin", 403),
    ],
)
def test_only_auditors_use_the_workspace(sign_in, path, username, status):
    assert sign_in(username).get(path).status_code == status


def test_auditor_sees_the_decisions_of_their_own_area_only(sign_in, decisions):
    page = sign_in("northby.auditor").get("/audit/decisions/").content.decode()
    assert len(listed_decisions(page)) == 2
    assert "Northby Police Prevent Team to Northby NHS Trust" in page
    assert "Northby Police Prevent Team to Northby College" in page
    assert "Southmere NHS Trust" not in page
    other = sign_in("northby.auditor").get(f"/audit/decisions/{decisions['elsewhere'].pk}/")
    assert other.status_code == 404


def test_filter_by_consent_status(sign_in, decisions):
    page = (
        sign_in("northby.auditor")
        .get("/audit/decisions/", {"without_consent_only": "on"})
        .content.decode()
    )
    assert listed_decisions(page) == [str(decisions["without"].pk)]
    assert "Northby Police Prevent Team to Northby College" in page
    assert "Northby Police Prevent Team to Northby NHS Trust" not in page


def test_decisions_shared_without_consent_or_reason_are_flagged(sign_in, decisions):
    # Current rules refuse such a decision, so an older or imported one is simulated by
    # recording it directly.
    legacy = SharingDecision.objects.get(pk=decisions["without"].pk)
    legacy.pk = None
    legacy.id = None
    legacy.consent_reason = ""
    legacy.supersedes = None
    SharingDecision.objects.bulk_create([legacy])
    page = sign_in("northby.auditor").get("/audit/decisions/", {"flagged_only": "on"})
    assert page.content.decode().count("No reason for sharing without consent") == 1


def test_a_decision_shows_its_justification_and_takes_a_review(sign_in, decisions):
    client = sign_in("northby.auditor")
    url = f"/audit/decisions/{decisions['without'].pk}/"
    page = client.get(url).content.decode()
    assert decisions["without"].justification[:40] in page
    assert "Seeking consent now would prejudice" in page
    refused = client.post(url, {"finding": "satisfactory", "note": "ok"})
    assert refused.status_code == 400
    assert not DecisionReview.objects.exists()
    response = client.post(
        url, {"finding": "satisfactory", "note": "Reason recorded and proportionate to the need."}
    )
    assert response.status_code == 302
    review = DecisionReview.objects.get()
    event = AuditEvent.objects.get(type=EventType.DECISION_REVIEWED)
    assert (event.target_type, event.target_id) == ("decision_review", review.pk)
    assert event.payload == {
        "decision": str(decisions["without"].pk),
        "finding": "satisfactory",
        "review_hash": review_hash(review),
    }
    assert review.note not in str(event.payload)


def test_csv_export_is_recorded_and_defuses_formulas(sign_in, decisions, user, agency):
    officer = user("northby.officer")
    share(
        make_referral(officer),
        officer,
        agency("Northby Probation Service"),
        purpose='=HYPERLINK("http://example.org") assess needs',
    )
    response = sign_in("northby.auditor").get("/audit/decisions/export.csv")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["decision id", "case reference"]
    assert len(rows) == 1 + 3
    purposes = [row[rows[0].index("purpose")] for row in rows[1:]]
    assert any(purpose.startswith("'=HYPERLINK") for purpose in purposes)
    event = AuditEvent.objects.get(type=EventType.EXPORT_PRODUCED)
    assert event.payload["rows"] == 3
    assert event.payload["format"] == "csv"


def test_case_views_include_the_lists_that_showed_the_case(sign_in, decisions, user, agency):
    """An API list that showed the case is a read of it, narrowed to that case; a case it
    did not show is not named."""
    case_id = decisions["with"].case_id
    other = make_referral(user("northby.officer"))
    share(other, user("northby.officer"), agency("Northby College"))
    sign_in("northby.health").get("/api/referrals/")
    auditor = sign_in("northby.auditor")

    text = auditor.get("/audit/case-views/", {"case": str(case_id)}).content.decode()
    assert "API list" in text
    assert str(case_id)[:8] in text
    assert str(other.pk)[:8] not in text

    rows = auditor.get("/api/audit/case-views/", {"case": str(case_id)}).json()["results"]
    (listed,) = [row for row in rows if row["type"] == "case.listed"]
    assert listed["via"] == "api_list"
    assert [case["case_id"] for case in listed["cases"]] == [str(case_id)]
    assert listed["cases"][0]["categories"] == ["concern", "identity"]
    unseen = auditor.get("/api/audit/case-views/", {"case": str(other.pk)}).json()["results"]
    assert [row for row in unseen if row["agency"] == str(agency("Northby NHS Trust").pk)] == []


def test_case_views_show_who_read_which_categories(sign_in, decisions):
    case_id = decisions["with"].case_id
    sign_in("northby.health").get(f"/referrals/{case_id}/")
    page = sign_in("northby.auditor").get("/audit/case-views/", {"case": str(case_id)})
    text = page.content.decode()
    assert "Northby NHS Trust" in text
    assert "Concern narrative, Identity and contact" in text


def test_verifying_from_the_workspace_reports_the_result(
    sign_in, decisions, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    client = sign_in("northby.auditor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/audit/chain/verify/")
    page = client.get("/audit/chain/").content.decode()
    assert "Verified" in page
    assert "3 sharing decisions" in page


def test_workspace_verification_reports_tampering(
    sign_in, decisions, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path
    with audit_triggers_lifted(connection), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET actor = NULL WHERE seq = 2")
    client = sign_in("northby.auditor")
    with django_capture_on_commit_callbacks(execute=True):
        run = client.post("/api/audit/chain/verify/").json()
    assert run["status"] == "queued"
    result = client.get(f"/api/audit/chain/runs/{run['id']}/").json()
    assert result["status"] == "failed"
    assert result["findings"][0] == "event 2: altered: its hash does not match its content"
    assert "The record has been altered" in client.get("/audit/chain/").content.decode()


@pytest.mark.parametrize(
    ("username", "status"), [("northby.auditor", 200), ("northby.officer", 403)]
)
def test_audit_api_is_for_auditors(sign_in, decisions, username, status):
    client = sign_in(username)
    for path in ("/api/audit/decisions/", "/api/audit/case-views/", "/api/audit/chain/"):
        assert client.get(path).status_code == status


def test_audit_api_lists_filters_and_reviews(sign_in, decisions):
    client = sign_in("northby.auditor")
    listed = client.get("/api/audit/decisions/", {"consent_status": "given"}).json()["results"]
    assert [row["id"] for row in listed] == [str(decisions["with"].pk)]
    assert "Alex" not in str(listed)  # decisions, never case content
    bad = client.get("/api/audit/decisions/", {"decided_from": "31/02/2026"})
    assert bad.status_code == 400
    assert "decided_from" in bad.json()["errors"]
    url = f"/api/audit/decisions/{decisions['without'].pk}/reviews/"
    created = client.post(
        url,
        {"finding": "concern", "note": "The reason given does not explain the urgency."},
        "application/json",
    )
    assert created.status_code == 201
    detail = client.get(f"/api/audit/decisions/{decisions['without'].pk}/").json()
    assert detail["reviewed"] is True
    elsewhere = client.get(f"/api/audit/decisions/{decisions['elsewhere'].pk}/")
    assert elsewhere.status_code == 404
    assert client.get("/api/audit/case-views/", {"case": "nonsense"}).status_code == 400
