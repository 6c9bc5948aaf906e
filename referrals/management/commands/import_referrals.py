from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from prevent_cases.exceptions import AccessDenied
from prevent_cases.models import User
from prevent_cases.selectors import membership_for_user
from referrals.models import ImportJob
from referrals.rules.csv_import import MAX_FILE_BYTES, RowError
from referrals.services.imports import import_file_check, import_job_create, import_job_run


class Command(BaseCommand):
    help = (
        "Import a CSV file of referrals as a Prevent officer, all rows or none, through the "
        "same checks and services as the upload page. Exits non-zero on any problem."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="The CSV file (UTF-8, with or without BOM).")
        parser.add_argument(
            "--as",
            dest="username",
            required=True,
            help="The username of the Prevent officer the referrals are logged by.",
        )
        parser.add_argument(
            "--check", action="store_true", help="Check every row and import nothing."
        )

    def handle(self, *args, file: Path, username: str, check: bool, **options) -> None:
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user named {username}.")
        membership = membership_for_user(actor)
        with file.open("rb") as handle:
            # One byte over the limit is enough for the service to refuse the file.
            data = handle.read(MAX_FILE_BYTES + 1)
        try:
            if check:
                report = import_file_check(actor=actor, membership=membership, data=data)
                self._fail_on(report.errors)
                self.stdout.write(f"All {report.rows} rows can be imported. Nothing was imported.")
                return
            job = import_job_create(
                actor=actor,
                membership=membership,
                file_name=file.name,
                data=data,
                in_background=False,
            )
        except AccessDenied as error:
            raise CommandError(error.message) from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        job = import_job_run(job_id=job.pk)
        if job.status == ImportJob.Status.MATCHES:
            rows = ", ".join(sorted(job.matches, key=int))
            raise CommandError(
                f"Rows {rows} may be about people your agency already knows. Nothing was "
                f"imported yet: choose for each row on /referrals/import/{job.pk}/."
            )
        if job.status != ImportJob.Status.DONE:
            self._fail_on([RowError(**error) for error in job.errors])
        self.stdout.write(f"Imported {job.imported_rows} referrals")

    def _fail_on(self, errors: list[RowError]) -> None:
        if not errors:
            return
        for error in errors:
            row = "whole file" if error.row is None else f"row {error.row}"
            column = f", {error.field}" if error.field else ""
            self.stderr.write(f"{row}{column}: {error.message}")
        noun = "problem" if len(errors) == 1 else "problems"
        raise CommandError(f"{len(errors)} {noun} found. Nothing was imported.")
