"""The bundle an auditor downloads is limited to their area: it carries every event, so the
whole chain still verifies, but other areas' decision and review records are withheld and
listed by id only. The offline verifier accepts a withheld record, says how many there
were, and still names anything else that is wrong. The operator's export is complete."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from audit.record.checkpoints import checkpoint_write
from audit.services.decisions import decision_review_record
from prevent_cases.models import Area
from tests.audit.test_offline_verifier import STANDALONE, VERIFIER
from tests.factories import make_referral, share

pytestmark = pytest.mark.django_db

BUNDLE = "/audit/chain/bundle.json"
# Synthetic markers in each area's free text, so a leak shows wherever it lands.
MARKERS = {
    "Northby": ("NB-PURPOSE-7Q3X", "NB-JUSTIFY-7Q3X", "NB-NOTE-7Q3X"),
    "Southmere": ("SM-PURPOSE-4K9Z", "SM-JUSTIFY-4K9Z", "SM-NOTE-4K9Z"),
}
OTHER = {"Northby": "Southmere", "Southmere": "Northby"}


@pytest.fixture
def record(settings, tmp_path, user, agency):
    """In each area a decision with marked purpose and justification, reviewed by the
    area's auditor with a marked note; one decision shared across the two areas; and a
    signed checkpoint at the head. Returns each area's decision and review, and the
    cross-area decision."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    made = {}
    for area, code in (("Northby", "northby"), ("Southmere", "southmere")):
        officer = user(f"{code}.officer")
        auditor = user(f"{code}.auditor")
        purpose, justification, note = MARKERS[area]
        decision = share(
            make_referral(officer),
            officer,
            agency(f"{area} NHS Trust"),
            purpose=f"Assess support needs at the Channel panel ({purpose})",
            justification=f"Needed for the panel to judge the risk, nothing less ({justification})",
        )
        review = decision_review_record(
            actor=auditor,
            membership=auditor.membership,
            decision=decision,
            finding="satisfactory",
            note=f"Reason recorded and proportionate to the need ({note})",
        )
        made[area] = (decision, review)
    officer = user("northby.officer")
    made["across"] = share(
        make_referral(officer),
        officer,
        agency("Southmere NHS Trust"),
        purpose="Assess support needs across both areas (XA-PURPOSE-2M8D)",
    )
    checkpoint_write()
    return made


def _download(client) -> tuple[str, dict]:
    response = client.get(BUNDLE)
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("ascii")
    return text, json.loads(text)


def _export() -> tuple[str, dict]:
    out = StringIO()
    call_command("audit_export", stdout=out)
    return out.getvalue(), json.loads(out.getvalue())


def _verify(tmp_path: Path, bundle: dict) -> subprocess.CompletedProcess:
    """The offline verifier as an external auditor runs it, with no Django or project code."""
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    # S603: the command line is built here from fixed parts and a file this test wrote.
    return subprocess.run(  # noqa: S603
        [sys.executable, "-I", "-c", STANDALONE, str(VERIFIER), str(path)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={},
        check=False,
    )


def _seq(record_id) -> int:
    return AuditEvent.objects.get(target_id=record_id).seq


@pytest.mark.parametrize("area", ["Northby", "Southmere"])
def test_an_auditors_bundle_withholds_the_other_areas_records_and_verifies(
    sign_in, record, tmp_path, area
):
    text, bundle = _download(sign_in(f"{area.lower()}.auditor"))

    # The other area's purpose, justification and review note are nowhere in the bundle
    for marker in MARKERS[OTHER[area]]:
        assert marker not in text
    for marker in MARKERS[area]:
        assert marker in text
    # A decision between the two areas is in both areas' bundles
    assert "XA-PURPOSE-2M8D" in text
    # Every event is there; the other area's records are named by id only
    assert len(bundle["events"]) == bundle["chain_size"] == bundle["range"]["to"]
    other_decision, other_review = record[OTHER[area]]
    assert bundle["withheld"] == {
        "decisions": [str(other_decision.pk)],
        "reviews": [str(other_review.pk)],
    }
    assert {d["id"] for d in bundle["decisions"]} == {
        str(record[area][0].pk),
        str(record["across"].pk),
    }
    assert bundle["area"] == {"id": str(Area.objects.get(name=area).pk), "name": area}

    result = _verify(tmp_path, bundle)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == [
        f"OK: events 1..{bundle['range']['to']} verified, 2 decisions, 1 reviews, 1 checkpoints",
        "1 decisions withheld: another area's; not checked here",
        "1 reviews withheld: another area's; not checked here",
        f"This bundle is the {area} area's. The operator's full bundle (manage.py "
        "audit_export) checks them.",
    ]


def test_the_download_records_which_area_it_was_limited_to(sign_in, record):
    _download(sign_in("southmere.auditor"))

    event = AuditEvent.objects.order_by("-seq").first()
    assert event.payload["filters"]["area"] == str(Area.objects.get(name="Southmere").pk)


@pytest.mark.parametrize(
    ("kind", "field"),
    [("decisions", "justification"), ("decisions", "purpose"), ("reviews", "note")],
)
def test_a_record_present_in_an_area_bundle_is_still_checked(
    sign_in, record, tmp_path, kind, field
):
    _, bundle = _download(sign_in("northby.auditor"))
    changed = next(
        r for r in bundle[kind] if r["id"] == str(record["Northby"][kind == "reviews"].pk)
    )
    changed[field] = "Changed afterwards to look better."

    result = _verify(tmp_path, bundle)

    what = kind.removesuffix("s")
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"BROKEN at event {_seq(changed['id'])}: {what} {changed['id']} was altered after it "
        "was recorded"
    )


@pytest.mark.parametrize("kind", ["decisions", "reviews"])
def test_a_record_neither_present_nor_withheld_is_named(sign_in, record, tmp_path, kind):
    _, bundle = _download(sign_in("northby.auditor"))
    missing = bundle["withheld"][kind].pop()

    result = _verify(tmp_path, bundle)

    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"BROKEN at event {_seq(missing)}: {kind.removesuffix('s')} {missing} is missing from "
        "the bundle"
    )


def test_a_withheld_id_no_event_names_is_named(sign_in, record, tmp_path):
    _, bundle = _download(sign_in("northby.auditor"))
    invented = "00000000-0000-4000-8000-000000000001"
    bundle["withheld"]["decisions"].append(invented)

    result = _verify(tmp_path, bundle)

    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == (
        f"BROKEN in the bundle: decision {invented} is withheld but no event in range records it"
    )


def test_the_operators_export_is_complete_and_verifies_with_nothing_withheld(record, tmp_path):
    text, bundle = _export()

    for markers in MARKERS.values():
        for marker in markers:
            assert marker in text
    assert bundle["area"] is None
    assert bundle["withheld"] == {"decisions": [], "reviews": []}
    result = _verify(tmp_path, bundle)

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == (
        f"OK: events 1..{bundle['range']['to']} verified, 3 decisions, 2 reviews, 1 checkpoints\n"
    )
    assert "withheld" not in result.stdout


def test_the_download_costs_the_same_queries_however_many_decisions(
    sign_in, record, user, agency, django_assert_max_num_queries
):
    client = sign_in("northby.auditor")
    officer = user("southmere.officer")
    for _ in range(5):
        share(make_referral(officer), officer, agency("Southmere NHS Trust"))

    with django_assert_max_num_queries(15):
        _download(client)
