from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.record.checkpoints import read_checkpoint_files, stored_checkpoints
from audit.record.verification import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute every hash of the audit chain, check its continuity, match each sharing "
        "decision, auditor's review and finished verification run to the event carrying its "
        "hash, and check the chain against every known checkpoint. Exits non-zero naming "
        "the first broken event."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="append",
            type=Path,
            default=[],
            help="A checkpoint file (or folder of them) held outside the system; repeatable.",
        )

    def handle(self, *args, checkpoint: list[Path], **options) -> None:
        checkpoints = stored_checkpoints() + read_checkpoint_files(*checkpoint)
        report = verify_chain(checkpoints)
        summary = (
            f"{report.events} events, {report.decisions} sharing decisions, "
            f"{report.reviews} reviews, {report.runs} verification runs, "
            f"{report.checkpoints} checkpoints checked; head {report.head_hash}"
        )
        earlier = (
            f"{report.earlier_reviews} reviews and {report.earlier_runs} verification runs "
            "from before reviews and results were hashed: their events checked, their text "
            "not (docs/audit-chain.md)"
        )
        if report.ok:
            self.stdout.write(f"Audit chain verified: {summary}")
            if report.earlier_reviews or report.earlier_runs:
                self.stdout.write(f"  {earlier}")
            return
        for finding in report.findings:
            self.stderr.write(f"  {finding}")
        raise CommandError(f"Audit chain BROKEN at {report.first_broken} ({summary})")
