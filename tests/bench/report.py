"""Printing figures as plain tables (print() is banned in the project, hence stdout.write)."""

import statistics
import sys
from collections.abc import Sequence


def line(text: str = "") -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(headers)]
    line("  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)))
    line("  ".join("-" * w for w in widths))
    for row in cells:
        line("  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)))
    line()


def percentile_ms(latencies: Sequence[float], percent: int) -> str:
    """The given percentile of latencies in seconds, shown in milliseconds (of a single
    latency, that latency)."""
    if len(latencies) == 1:
        return f"{latencies[0] * 1000:.1f}"
    cut = statistics.quantiles(latencies, n=100, method="inclusive")[percent - 1]
    return f"{cut * 1000:.1f}"
