import json

from django.core.management.base import BaseCommand

from prevent_cases.demo.accounts import demo_sign_ins
from prevent_cases.demo.cases import seed_cases
from prevent_cases.demo.panel_cases import seed_panel_cases
from prevent_cases.demo.seed import seed_people


class Command(BaseCommand):
    help = "Load the synthetic demo (idempotent) and print the demo sign-ins."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--list-json",
            action="store_true",
            help="Print the demo sign-ins as a JSON list only, for scripts.",
        )

    def handle(self, *args, list_json: bool, **options) -> None:
        # Seeding first means every sign-in printed, JSON or not, works.
        added = seed_people()
        added["referrals"] = seed_cases()
        added["panel_cases"] = seed_panel_cases()
        if list_json:
            self.stdout.write(json.dumps(demo_sign_ins(), indent=2))
            return
        self.stdout.write(
            "Demo data: added {areas} areas, {agencies} agencies, {users} users, "
            "{referrals} referrals, {panel_cases} panel cases.".format(**added)
        )
        self.stdout.write("\nDemo sign-ins (synthetic accounts, one password for all):")
        rows = demo_sign_ins()
        width = max(len(row["username"]) for row in rows)
        for row in rows:
            self.stdout.write(f"  {row['username']:<{width}}  {row['role']:<20} {row['agency']}")
        self.stdout.write(f"\nPassword for every demo account: {rows[0]['password']}")
