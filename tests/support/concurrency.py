"""Racing real database connections: each operation in its own thread (so its own
connection), released together by a barrier."""

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections

RACE_TIMEOUT_SECONDS = 120

# The marks of a module of races on one row: real connections, each committing, on
# PostgreSQL (SQLite serialises every writer, so there is no race to test).
CONCURRENT_WRITERS = [
    pytest.mark.postgres_only,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers on one row are tested on PostgreSQL",
    ),
]


def race(*operations: Callable[[], object]) -> list[object]:
    """Run each operation in its own thread and connection, released together; return what
    each returned or raised, in order."""
    barrier = threading.Barrier(len(operations), timeout=30)
    outcomes: list[object] = [None] * len(operations)

    def run(index: int, operation: Callable[[], object]) -> None:
        try:
            barrier.wait()
            outcomes[index] = operation()
        except BaseException as error:  # reported by the caller, in the test's own thread
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(index, operation))
        for index, operation in enumerate(operations)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_TIMEOUT_SECONDS)
    assert not any(thread.is_alive() for thread in threads), "a racing operation hung"
    return outcomes
