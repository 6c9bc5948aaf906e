"""Bulk import of referrals from CSV: all rows or none, each through the real intake service."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from faker import Faker

from audit.event_types import EventType
from audit.models import AuditEvent
from referrals.models import ImportJob, Referral, Subject
from referrals.rules.csv_import import MAX_FILE_BYTES
from referrals.services import imports as import_services
from referrals.services.imports import import_job_create, import_job_run

pytestmark = pytest.mark.django_db

COLUMNS = (
    "given_names",
    "family_name",
    "date_of_birth",
    "sex",
    "phone",
    "received_on",
    "referrer_sector",
    "concern_type",
    "concern_summary",
    "mental_health",
    "area",
    "interpreter_needed",
    "person_aware",
)


def row(**overrides) -> dict[str, str]:
    values = {
        "given_names": "Alex",
        "family_name": "Testperson",
        "date_of_birth": "2009-05-17",
        "sex": "not_known",
        "phone": "",
        "received_on": "03/02/2025",
        "referrer_sector": "education",
        "concern_type": "no_ideology",
        "concern_summary": "Synthetic concern: shared extremist material in class.",
        "mental_health": "no",
        "area": "northby",
        "interpreter_needed": "no",
        "person_aware": "not_known",
    }
    values.update(overrides)
    return values


def csv_bytes(rows: list[dict[str, str]], columns=COLUMNS, *, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + out.getvalue().encode("utf-8")


def upload(client, data: bytes, name: str = "referrals.csv"):
    return client.post("/referrals/import/", {"file": SimpleUploadedFile(name, data, "text/csv")})


@pytest.fixture
def officer(user):
    return user("northby.officer")


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the queued import task, as a worker would once the upload has committed."""

    def _run(action):
        with django_capture_on_commit_callbacks(execute=True):
            return action()

    return _run


def _import(officer, data: bytes, run_on_commit) -> ImportJob:
    job = run_on_commit(
        lambda: import_job_create(
            actor=officer, membership=officer.membership, file_name="batch.csv", data=data
        )
    )
    job.refresh_from_db()
    return job


def test_a_good_file_imports_every_row_through_the_intake_service(sign_in, run_on_commit):
    """Each row becomes a referral of the uploader's agency with its own audit event."""
    # Given a file of three good rows, one with a byte-order mark and a UK date
    client = sign_in("northby.officer")
    rows = [
        row(given_names="Alex", family_name="Abbot"),
        row(given_names="Sam", family_name="Barton", date_of_birth="17/05/2010", sex="female"),
        row(given_names="Jo", family_name="Carver", concern_type="islamist", mental_health="yes"),
    ]

    # When an officer uploads it and the job runs
    response = run_on_commit(lambda: upload(client, csv_bytes(rows, bom=True)))

    # Then every row is a referral, logged by the officer for the officer's agency
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/referrals/import/{job.pk}/"
    assert (job.status, job.imported_rows, job.total_rows) == ("done", 3, 3)
    assert job.processed_rows == job.total_rows
    assert job.errors == []
    assert job.content == ""  # the file's text is gone once the job ends
    referrals = Referral.objects.select_related("subject", "concern_type", "owning_agency")
    by_name = {referral.subject.family_name: referral for referral in referrals}
    assert set(by_name) == {"Abbot", "Barton", "Carver"}
    assert {r.owning_agency.name for r in referrals} == {"Northby Police Prevent Team"}
    assert str(by_name["Barton"].subject.date_of_birth) == "2010-05-17"
    assert by_name["Barton"].subject.sex == "female"
    assert str(by_name["Abbot"].received_on) == "2025-02-03"
    assert by_name["Abbot"].concern_type.code == "no_ideology"
    assert by_name["Carver"].concern_type.code == "islamist"
    assert by_name["Carver"].mental_health is True
    # And each went through referral_create, which writes the audit event
    created = AuditEvent.objects.filter(type=EventType.REFERRAL_CREATED)
    assert {event.target_id for event in created} == {r.pk for r in referrals}

    # And the job page says so
    page = client.get(response["Location"])
    assert "Imported 3 referrals" in page.text
    assert "Checked 3 of 3 rows" in page.text


