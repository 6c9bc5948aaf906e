"""Background tasks of the audit app."""

from celery import shared_task


@shared_task(name="audit.checkpoint_write")
def checkpoint_write_task() -> int:
    """Sign the chain head. Safe to run twice: a second checkpoint only repeats the first."""
    from audit.record.checkpoints import checkpoint_write

    return checkpoint_write().size


@shared_task(name="audit.verification_run")
def verification_run_task(run_id: str) -> str:
    """Verify the chain for a run an auditor asked for; returns the run's status."""
    from audit.services.decisions import verification_run_execute

    return verification_run_execute(run_id=run_id).status
