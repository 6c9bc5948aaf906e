from django.core.management.base import BaseCommand, CommandError

from referrals.services.case import grants_rebuild_recorded


class Command(BaseCommand):
    help = (
        "Recompute every access grant from the sharing-decision log alone and report any "
        "difference from the grants in force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Report differences without changing anything; exit 1 if there are any.",
        )

    def handle(self, *args, check: bool, **options) -> None:
        difference = grants_rebuild_recorded(apply=not check)
        self.stdout.write(
            f"Grants: {difference.added} added, {difference.removed} removed, "
            f"{difference.unchanged} unchanged."
        )
        if check and (difference.added or difference.removed):
            raise CommandError("Grants in force differ from the decision log.")
