"""Background tasks of the audit app."""

from celery import shared_task


@shared_task(name="audit.checkpoint_write")
def checkpoint_write_task() -> int:
    """Sign the chain head. Safe to run twice: a second checkpoint only repeats the first."""
    from audit.checkpoints import checkpoint_write

    return checkpoint_write().size
