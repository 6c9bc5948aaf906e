"""Background task of the bulk referral import (imported by referrals/tasks.py, which Celery
autodiscovers)."""

from celery import shared_task


def _import_job_run_failure(self, exc, task_id, args, kwargs, einfo) -> None:
    from referrals.import_services import import_job_fail

    import_job_fail(job_id=args[0])


@shared_task(name="referrals.import_job_run", on_failure=_import_job_run_failure)
def import_job_run_task(job_id: str) -> str:
    """Check and import one queued job; returns its status. Safe to run twice: a job runs once."""
    from referrals.import_services import import_job_run

    return import_job_run(job_id=job_id).status
