from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.record.bundles import RangeRefused, bundle_export


class Command(BaseCommand):
    help = (
        "Export events FROM..TO of the audit chain, with every area's sharing decisions and "
        "reviews, every known checkpoint and the public keys, as a full bundle for "
        "audit/offline_verifier.py (an auditor's download withholds other areas' records). "
        "Writes no audit event: the chain must not change while it is being exported."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="first", type=int, help="First event (default 1).")
        parser.add_argument("--to", dest="last", type=int, help="Last event (default: the head).")
        parser.add_argument(
            "--output", type=Path, help="Write the bundle to this file instead of stdout."
        )

    def handle(self, *args, first: int | None, last: int | None, output: Path | None, **options):
        try:
            bundle = bundle_export(first=first, last=last)
        except RangeRefused as error:
            raise CommandError(str(error)) from error
        if output is None:
            for piece in bundle.pieces:
                self.stdout.write(piece, ending="")
            return
        with output.open("w", encoding="utf-8") as file:
            file.writelines(bundle.pieces)
        self.stdout.write(
            f"Bundle of events {bundle.first}..{bundle.last} (chain size {bundle.chain_size}) "
            f"written to {output}"
        )
