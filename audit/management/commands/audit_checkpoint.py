from django.core.management.base import BaseCommand

from audit.record.checkpoints import checkpoint_dir, checkpoint_write


class Command(BaseCommand):
    help = "Sign a checkpoint of the audit chain head now (Celery beat also does this)."

    def handle(self, *args, **options) -> None:
        statement = checkpoint_write()
        self.stdout.write(
            f"Checkpoint signed at size {statement.size}, head {statement.head_hash}, "
            f"written to {checkpoint_dir()}"
        )
