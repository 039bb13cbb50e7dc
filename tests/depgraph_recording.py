"""A recording where two processes move together and a third does not, for the dependency graph's tests.

Written with the store's own ``RecordingWriter``, as ``suricate record`` writes one. Four
minutes at one snapshot a second:

* ``syscalls-by-process.calls`` (count, by process): ``web`` follows a bursty load;
  ``db`` follows the same load one second later (web calls db), at another scale, with noise
  of its own; ``cron`` has bursts of its own, independent of the load.
* ``read-sizes.read_bytes`` (hist, by process): ``db``'s reads, as many as its calls, spread
  over a few buckets (so a histogram's series is its events, summed over buckets).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from suricate_desktop.schema import Snapshot
from suricate_desktop.store.recording import RecordingWriter

T0 = 1_790_000_000.0
SECONDS = 240
HOST = "app01"


def bursts(rng: np.random.Generator, n: int) -> np.ndarray:
    """A load that holds a random level for 2..6 s at a time, then jumps."""
    out = np.empty(n)
    i = 0
    while i < n:
        hold = int(rng.integers(2, 7))
        out[i : i + hold] = rng.choice([0.2, 1.0, 3.0, 6.0])
        i += hold
    return out


def activity(seed: int = 7, seconds: int = SECONDS) -> dict[str, np.ndarray]:
    """Calls per second of web, db and cron."""
    rng = np.random.default_rng(seed)
    load = bursts(rng, seconds + 1)
    web = 200 * load[1:] + rng.normal(0, 20, seconds)
    db = 80 * load[:-1] + rng.normal(0, 10, seconds)  # db at t is web's load at t - 1
    cron = 150 * bursts(rng, seconds) + rng.normal(0, 20, seconds)
    return {
        name: np.maximum(np.round(v), 1).astype(int) for name, v in (("web", web), ("db", db), ("cron", cron))
    }


def snapshots(seed: int = 7, seconds: int = SECONDS, t0: float = T0) -> list[Snapshot]:
    calls = activity(seed, seconds)
    out = []
    for i in range(seconds):
        ts = t0 + i + 1
        out.append(
            Snapshot(
                HOST,
                "syscalls-by-process",
                "calls",
                "count",
                ts,
                1.0,
                True,
                [[[name], int(v[i])] for name, v in calls.items()],
            )
        )
        n = int(calls["db"][i])
        out.append(
            Snapshot(
                HOST,
                "read-sizes",
                "read_bytes",
                "hist",
                ts,
                1.0,
                True,
                [
                    [
                        ["db"],
                        [[[512, 1023], n // 2], [[1024, 2047], n // 3], [[4096, 8191], n - n // 2 - n // 3]],
                    ]
                ],
            )
        )
    return out


def write(folder: Path, seed: int = 7, seconds: int = SECONDS) -> Path:
    with RecordingWriter(folder, rotate_seconds=0.05, meta={"bindings": [f"{HOST}.#"]}) as writer:
        writer(snapshots(seed, seconds))
    return folder
