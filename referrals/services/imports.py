"""Bulk import of referrals from CSV: every row is checked before any is written, then all
are logged in one unit of work through referral_create, so a file imports whole or not at all.

Rows are matched against earlier people as the intake journey matches them. When any row
may be about someone the agency already knows, the job stops before writing anything and
waits for the officer to link each such row to the earlier referral or confirm a new person;
the run that follows imports with those answers.

The unit appends the referrals' events to the audit chain in one batch at its end, so the
chain's lock is held for that batch alone and other users' audited actions (a sign-in, a
case opened) go on while the file is written (docs/adr/0006).
"""

import dataclasses
import uuid
from dataclasses import dataclass

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.record.chain import atomic_unit
from prevent_cases.exceptions import AccessDenied, ConflictError, NotFound
from prevent_cases.models import Area, Membership, User
from prevent_cases.policy import handles_case_content
from prevent_cases.selectors import membership_for_user
from referrals.models import ImportJob
from referrals.rules.csv_import import (
    NO,
    NOT_KNOWN,
    YES,
    CheckedRow,
    CsvFileError,
    Lookups,
    RowError,
    check_record,
    decode,
    read_records,
    template_csv,
)
from referrals.rules.intake import ReferralIntake
from referrals.rules.matching import Match
from referrals.rules.permissions import may_log_referrals
from referrals.rules.vocabulary import Sector, Sex
from referrals.selectors import (
    PersonSought,
    SubjectMatch,
    current_concern_types,
    subject_matches_again,
    subject_matches_for_people,
)
from referrals.services.case import referral_create
from referrals.tasks import import_job_run_task

logger = structlog.get_logger(__name__)

# Checked-row progress is saved once per this many rows: one UPDATE each, so a 1,000-row
# file costs ten, and the page still moves while a large file is checked.
PROGRESS_EVERY = 100
NEW_PERSON = "new"
STOPPED_MESSAGE = (
    "The import stopped before it finished. Nothing was imported. Upload the file again."
)
LINK_GONE_MESSAGE = (
    "The earlier person chosen for this row can no longer be linked. Upload the file again "
    "to choose afresh."
)


class _RowsRejected(Exception):
    """Raised inside the import transaction to roll every referral of the file back."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} row errors")
        self.errors = errors


@dataclass(frozen=True)
class CheckReport:
    """What checking a file found: how many rows it has and what is wrong with them."""

    rows: int
    errors: list[RowError]


def _authorise(membership: Membership | None) -> None:
    if not may_log_referrals(membership):
        raise AccessDenied("Only Prevent officers may import referrals (needs: prevent officer).")


def _read(data: bytes) -> tuple[str, list[tuple[int, dict[str, str] | None]]]:
    try:
        text = decode(data)
        return text, read_records(text)
    except CsvFileError as error:
        raise ValidationError({"file": [str(error)]}) from error


@dataclass(frozen=True)
class Code:
    code: str
    label: str


@dataclass(frozen=True)
class ImportCodes:
    """The codes a file may use, as the import reads them today: areas and the types of
    concern in the list now in force come from the database, the rest are fixed."""

    areas: list[Code]
    concern_types: list[Code]
    sexes: list[Code]
    sectors: list[Code]
    person_aware: list[Code]


def import_codes() -> ImportCodes:
    """The codes accepted in each coded column, to list on the upload page."""
    return ImportCodes(
        areas=[Code(code, name) for code, name in Area.objects.values_list("code", "name")],
        concern_types=[
            Code(code, label)
            for code, label in current_concern_types().values_list("code", "label")
        ],
        sexes=[Code(code, label) for code, label in Sex.choices],
        sectors=[Code(code, label) for code, label in Sector.choices],
        person_aware=[Code(YES, "Yes"), Code(NO, "No"), Code(NOT_KNOWN, "Not known")],
    )


def import_template(*, membership: Membership | None) -> str:
    """The template CSV file for a Prevent officer: every column, and one synthetic row in
    the officer's own area that would import as it is."""
    _authorise(membership)
    first_concern = current_concern_types().values_list("code", flat=True).first()
    return template_csv(
        area_code=membership.agency.area.code,
        concern_type_code=first_concern or "",
        received_on=timezone.localdate(),
    )


