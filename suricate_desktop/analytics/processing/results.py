"""A processing script's outputs as Snapshots: what the worker publishes on the ``suricate`` exchange.

Result streams are ordinary streams (docs/processing-scripts.md, "Results"): host = the worker's
host (or the job's), source = ``script-<name>``, aggregation = the output's name, kind ``avg`` (a
value that does not add up over time), ``run`` = the job id or ``<worker>-<tick>``, ``seq`` 0.. in a
fixed order, so that a result published twice (a job redelivered after its worker died) carries the
same ids and the consumers' dedup drops the copy. A time-indexed output gives one snapshot per time;
any other output one snapshot at the run's time.
"""

from __future__ import annotations

import re
import time

from ...schema import Snapshot
from ...schema.limits import MAX_ENTRIES, MAX_KEY_PART, MAX_NAME, MAX_RUN, MAX_TS
from .sandbox import Row

#: At most this many snapshots per run (the rest is refused with the run's status ``bad-output``).
MAX_SNAPSHOTS = 10_000
_AGG = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")


class OutputError(ValueError):
    """Outputs that cannot become snapshots (a bad name, too many rows or entries, a time out of range)."""


def to_snapshots(
    outputs: dict[str, list[Row]], *, host: str, script: str, run: str, ts: float, interval: float
) -> list[Snapshot]:
    if len(run) > MAX_RUN:
        raise OutputError(f"run id longer than {MAX_RUN}")
    source = f"script-{script}"
    snaps: list[Snapshot] = []
    for name in sorted(outputs):
        if not _AGG.fullmatch(name) or len(name) > MAX_NAME:
            raise OutputError(f"output name {name[:80]!r}: letters, digits, _ and - only")
        for row_ts, entries in outputs[name]:
            if not entries:
                continue
            when = ts if row_ts is None else row_ts
            if not 0 <= when <= MAX_TS:
                raise OutputError(f"output {name}: time {when} out of range")
            if len(entries) > MAX_ENTRIES:
                raise OutputError(f"output {name}: {len(entries)} keys; at most {MAX_ENTRIES}")
            if any(len(part) > MAX_KEY_PART for key, _ in entries for part in key):
                raise OutputError(f"output {name}: a key longer than {MAX_KEY_PART} characters")
            snaps.append(
                Snapshot(
                    host=host,
                    source=source,
                    agg=name,
                    kind="avg",
                    ts=when,
                    interval=interval,
                    delta=True,
                    entries=[[list(key), value] for key, value in entries],
                    seq=len(snaps),
                    run=run,
                )
            )
            if len(snaps) > MAX_SNAPSHOTS:
                raise OutputError(f"more than {MAX_SNAPSHOTS} result snapshots")
    return snaps


def now() -> float:
    return time.time()
