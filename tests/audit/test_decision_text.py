"""On PostgreSQL the verifier reads decisions as the database's own canonical text; it must
hash every decision exactly as the record's canonical form does, whatever was typed."""

import datetime

import pytest
from django.db import connection

from audit.models import SharingDecision
from audit.record.decision_text import DECISIONS_SQL, decision_hash_from_text
from audit.record.records import DECISION_COLUMNS, decision_hash_from_values
from audit.record.verification import verify_chain
from tests.factories import make_referral, share
from tests.support.triggers import audit_triggers_lifted

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the text path is PostgreSQL's"
)

AWKWARD_TEXT = 'Line one\nline two\t"quoted" back\\slash \x01 café — ☂ / end'


def _behind_the_application(pk, **changes) -> None:
    with audit_triggers_lifted(connection):
        SharingDecision.objects.filter(pk=pk).update(**changes)


@pytest.fixture
def decisions(user, agency):
    officer = user("northby.officer")
    referral = make_referral(officer)
    share(referral, officer, agency("Northby Council Channel Team"), purpose=AWKWARD_TEXT)
    share(
        referral,
        officer,
        agency("Northby NHS Trust"),
        justification=AWKWARD_TEXT * 3,
        consent_status="given",
        consent_reason="",
        categories=("concern", "identity"),
        expires_at=datetime.datetime(2027, 3, 1, 12, 30, 0, 123456, tzinfo=datetime.UTC),
    )
    return SharingDecision.objects.order_by("id")


def _text_hashes() -> dict[str, str | None]:
    with connection.cursor() as cursor:
        cursor.execute(DECISIONS_SQL)
        return {row[0]: decision_hash_from_text(row) for row in cursor.fetchall()}


def test_the_text_path_hashes_every_decision_as_the_canonical_form_does(decisions):
    # One row as recorded before provenance was kept: version 1, no source.
    _behind_the_application(decisions.first().pk, canonical_version=1, source_agency=None)
    expected = {
        str(values[0]): decision_hash_from_values(values)
        for values in decisions.values_list(*DECISION_COLUMNS)
    }

    assert _text_hashes() == expected
    assert len(expected) == 2


def test_a_decision_with_an_unknown_version_hashes_to_something_else_on_both_paths(decisions):
    decision = decisions.last()
    before = _text_hashes()[str(decision.pk)]
    _behind_the_application(decision.pk, canonical_version=9)

    values = decisions.filter(pk=decision.pk).values_list(*DECISION_COLUMNS).get()
    assert _text_hashes()[str(decision.pk)] == decision_hash_from_values(values) != before


def test_a_decision_altered_behind_the_application_is_named(decisions):
    assert verify_chain([]).ok
    decision = decisions.first()
    _behind_the_application(decision.pk, purpose=AWKWARD_TEXT + ".")

    findings = [str(finding) for finding in verify_chain([]).findings]

    assert len(findings) == 1
    assert f"decision {decision.pk} was altered after it was recorded" in findings[0]