def _lookups() -> Lookups:
    return Lookups(
        areas={code.lower(): pk for code, pk in Area.objects.values_list("code", "pk")},
        concern_types={
            code.lower(): pk for code, pk in current_concern_types().values_list("code", "pk")
        },
    )


def _check(
    records: list[tuple[int, dict[str, str] | None]], *, job_id: uuid.UUID | None = None
) -> list[CheckedRow]:
    lookups, today = _lookups(), timezone.localdate()
    checked = []
    for count, (number, values) in enumerate(records, start=1):
        checked.append(check_record(number, values, lookups=lookups, today=today))
        if job_id is not None and (count % PROGRESS_EVERY == 0 or count == len(records)):
            ImportJob.objects.filter(pk=job_id).update(processed_rows=count)
    return checked


def import_file_check(*, actor: User, membership: Membership | None, data: bytes) -> CheckReport:
    """Check a file as an import would, and write nothing."""
    _authorise(membership)
    _text, records = _read(data)
    errors = [error for row in _check(records) for error in row.errors]
    return CheckReport(rows=len(records), errors=errors)


@transaction.atomic
def import_job_create(
    *,
    actor: User,
    membership: Membership | None,
    file_name: str,
    data: bytes,
    in_background: bool = True,
) -> ImportJob:
    """Accept a file whose header is right and queue it; rows are checked when it runs.

    `in_background=False` leaves running it to the caller (the management command).
    """
    _authorise(membership)
    text, records = _read(data)
    job = ImportJob.objects.create(
        uploaded_by=actor,
        agency_id=membership.agency_id,
        file_name=file_name[: ImportJob._meta.get_field("file_name").max_length],
        content=text,
        total_rows=len(records),
    )
    if in_background:
        import_job_run_task.delay_on_commit(str(job.pk))
    return job


def _finish(job_id: uuid.UUID, **fields: object) -> ImportJob:
    # The file's text goes as soon as the job ends, whatever the outcome.
    ImportJob.objects.filter(pk=job_id).update(content="", updated_at=timezone.now(), **fields)
    job = ImportJob.objects.get(pk=job_id)
    logger.info(
        "import_job_finished",
        import_job=str(job.pk),
        status=job.status,
        total_rows=job.total_rows,
        imported_rows=job.imported_rows,
        row_errors=len(job.errors),
    )
    return job


def _reject(job_id: uuid.UUID, errors: list[RowError]) -> ImportJob:
    return _finish(
        job_id,
        status=ImportJob.Status.REJECTED,
        errors=[error.as_dict() for error in errors],
    )


def _create_all(
    job: ImportJob, actor: User, membership: Membership, rows: list[tuple[int, ReferralIntake]]
) -> None:
    errors, created = [], []
    for number, intake in rows:
        try:
            referral = referral_create(actor=actor, membership=membership, intake=intake)
        except ValidationError as error:
            # A rule only the database can check (or a change since checking); keep going so
            # the report names every such row, then roll them all back.
            errors.extend(
                RowError(number, "" if field == "__all__" else field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            )
        except NotFound:
            # The earlier person chosen is no longer one the agency may link to.
            errors.append(RowError(number, "", LINK_GONE_MESSAGE))
        else:
            created.append({"id": str(referral.pk), "reference": referral.reference})
    if errors:
        raise _RowsRejected(errors)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, imported_rows=len(rows), created=created
    )


def _find_matches(membership: Membership, checked: list[CheckedRow]) -> dict[str, list]:
    """{row: [[subject id, score]]} for the rows that may be about a known person."""
    found = subject_matches_for_people(
        membership=membership,
        people=[
            PersonSought(row.intake.given_names, row.intake.family_name, row.intake.date_of_birth)
            for row in checked
        ],
    )
    return {
        str(row.row): [[str(match.subject.pk), match.score] for match in matches]
        for row, matches in zip(checked, found, strict=True)
        if matches
    }


def _linked(row: CheckedRow, choices: dict[str, str]) -> ReferralIntake:
    choice = choices.get(str(row.row), NEW_PERSON)
    if choice == NEW_PERSON:
        return row.intake
    return dataclasses.replace(row.intake, linked_subject_id=uuid.UUID(choice))


