from django.core.management.base import BaseCommand

from panels.services.reminders import panel_reminders_send


class Command(BaseCommand):
    help = (
        "Send the panel reminders due today that have not been sent yet (Celery beat also "
        "does this daily). Safe to run again: nothing is sent twice."
    )

    def handle(self, *args, **options) -> None:
        run = panel_reminders_send()
        details = ", ".join(f"{kind} {count}" for kind, count in run.sent.items())
        self.stdout.write(f"Panel reminders sent: {run.total} ({details})")
