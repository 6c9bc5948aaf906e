from django.core.management.base import BaseCommand, CommandError

from prevent_cases.demo.region.build import (
    DEFAULT_PASSWORD,
    RegionRefused,
    elapsed_text,
    generate_region,
)


class Command(BaseCommand):
    help = (
        "Generate a synthetic region in bulk, for benchmarks: at --scale 1, 40 agencies, 500 "
        "users, 100,000 referrals, about 200,000 sharing decisions with their grants, "
        "15,000 panel cases, 40,000 interventions with 400,000 progress entries, and an "
        "audit chain of at least 1,000,000 events that audit_verify accepts. Every count "
        "scales with --scale (agencies stay 40; users keep one per seat). Refuses a "
        "database that already holds referrals. Usernames are "
        "<agency-slug>.<role>.<n>, n from 1 (e.g. north-vale-police.prevent_officer.1, "
        "ashbourne-vale-council-channel-team.panel_chair.1); every user has the password "
        f"given by --password ({DEFAULT_PASSWORD} by default). Fast on PostgreSQL (COPY); "
        "elsewhere it writes with executemany, for small scales."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiply every count by this (default 1)."
        )
        parser.add_argument(
            "--password",
            default=DEFAULT_PASSWORD,
            help="The password every generated user signs in with.",
        )

    def handle(self, *args, scale: float, password: str, **options) -> None:
        try:
            summary = generate_region(
                scale=scale, password=password, report=lambda line: self.stdout.write(line)
            )
        except RegionRefused as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"\nGenerated in {elapsed_text(summary.elapsed)}. Rows:")
        width = max(len(name) for name in summary.counts)
        for name, count in summary.counts.items():
            self.stdout.write(f"  {name:<{width}}  {count:>10,}")
        self.stdout.write("\nMost data:")
        for what, name, referrals in summary.busiest:
            self.stdout.write(f"  {what}: {name} ({referrals:,} referrals)")
        self.stdout.write(f"\nSign-ins (password for every user: {password}):")
        for role, kind, username in summary.sign_ins:
            self.stdout.write(f"  {role:<20} {kind:<22} {username}")