def _run(job: ImportJob) -> ImportJob:
    actor = job.uploaded_by
    membership = membership_for_user(actor)
    # The uploader's role or agency may have changed while the job waited.
    if not (may_log_referrals(membership) and membership.agency_id == job.agency_id):
        return _reject(
            job.pk,
            [RowError(None, "", "The uploader may no longer log referrals for this agency.")],
        )
    checked = _check(read_records(job.content), job_id=job.pk)
    errors = [error for row in checked for error in row.errors]
    if errors:
        return _reject(job.pk, errors)
    if job.choices is None:
        matches = _find_matches(membership, checked)
        if matches:
            # Nothing is written until the officer has answered for every such row.
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.MATCHES, matches=matches, updated_at=timezone.now()
            )
            job.refresh_from_db()
            return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    try:
        # The job turns done in the same transaction as its referrals, so a job is never done
        # without them and a second run finds nothing left to claim.
        with atomic_unit():
            rows = [(row.row, _linked(row, job.choices or {})) for row in checked]
            _create_all(job, actor, membership, rows)
    except _RowsRejected as rejected:
        return _reject(job.pk, rejected.errors)
    return _finish(job.pk)


def import_job_run(*, job_id: uuid.UUID) -> ImportJob:
    """Check every row of a queued job, then import them all or none. Running it again, or
    while it already runs, changes nothing."""
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.CHECKING, updated_at=timezone.now()
    )
    job = ImportJob.objects.select_related("uploaded_by").get(pk=job_id)
    if not claimed:
        return job
    try:
        return _run(job)
    except Exception:
        # Recorded here rather than in a Celery failure hook, which eager mode and the
        # management command never call. The import transaction has rolled back, so the
        # job must not be left looking busy.
        _finish(
            job.pk,
            status=ImportJob.Status.REJECTED,
            errors=[RowError(None, "", STOPPED_MESSAGE).as_dict()],
        )
        raise


def import_job_get_for_user(*, membership: Membership | None, job_id: uuid.UUID) -> ImportJob:
    """An import job of the member's own agency; NotFound for any other, as for a missing id."""
    job = None
    if handles_case_content(membership):
        job = ImportJob.objects.filter(pk=job_id, agency_id=membership.agency_id).first()
    if job is None:
        raise NotFound("No import with that id.")
    return job


@dataclass(frozen=True)
class RowMatches:
    """A row that may be about a known person, and the earlier people it may be."""

    row: int
    # The row as the file gives it, so the officer knows which row is asked about.
    given_names: str
    family_name: str
    date_of_birth: str
    matches: list[SubjectMatch]


def import_job_matches(*, membership: Membership | None, job: ImportJob) -> list[RowMatches]:
    """The rows of a job waiting for choices, each with the earlier people the member's
    agency may still see; a row whose every match has gone since is left out."""
    rows = sorted(job.matches, key=int)
    found = subject_matches_again(
        membership=membership,
        ranked=[
            [Match(uuid.UUID(subject_id), score) for subject_id, score in job.matches[row]]
            for row in rows
        ],
    )
    records = dict(read_records(job.content))
    return [
        RowMatches(
            row=int(row),
            given_names=records[int(row)]["given_names"],
            family_name=records[int(row)]["family_name"],
            date_of_birth=records[int(row)].get("date_of_birth", ""),
            matches=matches,
        )
        for row, matches in zip(rows, found, strict=True)
        if matches
    ]


@transaction.atomic
def import_job_choose(
    *, actor: User, membership: Membership | None, job: ImportJob, choices: dict[int, str]
) -> ImportJob:
    """Record, for each row that may be about a known person, the earlier person to link
    it to or that it is a new person, then queue the import. Every row still offered
    must be answered, with one of the people offered for it."""
    _authorise(membership)
    if job.agency_id != membership.agency_id:
        raise NotFound("No import with that id.")
    offered = {
        row.row: {str(match.subject.pk) for match in row.matches}
        for row in import_job_matches(membership=membership, job=job)
    }
    unanswered = [
        row for row, people in offered.items() if choices.get(row) not in {*people, NEW_PERSON}
    ]
    if unanswered:
        raise ValidationError(
            {
                str(row): [f"Choose the earlier referral row {row} is about, or a new person."]
                for row in unanswered
            }
        )
    answers = {str(row): choices[row] for row in offered}
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.MATCHES).update(
        status=ImportJob.Status.QUEUED, choices=answers, updated_at=timezone.now()
    )
    if updated != 1:
        raise ConflictError("This import has already moved on. Reload the page.")
    import_job_run_task.delay_on_commit(str(job.pk))
    job.refresh_from_db()
    return job
