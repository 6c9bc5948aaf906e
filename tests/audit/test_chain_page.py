"""The chain page: the area's events, filtered and paged without counting the chain, and the
verification bundle, whose download is itself an event and which the offline verifier
accepts."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.event_types import EventType
from audit.models import AuditEvent
from tests.audit.test_review_queue import link, visible_text
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

VERIFIER = Path(__file__).parents[2] / "audit" / "offline_verifier.py"
CHAIN = "/audit/chain/"


def table_text(page: str) -> str:
    """What the events table says, without the filter's options."""
    return visible_text(f"<main>{page[page.index('<tbody') : page.index('</tbody>')]}</main>")


@pytest.fixture
def referral(user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, agency("Northby NHS Trust"))
    southmere = user("southmere.officer")
    share(make_referral(southmere), southmere, agency("Southmere NHS Trust"))
    return referral


def test_the_page_explains_what_a_checkpoint_covers_and_how_to_verify(sign_in, referral):
    text = visible_text(sign_in("northby.auditor").get(CHAIN).content.decode())
    assert "A checkpoint covers every event from the first up to the number it states" in text
    assert "Ed25519" in text
    assert "python offline_verifier.py BUNDLE.json" in text
    assert (
        "It covers the whole chain, with other areas' decision and review records withheld" in text
    )


def test_events_of_the_area_are_filtered_by_type_and_case(sign_in, referral):
    client = sign_in("northby.auditor")
    every = table_text(client.get(CHAIN).content.decode())
    assert "Sharing decision recorded" in every
    assert "Referral created" in every
    assert "Southmere" not in every

    shares = client.get(CHAIN, {"event_type": EventType.SHARING_DECISION_RECORDED})
    assert "Referral created" not in table_text(shares.content.decode())
    assert "Remove this filter: What happened: Sharing decision recorded" in visible_text(
        shares.content.decode()
    )

    about = client.get(CHAIN, {"target": referral.reference}).content.decode()
    assert f"Case {referral.reference}" in table_text(about)
    assert "Northby NHS Trust" not in table_text(about)
    unknown = client.get(CHAIN, {"target": "PR-NONE-NONE"}).content.decode()
    assert "No events match these filters." in unknown


def test_events_are_paged_without_counting_the_chain(sign_in, referral, monkeypatch):
    monkeypatch.setattr("audit.web.views.PAGE_SIZE", 2)
    client = sign_in("northby.auditor")
    with CaptureQueriesContext(connection) as queries:
        first = client.get(CHAIN).content.decode()
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert not [sql for sql in counts if "audit_auditevent" in sql]
    second = client.get(link(first, "Next", path=CHAIN)).content.decode()
    back = client.get(link(second, "Previous", path=CHAIN)).content.decode()
    numbers = [row.split("</td>")[0] for row in first.split('<td class="govuk-table__cell">')[1:]]
    assert numbers[0] in back


def test_the_bundle_download_is_an_event_and_verifies_offline(sign_in, referral, tmp_path):
    client = sign_in("northby.auditor")
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = client.get("/audit/chain/bundle.json")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="audit-bundle-1-{head}.json"'
    body = b"".join(response.streaming_content)
    bundle = json.loads(body)
    assert bundle["range"] == {"from": 1, "to": head}

    event = AuditEvent.objects.get(type=EventType.EXPORT_PRODUCED)
    assert event.seq == head + 1
    assert event.payload == {
        "export": "verification_bundle",
        "rows": head,
        "filters": {"from": "1", "to": str(head), "area": str(referral.area_id)},
        "format": "json",
    }

    path = tmp_path / "bundle.json"
    path.write_bytes(body)
    # S603: a fixed command line over a file this test wrote.
    result = subprocess.run(  # noqa: S603
        [sys.executable, str(VERIFIER), str(path)], capture_output=True, text=True, check=False
    )
    assert result.stdout.startswith("OK"), result.stdout + result.stderr


@pytest.mark.parametrize("username", ["northby.officer", "northby.chair", "northby.admin"])
def test_others_get_no_bundle_and_leave_no_export_event(sign_in, referral, username):
    client = sign_in(username)
    assert client.get("/audit/chain/bundle.json").status_code == 403
    assert client.get("/audit/chain/offline_verifier.py").status_code == 403
    assert not AuditEvent.objects.filter(type=EventType.EXPORT_PRODUCED).exists()


def test_the_offline_verifier_is_the_repository_file(sign_in, referral):
    response = sign_in("northby.auditor").get("/audit/chain/offline_verifier.py")
    assert response.content == VERIFIER.read_bytes()
