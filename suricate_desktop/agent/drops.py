"""The agent's own health stream: what it and its tracer lost.

Drops are reported as a count snapshot of running totals since the run
started (``delta`` False) on the ``suricate-agent`` source, aggregation
``drops``, one key per cause (``publish_buffer``, ``bpftrace_lost_events``,
``dtrace_drops``...), so they are plotted, recorded and alerted on like any
other stream. Totals, not deltas: the reports travel through the very broker
trouble they count, and when one of them is lost (or replaced, unsent, by the
next in the publisher's report slot) the next still carries every drop.
"""

from __future__ import annotations

import time

from ..schema import AGENT_SOURCE, DROPS_AGGREGATION, Snapshot


def drops_snapshot(
    host: str, totals: dict[str, int], interval: float = 1.0, ts: float | None = None
) -> Snapshot:
    """A snapshot of drop counts by cause, each the total since the run started."""
    entries = [[[cause], int(n)] for cause, n in sorted(totals.items())]
    return Snapshot(
        host,
        AGENT_SOURCE,
        DROPS_AGGREGATION,
        "count",
        time.time() if ts is None else ts,
        interval,
        False,
        entries,
    )
