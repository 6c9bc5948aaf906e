"""How auditors find their work: the overview's counts, the decision list's labels, sorts,
pages and filter tags, "next unreviewed decision", search by case reference and the CSV."""

import csv
import io
import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import DecisionReview, SharingDecision
from audit.vocabulary import ConsentStatus, LegalBasis
from prevent_cases.demo.accounts import DEMO_PASSWORD
from prevent_cases.roles import Role
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NOTE = "Legal basis and justification checked against the request."


def listed(page: str) -> list[str]:
    """The ids of the decisions a list page shows, in its order."""
    return re.findall(r'href="/audit/decisions/([0-9a-f-]{36})/', page)


def visible_text(page: str) -> str:
    """What the page says on screen: its <main>, without markup."""
    main = page[page.index("<main") : page.index("</main>")]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", main)).split())


def link(page: str, text: str, *, path: str = "/audit/decisions/") -> str:
    """The address of the link whose text starts with `text` (markup aside), on `path`."""
    found = re.search(
        rf'href="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*{re.escape(text)}', page.replace("</span>", "")
    )
    assert found, f"no link {text!r}"
    href = unescape(found.group(1))
    return f"{path}{href}" if href.startswith("?") else href


def record_legacy_flagged(decision: SharingDecision) -> SharingDecision:
    """A decision shared without consent and with no reason: current rules refuse it, so an
    older or imported one is recorded directly."""
    legacy = SharingDecision.objects.get(pk=decision.pk)
    legacy.id = None
    legacy.consent_reason = ""
    legacy.supersedes = None
    SharingDecision.objects.bulk_create([legacy])
    return legacy


@pytest.fixture
def referral(user):
    return make_referral(user("northby.officer"))


@pytest.fixture
def decisions(user, agency, referral):
    """Three Northby decisions, oldest first, and one in Southmere."""
    officer = user("northby.officer")
    with_consent = share(
        referral,
        officer,
        agency("Northby NHS Trust"),
        consent_status=ConsentStatus.GIVEN,
        legal_basis=LegalBasis.CONSENT,
        consent_reason="",
    )
    without_consent = share(referral, officer, agency("Northby College"))
    other = share(make_referral(officer), officer, agency("Northby Probation Service"))
    southmere = user("southmere.officer")
    share(make_referral(southmere), southmere, agency("Southmere NHS Trust"))
    return [with_consent, without_consent, other]


def test_auditors_land_on_their_overview_and_its_counts_open_the_decisions(
    client, demo_people, decisions
):
    record_legacy_flagged(decisions[1])
    signed_in = client.post("/sign-in/", {"username": "northby.auditor", "password": DEMO_PASSWORD})
    assert signed_in["Location"] == "/audit/"

    page = client.get("/audit/").content.decode()
    text = visible_text(page)
    assert "4 decisions not yet reviewed" in text
    assert "3 decisions shared without consent" in text
    assert "1 decision shared without consent and with no reason recorded" in text
    flagged = client.get(link(page, "1")).content.decode()
    assert len(listed(flagged)) == 1
    assert len(listed(client.get(link(page, "3")).content.decode())) == 3


def test_other_roles_keep_their_own_landing_page(client, demo_people):
    response = client.post("/sign-in/", {"username": "northby.officer", "password": DEMO_PASSWORD})
    assert response["Location"] == "/referrals/"


def test_the_list_names_the_case_the_decider_and_their_role_in_words(
    sign_in, decisions, referral, user
):
    page = sign_in("northby.auditor").get("/audit/decisions/").content.decode()
    text = visible_text(page)
    assert referral.reference in text
    assert user("northby.officer").get_full_name() in text
    assert Role.PREVENT_OFFICER.label in text
    assert not UUID.search(text)
    assert not {code for code in Role.values if code in text}
    assert "not_sought" not in text


@pytest.mark.parametrize(("sort", "header"), [("consent", "Consent"), ("decided", "Decided")])
def test_columns_sort_both_ways_and_say_so(sign_in, decisions, sort, header):
    client = sign_in("northby.auditor")
    first = client.get("/audit/decisions/", {"sort": sort, "order": "ascending"}).content.decode()
    assert re.search(rf'aria-sort="ascending">\s*<a[^>]*>{header}', first)
    again = client.get(link(first, header)).content.decode()
    assert re.search(rf'aria-sort="descending">\s*<a[^>]*>{header}', again)
    assert listed(again) == list(reversed(listed(first)))
    if sort == "consent":  # "given" sorts before "not sought"
        assert listed(first)[0] == str(decisions[0].pk)


def test_pages_follow_each_other_without_counting_the_decisions(sign_in, decisions, monkeypatch):
    monkeypatch.setattr("audit.web.views.PAGE_SIZE", 2)
    client = sign_in("northby.auditor")
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/audit/decisions/", {"sort": "consent"}).content.decode()
    counts = [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]
    assert not [sql for sql in counts if "audit_sharingdecision" in sql]
    assert "Previous" not in visible_text(first)
    second = client.get(link(first, "Next")).content.decode()
    assert "Next" not in visible_text(second)
    back = client.get(link(second, "Previous")).content.decode()
    assert listed(back) == listed(first)
    assert len(set(listed(first) + listed(second))) == 3


