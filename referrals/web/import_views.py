"""Bulk import pages: upload a CSV file of referrals, then follow the job it starts."""

import uuid

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from prevent_cases.web.http_errors import domain_errors_as_http
from referrals.rules.csv_import import MAX_FILE_BYTES
from referrals.rules.permissions import may_log_referrals
from referrals.services.imports import (
    import_job_create,
    import_job_get_for_user,
)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="A CSV file saved as UTF-8, smaller than 5 MB",
        error_messages={
            "required": "Choose a CSV file to upload.",
            "empty": "The file is empty. The first row must name the columns.",
        },
    )


@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def import_new(request: HttpRequest) -> HttpResponse:
    """Upload a file of referrals; a job checks and imports it in the background."""
    # Refuse the page itself, not just the upload, to anyone who may not import.
    if not may_log_referrals(request.membership):
        raise PermissionDenied("Only Prevent officers may import referrals.")
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
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@domain_errors_as_http
def import_job(request: HttpRequest, job_id: uuid.UUID) -> HttpResponse:
    """One import: its progress while it runs, then what it imported or why it did not."""
    job = import_job_get_for_user(membership=request.membership, job_id=job_id)
    return render(request, "referrals/import/job.html", {"job": job})
