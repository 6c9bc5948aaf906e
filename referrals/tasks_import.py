"""Background task of the bulk referral import (imported by referrals/tasks.py, which Celery
autodiscovers)."""

from celery import shared_task


@shared_task(name="referrals.import_job_run")
def import_job_run_task(job_id: str) -> str:
    """Check and import one queued job; returns its status. Safe to run twice: a job runs once,
    and a run that fails marks its job rejected itself."""
    from referrals.import_services import import_job_run

    return import_job_run(job_id=job_id).status
