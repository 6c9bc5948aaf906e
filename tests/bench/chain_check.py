"""The structural check after each writer run: is the chain gap-free and fork-free?

Done in SQL over the whole table, independent of the verifier under test, so a fork made by
concurrent writers cannot hide behind a bug in verification.
"""

from dataclasses import dataclass

from django.db import connection

from audit.record.canonical import GENESIS_HASH

CHAIN_SHAPE_SQL = """
SELECT count(*),
       coalesce(min(seq), 0),
       coalesce(max(seq), 0),
       count(DISTINCT prev_hash),
       count(*) FILTER (WHERE prev_hash IS DISTINCT FROM linked)
FROM (
    SELECT seq, prev_hash, lag(hash, 1, %s) OVER (ORDER BY seq) AS linked
    FROM audit_auditevent
) AS chain
"""


@dataclass(frozen=True)
class ChainShape:
    events: int
    first_seq: int
    last_seq: int
    distinct_prev_hashes: int
    broken_links: int

    @property
    def gap_free(self) -> bool:
        return self.events == 0 or (self.first_seq == 1 and self.last_seq == self.events)

    @property
    def fork_free(self) -> bool:
        return self.distinct_prev_hashes == self.events and self.broken_links == 0

    def __str__(self) -> str:
        verdict = "OK" if self.gap_free and self.fork_free else "BROKEN"
        return (
            f"{verdict}: {self.events} events, seq {self.first_seq}..{self.last_seq}, "
            f"{self.distinct_prev_hashes} distinct prev_hash, "
            f"{self.broken_links} prev_hash not equal to the previous hash"
        )


def chain_shape() -> ChainShape:
    with connection.cursor() as cursor:
        cursor.execute(CHAIN_SHAPE_SQL, [GENESIS_HASH])
        return ChainShape(*cursor.fetchone())
