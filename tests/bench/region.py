"""A synthetic region in a fresh database: drop and recreate the database named in
DATABASE_URL (only if its name contains "region" or "bench"), migrate it and run
generate_region. With --check, also time audit_verify and rebuild_grants --check over the
result. Run it with `make region`.
"""

import argparse
import os
import sys
from time import perf_counter

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "prevent_cases.settings.base")
django.setup()

from django.core.management import call_command  # noqa: E402  (settings exist only after setup)

from tests.bench.database import (  # noqa: E402
    REGION_MARKS,
    NotABenchDatabase,
    recreate_and_migrate,
)
from tests.bench.report import line  # noqa: E402


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", default="1")
    parser.add_argument("--check", action="store_true")
    options = parser.parse_args(argv)
    try:
        version = recreate_and_migrate(REGION_MARKS)
    except NotABenchDatabase as error:
        sys.stderr.write(f"region: {error}\n")
        return 2
    line(f"PostgreSQL {version}: fresh database, migrated")
    call_command("generate_region", scale=float(options.scale))
    if options.check:
        for name, arguments in (("audit_verify", {}), ("rebuild_grants", {"check": True})):
            started = perf_counter()
            call_command(name, **arguments)
            line(f"{name}: {perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
