"""Bulk import pages: upload a CSV file of referrals, follow the job it starts, answer for
rows about people already known, then see the referrals it created."""

import uuid
from dataclasses import dataclass

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from prevent_cases.exceptions import ConflictError
from prevent_cases.web.http_errors import domain_errors_as_http
from referrals.models import ImportJob
from referrals.rules.csv_import import MAX_FILE_BYTES, REQUIRED_COLUMNS
from referrals.rules.permissions import may_log_referrals
from referrals.selectors import SubjectMatch
from referrals.services.imports import (
    NEW_PERSON,
    RowMatches,
    import_codes,
    import_job_choose,
    import_job_create,
    import_job_get_for_user,
    import_job_matches,
    import_template,
)
from referrals.services.reads import subject_matches_read
from referrals.web.intake_forms import STRONG_MATCH

TEMPLATE_FILE_NAME = "referrals-import-template.csv"


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A CSV file saved as UTF-8, smaller than 5 MB",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. The first row must name the columns.",
        },
    )


@dataclass(frozen=True)
class LinkOption:
    id: str
    value: str
    checked: bool
    match: SubjectMatch
    strong: bool


@dataclass(frozen=True)
class RowSection:
    row: RowMatches
    field: forms.BoundField
    options: list[LinkOption]
    new_person_checked: bool


class EarlierReferralsForm(forms.Form):
    """For each row that may be about a known person: link it, or confirm a new person."""

    def __init__(self, *args, rows: list[RowMatches], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[self.field_name(row.row)] = forms.ChoiceField(
                label=f"Row {row.row}",
                widget=forms.RadioSelect,
                choices=[
                    *((str(match.subject.pk), "Link") for match in row.matches),
                    (NEW_PERSON, "Confirm new person"),
                ],
                error_messages={
                    "required": f"Choose the earlier referral row {row.row} is about, or "
                    "confirm a new person.",
                    "invalid_choice": f"Choose one of the earlier referrals offered for row "
                    f"{row.row}, or confirm a new person.",
                },
            )

    @staticmethod
    def field_name(row: int) -> str:
        return f"row_{row}"

    def choices(self) -> dict[int, str]:
        return {row.row: self.cleaned_data[self.field_name(row.row)] for row in self.rows}

    def add_service_errors(self, error: ValidationError) -> None:
        for row, messages in error.message_dict.items():
            name = self.field_name(int(row)) if row.isdigit() else None
            self.add_error(name if name in self.fields else None, messages)

    def sections(self) -> list[RowSection]:
        sections = []
        for row in self.rows:
            field = self[self.field_name(row.row)]
            chosen = field.value()
            options = [
                LinkOption(
                    # The first option takes the field's own id, so the error summary's link
                    # lands on it.
                    id=field.auto_id if index == 0 else f"{field.auto_id}_{index}",
                    value=str(match.subject.pk),
                    checked=chosen == str(match.subject.pk),
                    match=match,
                    strong=match.score >= STRONG_MATCH,
                )
                for index, match in enumerate(row.matches)
            ]
            sections.append(RowSection(row, field, options, chosen == NEW_PERSON))
        return sections


def _officers_only(request: HttpRequest) -> None:
    # Refuse the page itself, not just the upload, to anyone who may not import.
    if not may_log_referrals(request.membership):
        raise PermissionDenied("Only Prevent officers may import referrals.")


@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a file of referrals; a job checks and imports it in the background."""
    _officers_only(request)
    posted = request.method == "POST"
    form = ImportUploadForm(request.POST, request.FILES) if posted else ImportUploadForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # One byte over the limit is enough for the service to refuse the file, without
            # reading all of a much larger one into memory.
            job = import_job_create(
                actor=request.user,
                membership=request.membership,
                file_name=upload.name,
                data=upload.read(MAX_FILE_BYTES + 1),
            )
        except ValidationError as error:
            for messages_ in error.message_dict.values():
                form.add_error("file", messages_)
        else:
            return redirect("referrals:import-job", job_id=job.pk)
    return render(
        request,
        "referrals/import/new.html",
        {"form": form, "codes": import_codes(), "required_columns": REQUIRED_COLUMNS},
        status=400 if form.errors else 200,
    )


@require_GET
@domain_errors_as_http
def import_template_download(request: HttpRequest) -> HttpResponse:
    """The template CSV file: every column the import reads and one synthetic example row."""
    _officers_only(request)
    response = HttpResponse(
        import_template(membership=request.membership), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILE_NAME}"'
    return response


@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def import_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """One import: its progress while it runs, the rows that may be about people already
    known while it waits for the officer's choices, then what it created or why it did not."""
    membership = request.membership
    job = import_job_get_for_user(membership=membership, job_id=job_id)
    if job.status != ImportJob.Status.MATCHES:
        if request.method == "POST":
            # Choices sent for a job that has moved on (sent twice, say): show where it is.
            return redirect("referrals:import-job", job_id=job.pk)
        return render(request, "referrals/import/job.html", {"job": job})
    rows = import_job_matches(membership=membership, job=job)
    # Bound on every POST, even one with no answer at all, so each row's message shows.
    posted = request.POST if request.method == "POST" else None
    form = EarlierReferralsForm(posted, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            import_job_choose(
                actor=request.user, membership=membership, job=job, choices=form.choices()
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except ConflictError:
            # Answered already, in another tab say: the job page shows where it has got to.
            return redirect("referrals:import-job", job_id=job.pk)
        else:
            return redirect("referrals:import-job", job_id=job.pk)
    subject_matches_read(
        actor=request.user,
        membership=membership,
        matches=[match for row in rows for match in row.matches],
    )
    return render(
        request,
        "referrals/import/job.html",
        {"job": job, "form": form},
        status=400 if form.errors else 200,
    )
