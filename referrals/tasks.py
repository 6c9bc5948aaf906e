"""Background tasks of the referrals app."""

from celery import shared_task


@shared_task(name="referrals.grants_tidy")
def grants_tidy_task() -> int:
    """Delete grant rows whose expiry has passed. Access already ended at the expiry (the
    selectors filter on it); this only keeps the table small. Safe to run twice."""
    from referrals.services.grants import grants_tidy

    return grants_tidy()


@shared_task(name="referrals.overdue_screening_notify")
def overdue_screening_notify_task() -> int:
    """Daily: tell agencies about referrals overdue for screening."""
    from referrals.services.notifications import overdue_screening_notify

    return overdue_screening_notify()


@shared_task(name="referrals.import_job_run")
def import_job_run_task(job_id: str) -> str:
    """Check and import one queued job; returns its status. Safe to run twice: a job runs once,
    and a run that fails marks its job rejected itself."""
    from referrals.services.imports import import_job_run

    return import_job_run(job_id=job_id).status
