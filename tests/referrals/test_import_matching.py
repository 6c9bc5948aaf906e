"""CSV import: the intake journey's earlier-referral matching and required answers, the
template file, the codes listed, and the references an import created."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.event_types import EventType
from audit.models import AuditEvent
from referrals.models import ImportJob, Referral
from referrals.rules.intake import REQUIRED_ANSWERS
from referrals.selectors import MATCH_CANDIDATE_LIMIT
from referrals.services.imports import import_job_create, import_job_run
from tests.factories import make_referral
from tests.referrals.test_csv_import import csv_bytes, row

pytestmark = pytest.mark.django_db

EARLIER = {"given_names": "Robin", "family_name": "Earlier", "date_of_birth": "2008-03-14"}


def upload(client, data: bytes):
    return client.post(
        "/referrals/import/", {"file": SimpleUploadedFile("batch.csv", data, "text/csv")}
    )


@pytest.fixture
def officer(user):
    return user("northby.officer")


@pytest.fixture
def officer_client(sign_in):
    return sign_in("northby.officer")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    def _run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return _run


def _earlier(officer, **overrides):
    person = {
        "given_names": "Robin",
        "family_name": "Earlier",
        "date_of_birth": datetime.date(2008, 3, 14),
    }
    return make_referral(officer, **{**person, **overrides})


def test_a_row_matching_an_earlier_referral_waits_for_a_choice_then_links(
    officer, officer_client, run_on_commit
):
    """A row about someone the force already knows is listed with the earlier referral's
    reference; nothing is written until the officer links it, then the new referral is the
    same person as the earlier one."""
    # Given an earlier referral the officer's force logged
    earlier = _earlier(officer)
    rows = [row(**EARLIER), row(given_names="Casey", family_name="Newcomer")]

    # When a file with a row about the same person is uploaded
    response = run_on_commit(lambda: upload(officer_client, csv_bytes(rows)))

    # Then the job waits, with nothing imported, and the page offers the earlier referral
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.MATCHES
    assert Referral.objects.count() == 1
    page = officer_client.get(response["Location"])
    assert page.status_code == 200
    assert f"Link to {earlier.reference}" in page.text
    assert "Confirm new person" in page.text
    assert "Row 2: Robin Earlier" in page.text
    assert "Row 3" not in page.text  # the new person's row is not asked about
    # And showing the earlier person is a recorded read of its identity
    listed = AuditEvent.objects.filter(type=EventType.CASES_LISTED).last()
    assert str(earlier.pk) in str(listed.payload)

    # When the officer links the row to the earlier referral
    done = run_on_commit(
        lambda: officer_client.post(response["Location"], {"row_2": str(earlier.subject_id)})
    )

    # Then both rows are imported and the linked one is the same person as before
    assert done.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    linked = Referral.objects.exclude(pk=earlier.pk).get(subject__family_name="Earlier")
    assert linked.subject.person == earlier.subject.person
    new = Referral.objects.get(subject__family_name="Newcomer")
    assert new.subject.person == new.subject.pk


def test_every_unanswered_row_is_reported_at_once(officer, officer_client, run_on_commit):
    """Each row still waiting for a choice gets its own message, and nothing is imported."""
    _earlier(officer)
    _earlier(officer, given_names="Robyn")
    rows = [row(**EARLIER), row(**{**EARLIER, "given_names": "Robyn"})]
    response = run_on_commit(lambda: upload(officer_client, csv_bytes(rows)))

    page = officer_client.post(response["Location"], {})

    assert page.status_code == 400
    assert "Choose the earlier referral row 2 is about, or confirm a new person." in page.text
    assert "Choose the earlier referral row 3 is about, or confirm a new person." in page.text
    assert ImportJob.objects.get().status == ImportJob.Status.MATCHES
    assert Referral.objects.count() == 2


def test_confirming_a_new_person_imports_without_a_link(officer, officer_client, run_on_commit):
    earlier = _earlier(officer)
    response = run_on_commit(lambda: upload(officer_client, csv_bytes([row(**EARLIER)])))

    run_on_commit(lambda: officer_client.post(response["Location"], {"row_2": "new"}))

    imported = Referral.objects.exclude(pk=earlier.pk).get()
    assert imported.subject.person != earlier.subject.person


def test_a_subject_only_another_force_may_see_is_never_revealed(
    user, officer_client, run_on_commit
):
    """A row matching a person only another force holds imports straight away: the page
    never offers, names or counts that person."""
    # Given another force's referral about the same person, not shared with Northby
    hidden = _earlier(user("southmere.officer"))

    # When Northby imports a row about that name and date of birth
    response = run_on_commit(lambda: upload(officer_client, csv_bytes([row(**EARLIER)])))

    # Then no choice is asked for and the row is a new person
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    assert job.matches == {}
    page = officer_client.get(response["Location"])
    assert hidden.reference not in page.text
    imported = Referral.objects.exclude(pk=hidden.pk).get()
    assert imported.subject.person != hidden.subject.person


def test_a_forged_choice_of_a_hidden_subject_is_refused(
    officer, user, officer_client, run_on_commit
):
    """Only the people offered for a row can be chosen for it."""
    _earlier(officer)
    hidden = _earlier(user("southmere.officer"))
    response = run_on_commit(lambda: upload(officer_client, csv_bytes([row(**EARLIER)])))

    page = officer_client.post(response["Location"], {"row_2": str(hidden.subject_id)})

    assert page.status_code == 400
    assert "Choose one of the earlier referrals offered for row 2" in page.text
    assert ImportJob.objects.get().status == ImportJob.Status.MATCHES


def test_another_agency_cannot_answer_for_a_job(officer, sign_in, run_on_commit):
    earlier = _earlier(officer)
    response = run_on_commit(
        lambda: upload(sign_in("northby.officer"), csv_bytes([row(**EARLIER)]))
    )

    refused = sign_in("southmere.officer").post(
        response["Location"], {"row_2": str(earlier.subject_id)}
    )

    assert refused.status_code == 404
    assert ImportJob.objects.get().status == ImportJob.Status.MATCHES


def test_the_job_page_lists_the_references_it_created(officer_client, run_on_commit):
    rows = [row(given_names="Alex", family_name="Abbot"), row(given_names="Sam", family_name="Bo")]
    response = run_on_commit(lambda: upload(officer_client, csv_bytes(rows)))

    page = officer_client.get(response["Location"])

    for referral in Referral.objects.all():
        assert f'href="/referrals/{referral.pk}/">{referral.reference}</a>' in page.text


@pytest.mark.parametrize("column", sorted(REQUIRED_ANSWERS))
def test_the_answers_the_intake_pages_require_are_required_in_a_file(
    officer_client, run_on_commit, column
):
    """A blank where the intake pages insist on an answer is a row error with the pages'
    message, not a silent default."""
    response = run_on_commit(lambda: upload(officer_client, csv_bytes([row(**{column: ""})])))

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    assert job.errors == [{"row": 2, "field": column, "message": REQUIRED_ANSWERS[column]}]
    assert REQUIRED_ANSWERS[column] in officer_client.get(response["Location"]).text


def test_a_date_of_birth_and_an_estimated_age_together_are_refused(officer, run_on_commit):
    """As on the intake pages: one or the other, not both."""
    columns = (*row(), "estimated_age")
    data = csv_bytes([{**row(), "estimated_age": "15"}], columns)
    job = run_on_commit(
        lambda: import_job_create(
            actor=officer, membership=officer.membership, file_name="b.csv", data=data
        )
    )
    job.refresh_from_db()

    assert job.errors == [
        {
            "row": 2,
            "field": "estimated_age",
            "message": "Enter a date of birth or an estimated age, not both.",
        }
    ]


def test_officers_download_a_template_that_imports_as_it_is(officer_client, run_on_commit):
    """The template names every column and its example row passes every check."""
    response = officer_client.get("/referrals/import/template.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    assert rows[0]["area"] == "northby"
    run_on_commit(lambda: upload(officer_client, response.content))
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


@pytest.mark.parametrize(
    "username", ["northby.coordinator", "northby.chair", "northby.auditor", "northby.admin"]
)
def test_only_prevent_officers_download_the_template(sign_in, username):
    client = sign_in(username)

    assert client.get("/referrals/import/template.csv").status_code == 403
    assert sign_in("northby.officer").get("/referrals/import/template.csv").status_code == 200


def test_the_upload_page_lists_the_codes_it_accepts(officer_client):
    """Areas and the current types of concern come from the database; sex and sector codes
    from the vocabulary."""
    page = officer_client.get("/referrals/import/")

    for code in ("northby", "southmere", "no_ideology", "islamist", "not_known", "education"):
        assert f"<code>{code}</code>" in page.text
    assert 'href="/referrals/import/template.csv"' in page.text


def test_matching_a_200_row_file_costs_one_query_per_row_and_a_few_more(
    officer, django_assert_max_num_queries
):
    """Each row's candidates are one query, bounded by the candidate limit; the people,
    their earlier referrals and the records they come from are read once for the file."""
    for index in range(5):
        _earlier(officer, given_names=f"Robin{index}")
    rows = [row(given_names=f"Robin{index % 7}", family_name="Earlier") for index in range(200)]
    job = import_job_create(
        actor=officer,
        membership=officer.membership,
        file_name="big.csv",
        data=csv_bytes(rows),
        in_background=False,
    )

    with django_assert_max_num_queries(200 + 20):
        job = import_job_run(job_id=job.pk)

    assert job.status == ImportJob.Status.MATCHES
    assert len(job.matches) == 200
    assert all(len(found) <= MATCH_CANDIDATE_LIMIT for found in job.matches.values())