def test_filter_tags_each_remove_their_own_filter(sign_in, decisions):
    client = sign_in("northby.auditor")
    page = client.get(
        "/audit/decisions/", {"consent_status": "not_sought", "unreviewed_only": "on"}
    ).content.decode()
    assert len(listed(page)) == 2
    assert "Remove this filter: Consent: Consent not sought" in visible_text(page)
    without_consent_filter = client.get(link(page, "Remove this filter: Consent")).content
    assert len(listed(without_consent_filter.decode())) == 3
    assert "Only decisions not yet reviewed" in unescape(without_consent_filter.decode())


def test_next_unreviewed_decision_follows_the_list_order_until_none_are_left(sign_in, decisions):
    client = sign_in("northby.auditor")
    query = "sort=decided&order=ascending&unreviewed_only=on"
    url = f"/audit/decisions/{decisions[0].pk}/?{query}"
    reviewed = []
    for _ in decisions:
        response = client.post(url, {"finding": "satisfactory", "note": NOTE})
        assert response.status_code == 302
        assert response["Location"] == url  # back with the list's filters and order
        reviewed.append(url.split("/")[3])
        page = client.get(url).content.decode()
        if "Next unreviewed decision" not in page:
            break
        url = link(page, "Next unreviewed decision")
    assert reviewed == [str(decision.pk) for decision in decisions]
    assert "There are none left to review." in page
    assert DecisionReview.objects.count() == 3


def test_a_case_is_found_by_its_reference_and_nothing_beyond_the_area(
    sign_in, decisions, referral, user
):
    client = sign_in("northby.auditor")
    page = client.get("/audit/decisions/", {"case_reference": referral.reference.lower()})
    assert sorted(listed(page.content.decode())) == sorted(
        str(decision.pk) for decision in decisions[:2]
    )
    elsewhere = SharingDecision.objects.get(receiving_agency__name="Southmere NHS Trust")
    southmere_reference = make_referral(user("southmere.officer")).reference
    for reference in (southmere_reference, "PR-NONE-NONE"):
        other = client.get("/audit/decisions/", {"case_reference": reference}).content.decode()
        assert listed(other) == []
        assert "No decisions match these filters." in other
    assert str(elsewhere.pk) not in page.content.decode()

    views = client.get("/audit/case-views/", {"case": referral.reference}).content.decode()
    assert "No case views recorded" in views
    sign_in("northby.health").get(f"/referrals/{referral.pk}/")
    views = client.get("/audit/case-views/", {"case": referral.reference}).content.decode()
    assert "Northby NHS Trust" in visible_text(views)
    assert referral.reference in visible_text(views)


def test_the_csv_names_the_case_the_decider_and_the_review_in_words(
    sign_in, decisions, referral, user
):
    client = sign_in("northby.auditor")
    client.post(f"/audit/decisions/{decisions[1].pk}/", {"finding": "concern", "note": NOTE})
    response = client.get("/audit/decisions/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    (row,) = [row for row in rows if row["decision id"] == str(decisions[1].pk)]
    officer = user("northby.officer")
    assert row["case reference"] == referral.reference
    assert row["decided by"] == officer.get_full_name()
    assert row["decided by username"] == officer.username
    assert row["decided by role"] == "Prevent officer"
    assert row["review outcome"] == "Concern raised"
    assert {r["review outcome"] for r in rows if r is not row} == {"Not reviewed"}


@pytest.mark.parametrize(
    "path",
    [
        "/audit/",
        "/audit/decisions/",
        "/audit/decisions/?sort=role&order=ascending",
        "/audit/case-views/",
        "/audit/chain/",
    ],
)
def test_workspace_pages_cost_a_bounded_number_of_queries(
    sign_in, user, agency, django_assert_max_num_queries, path
):
    officer = user("northby.officer")
    for _ in range(12):
        referral = make_referral(officer)
        share(referral, officer, agency("Northby NHS Trust"))
        sign_in("northby.health").get(f"/referrals/{referral.pk}/")
    client = sign_in("northby.auditor")
    with django_assert_max_num_queries(12):
        assert client.get(path).status_code == 200


def test_a_decision_page_with_its_next_unreviewed_costs_a_bounded_number_of_queries(
    sign_in, decisions, django_assert_max_num_queries
):
    client = sign_in("northby.auditor")
    url = f"/audit/decisions/{decisions[0].pk}/?unreviewed_only=on"
    client.post(url, {"finding": "satisfactory", "note": NOTE})
    with django_assert_max_num_queries(16):
        page = client.get(url).content.decode()
    assert "Next unreviewed decision" in page
