"""Bulk import of referrals from CSV: every row is checked before any is written, then all
are logged in one unit of work through referral_create, so a file imports whole or not at all.

The unit appends the referrals' events to the audit chain in one batch at its end, so the
chain's lock is held for that batch alone and other users' audited actions (a sign-in, a
case opened) go on while the file is written (docs/adr/0006).
"""

import uuid
from dataclasses import dataclass

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audit.record.chain import atomic_unit
from prevent_cases.exceptions import AccessDenied, NotFound
from prevent_cases.models import Area, Membership, User
from prevent_cases.policy import handles_case_content
from prevent_cases.selectors import membership_for_user
from referrals.models import ImportJob
from referrals.rules.csv_import import (
    CheckedRow,
    CsvFileError,
    Lookups,
    RowError,
    check_record,
    decode,
    read_records,
)
from referrals.rules.intake import ReferralIntake
from referrals.rules.permissions import may_log_referrals
from referrals.selectors import current_concern_types
from referrals.services.case import referral_create
from referrals.tasks import import_job_run_task

logger = structlog.get_logger(__name__)

# Checked-row progress is saved once per this many rows: one UPDATE each, so a 1,000-row
# file costs ten, and the page still moves while a large file is checked.
PROGRESS_EVERY = 100
STOPPED_MESSAGE = (
    "The import stopped before it finished. Nothing was imported. Upload the file again."
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
    errors = []
    for number, intake in rows:
        try:
            referral_create(actor=actor, membership=membership, intake=intake)
        except ValidationError as error:
            # A rule only the database can check (or a change since checking); keep going so
            # the report names every such row, then roll them all back.
            errors.extend(
                RowError(number, "" if field == "__all__" else field, message)
                for field, messages in error.message_dict.items()
                for message in messages
            )
    if errors:
        raise _RowsRejected(errors)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, imported_rows=len(rows)
    )


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
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)
    try:
        # The job turns done in the same transaction as its referrals, so a job is never done
        # without them and a second run finds nothing left to claim.
        with atomic_unit():
            _create_all(job, actor, membership, [(row.row, row.intake) for row in checked])
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
