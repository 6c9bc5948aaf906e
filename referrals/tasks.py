"""Background tasks of the referrals app."""

from celery import shared_task


@shared_task(name="referrals.grants_tidy")
def grants_tidy_task() -> int:
    """Delete grant rows whose expiry has passed. Access already ended at the expiry (the
    selectors filter on it); this only keeps the table small. Safe to run twice."""
    from referrals.grants import grants_tidy

    return grants_tidy()


@shared_task(name="referrals.overdue_screening_notify")
def overdue_screening_notify_task() -> int:
    """Daily: tell agencies about referrals overdue for screening."""
    from referrals.notifications import overdue_screening_notify

    return overdue_screening_notify()


# Celery's autodiscovery reads tasks.py only; the import task lives beside its service.
from referrals.tasks_import import import_job_run_task  # noqa: E402, F401
