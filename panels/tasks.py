"""Background tasks of the panels app."""

from celery import shared_task


@shared_task(name="panels.reminders_send")
def panel_reminders_send_task() -> int:
    """Daily: remind people of panel meetings, reviews, re-assessments, and overdue actions
    and information requests; returns how many emails went. Safe to run twice: a reminder
    already sent to someone is not sent to them again."""
    from panels.services.reminders import panel_reminders_send

    return panel_reminders_send().total