def test_one_bad_row_rejects_the_file_and_names_every_problem(sign_in, run_on_commit):
    """Nothing is imported; each problem is reported by spreadsheet row and column."""
    # Given good rows around two bad ones (the header is row 1)
    client = sign_in("northby.officer")
    rows = [
        row(family_name="Good-one"),
        row(date_of_birth="31/02/2009", area="nowhere", received_on="2099-01-01"),
        row(given_names="", sex="unknown"),
        row(family_name="Good-two"),
    ]

    # When the file is uploaded and checked
    response = run_on_commit(lambda: upload(client, csv_bytes(rows)))

    # Then the job is rejected with every problem, and no referral, person or event exists
    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert job.processed_rows == job.total_rows == 4
    assert job.imported_rows == 0
    assert sorted((e["row"], e["field"]) for e in job.errors) == [
        (3, "area"),
        (3, "date_of_birth"),
        (3, "received_on"),
        (4, "given_names"),
        (4, "sex"),
    ]
    assert not Referral.objects.exists()
    assert not Subject.objects.exists()
    assert not AuditEvent.objects.filter(type=EventType.REFERRAL_CREATED).exists()
    assert job.content == ""

    # And the job page lists them
    page = client.get(response["Location"])
    assert "Rejected: nothing imported" in page.text
    assert "5 problems found" in page.text
    assert "Enter the date of birth as YYYY-MM-DD or DD/MM/YYYY." in page.text
    assert "Enter the code of an area the service covers." in page.text


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ((*COLUMNS, "favourite_colour"), "Unknown columns: favourite_colour."),
        (
            tuple(c for c in COLUMNS if c not in {"area", "received_on"}),
            "Missing required columns: received_on, area.",
        ),
        (
            tuple(c for c in COLUMNS if c != "date_of_birth"),
            "The file needs a date_of_birth column, an estimated_age column or both.",
        ),
        ((*COLUMNS, "area"), "Columns named more than once: area."),
    ],
)
def test_a_file_with_wrong_columns_is_refused_at_upload(sign_in, columns, message):
    """The header is checked before any job starts, with a message naming the columns."""
    client = sign_in("northby.officer")

    response = upload(client, csv_bytes([row()], columns))

    assert response.status_code == 400
    assert message in response.text
    assert not ImportJob.objects.exists()


NUL_MESSAGE = "The file contains a null character"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (csv_bytes([]), "The file has no rows to import"),
        (csv_bytes([row(family_name="Ménard")]).decode().encode("latin-1"), "saved as UTF-8"),
        (b"x" * (MAX_FILE_BYTES + 1), "smaller than 5 MB"),
        # PostgreSQL text cannot hold NUL, so a stray one must stop the file, not the server.
        (csv_bytes([row(family_name="Test\x00person")]), NUL_MESSAGE),
        # UTF-16 without a byte-order mark reads as UTF-8 with a NUL after every letter.
        (csv_bytes([row()]).decode().encode("utf-16-le"), NUL_MESSAGE),
    ],
)
def test_unreadable_files_are_refused_at_upload(sign_in, data, message):
    """Nothing is queued and the page names the problem, on SQLite and PostgreSQL alike."""
    client = sign_in("northby.officer")

    response = upload(client, data)

    assert response.status_code == 400
    assert message in response.text
    assert not ImportJob.objects.exists()


FORMULAS = {
    "given_names": '=HYPERLINK("https://example.invalid","Click")',
    "family_name": "@SUM(1+1)",
    "phone": "+44 7700 900123",
    "concern_summary": "-2+3 and =cmd|' /C calc'!A0 were in the message",
}


def test_formula_looking_cells_are_stored_as_the_text_typed(sign_in, run_on_commit):
    """Cells a spreadsheet would run are plain text here, stored and shown unchanged."""
    client = sign_in("northby.officer")

    run_on_commit(lambda: upload(client, csv_bytes([row(**FORMULAS)])))

    referral = Referral.objects.select_related("subject").get()
    assert referral.subject.given_names == FORMULAS["given_names"]
    assert referral.subject.family_name == FORMULAS["family_name"]
    assert referral.subject.phone == FORMULAS["phone"]
    assert referral.concern_summary == FORMULAS["concern_summary"]
    page = client.get(f"/referrals/{referral.pk}/")
    assert page.status_code == 200
    assert "@SUM(1+1)" in page.text


def test_a_formula_in_a_typed_column_is_a_row_error_that_does_not_echo_the_cell(
    officer, run_on_commit
):
    job = _import(officer, csv_bytes([row(date_of_birth="=TODAY()", sex="@male")]), run_on_commit)

    assert job.status == "rejected"
    assert {e["field"] for e in job.errors} == {"date_of_birth", "sex"}
    assert "TODAY" not in str(job.errors)
    assert not Referral.objects.exists()


@pytest.mark.parametrize(
    "username",
    [
        "northby.coordinator",
        "northby.chair",
        "northby.probation",
        "northby.auditor",
        "northby.admin",
    ],
)
def test_only_prevent_officers_may_import(sign_in, username):
    """Anyone else is refused the page and the upload; the same upload works for an officer."""
    data = csv_bytes([row()])
    refused = sign_in(username)

    assert refused.get("/referrals/import/").status_code == 403
    assert upload(refused, data).status_code == 403
    assert not ImportJob.objects.exists()

    allowed = sign_in("northby.officer")
    assert allowed.get("/referrals/import/").status_code == 200
    assert upload(allowed, data).status_code == 302


