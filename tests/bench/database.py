"""A throwaway benchmark database: dropped and recreated on every run so figures repeat."""

import psycopg2
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from psycopg2 import sql

# The maintenance database every PostgreSQL server has; CREATE/DROP DATABASE run from it.
MAINTENANCE_DB = "postgres"
# A synthetic region may be generated into a database named for it, or into a bench one.
REGION_MARKS = ("region", "bench")


class NotABenchDatabase(RuntimeError):
    """The configured database is not one this script may drop."""


def _server_params(database: str) -> dict[str, str]:
    config = settings.DATABASES["default"]
    params = {"dbname": database, "host": config["HOST"], "user": config["USER"]}
    if config.get("PORT"):
        params["port"] = str(config["PORT"])
    if config.get("PASSWORD"):
        params["password"] = config["PASSWORD"]
    return params


def bench_database_name(marks: tuple[str, ...] = ("bench",)) -> str:
    """The name in DATABASE_URL, refused unless it plainly names a throwaway database (it
    contains one of `marks`), because the next step drops it."""
    config = settings.DATABASES["default"]
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise NotABenchDatabase("the benchmarks measure PostgreSQL; set DATABASE_URL")
    name = config["NAME"]
    if not any(mark in name for mark in marks):
        wanted = " or ".join(repr(mark) for mark in marks)
        raise NotABenchDatabase(f"refusing to drop {name!r}: its name does not contain {wanted}")
    return name


def recreate_and_migrate(marks: tuple[str, ...] = ("bench",)) -> str:
    """Drop and recreate the bench database, migrate it, and return the server version."""
    name = bench_database_name(marks)
    connections.close_all()
    server = psycopg2.connect(**_server_params(MAINTENANCE_DB))
    server.autocommit = True  # CREATE/DROP DATABASE cannot run inside a transaction
    try:
        with server.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            cursor.execute("SHOW server_version")
            version = cursor.fetchone()[0]
    finally:
        server.close()
    call_command("migrate", verbosity=0, interactive=False)
    return version
