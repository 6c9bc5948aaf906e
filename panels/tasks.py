"""Background tasks of the panels app."""

import uuid

from celery import shared_task


@shared_task(name="panels.reminders_send")
def panel_reminders_send_task() -> int:
    """Daily: remind people of panel meetings, reviews, re-assessments, and overdue actions
    and information requests; returns how many emails went. Safe to run twice: a reminder
    already sent to someone is not sent to them again."""
    from panels.services.reminders import panel_reminders_send

    return panel_reminders_send().total


@shared_task(name="panels.concern_alert")
def concern_alert_task(entry_id: str) -> int:
    """Alert the panel's chair and coordinators to a concern a practitioner raised; safe to
    run again: nobody is alerted twice to the same concern."""
    from panels.services.reminders import concern_alert_send

    return concern_alert_send(uuid.UUID(entry_id))