@pytest.mark.parametrize(
    ("username", "status"),
    [("northby.officer", 200), ("southmere.officer", 404), ("northby.chair", 404)],
)
def test_an_import_is_seen_only_by_its_agency(sign_in, officer, run_on_commit, username, status):
    """Another agency gets the same 404 as for an import that does not exist."""
    job = _import(officer, csv_bytes([row()]), run_on_commit)

    assert sign_in(username).get(f"/referrals/import/{job.pk}/").status_code == status


def test_running_a_job_again_imports_nothing_more(officer, run_on_commit):
    job = _import(officer, csv_bytes([row(), row(family_name="Other")]), run_on_commit)

    again = import_job_run(job_id=job.pk)

    assert again.status == "done"
    assert Referral.objects.count() == 2


def test_an_unexpected_failure_part_way_leaves_nothing_imported(
    officer, run_on_commit, monkeypatch
):
    """A failure after some referrals were written rolls them all back and ends the job."""
    real_create = import_services.referral_create
    calls = []

    def fail_on_third(**kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise RuntimeError("database went away")
        return real_create(**kwargs)

    monkeypatch.setattr(import_services, "referral_create", fail_on_third)

    with pytest.raises(RuntimeError):
        _import(officer, csv_bytes([row(family_name=f"P{n}") for n in range(4)]), run_on_commit)

    job = ImportJob.objects.get()
    assert job.status == "rejected"
    assert "Nothing was imported" in job.errors[0]["message"]
    assert job.content == ""
    assert not Referral.objects.exists()


def test_the_command_check_mode_imports_nothing(officer, tmp_path, capsys):
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([row(), row(family_name="Other")]))

    call_command("import_referrals", str(path), "--as", "northby.officer", "--check")

    assert "All 2 rows can be imported. Nothing was imported." in capsys.readouterr().out
    assert not Referral.objects.exists()
    assert not ImportJob.objects.exists()


def test_the_command_reports_row_errors_and_exits_non_zero(officer, tmp_path, capsys):
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([row(), row(received_on="tomorrow")]))

    for extra in (["--check"], []):
        with pytest.raises(CommandError, match=r"^1 problem found\. Nothing was imported\.$"):
            call_command("import_referrals", str(path), "--as", "northby.officer", *extra)
        assert "row 3, received_on: Enter the date received as" in capsys.readouterr().err

    assert not Referral.objects.exists()


@pytest.mark.parametrize("extra", [["--check"], []])
def test_the_command_refuses_a_file_with_a_null_character(officer, tmp_path, extra):
    """The same message as the upload page, nothing imported and no job left behind."""
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([row(), row(concern_summary="Synthetic\x00concern")]))

    with pytest.raises(CommandError, match=NUL_MESSAGE):
        call_command("import_referrals", str(path), "--as", "northby.officer", *extra)

    assert not Referral.objects.exists()
    assert not ImportJob.objects.exists()


def test_the_command_imports_as_the_named_officer(officer, tmp_path, capsys):
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([row(), row(family_name="Other")]))

    call_command("import_referrals", str(path), "--as", "northby.officer")

    assert "Imported 2 referrals" in capsys.readouterr().out
    assert set(Referral.objects.values_list("created_by", flat=True)) == {officer.pk}


def test_the_command_refuses_anyone_but_a_prevent_officer(demo_people, tmp_path):
    path = tmp_path / "referrals.csv"
    path.write_bytes(csv_bytes([row()]))

    with pytest.raises(CommandError, match="Only Prevent officers may import referrals"):
        call_command("import_referrals", str(path), "--as", "northby.chair")
    assert not Referral.objects.exists()


def test_a_thousand_row_file_imports(officer, run_on_commit):
    """A large file is checked with progress saved as it goes, then imported whole."""
    fake = Faker("en_GB")
    fake.seed_instance(1000)
    rows = [
        row(
            given_names=fake.first_name(),
            family_name=fake.last_name(),
            date_of_birth=fake.date_of_birth(minimum_age=10, maximum_age=60).isoformat(),
            phone=fake.phone_number(),
        )
        for _ in range(1000)
    ]

    job = _import(officer, csv_bytes(rows), run_on_commit)

    assert (job.status, job.total_rows, job.processed_rows) == ("done", 1000, 1000)
    assert job.imported_rows == Referral.objects.count() == 1000


def test_stray_cells_reject_their_row_and_blank_rows_are_skipped(officer, run_on_commit):
    """A blank spreadsheet row is ignored; a row with cells past the last column is an error."""
    good = csv_bytes([row()]).decode()
    text = good + ",,,,,,,,,,,\n" + good.splitlines()[1] + ",surplus\n"

    job = _import(officer, text.encode(), run_on_commit)

    assert job.status == "rejected"
    assert job.total_rows == 2
    assert job.errors == [
        {"row": 4, "field": "", "message": "This row has more cells than the file has columns."}
    ]
