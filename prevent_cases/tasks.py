"""Background tasks of the core."""

from celery import shared_task


@shared_task(name="prevent_cases.health_check")
def health_check_task() -> dict[str, object]:
    """Report that a worker can reach the database: its vendor and the number of agencies."""
    from prevent_cases.services import system_health

    return system_health()
