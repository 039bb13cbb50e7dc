"""The agent's own health stream: what it and its tracer lost.

Drops are reported as a count snapshot of deltas on the ``suricate-agent``
source, aggregation ``drops``, one key per cause (``publish_buffer``,
``bpftrace_lost_events``, ``dtrace_drops``...), so they are plotted, recorded
and alerted on like any other stream.
"""

from __future__ import annotations

import time

from ..schema import AGENT_SOURCE, DROPS_AGGREGATION, Snapshot


def drops_snapshot(host: str, counts: dict[str, int], interval: float = 1.0, ts: float | None = None) -> Snapshot:
    """A snapshot of drop counts (deltas) by cause."""
    entries = [[[cause], int(n)] for cause, n in sorted(counts.items())]
    return Snapshot(host, AGENT_SOURCE, DROPS_AGGREGATION, "count", time.time() if ts is None else ts, interval, True, entries)
