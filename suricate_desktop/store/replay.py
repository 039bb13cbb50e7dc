"""Replay: a recording's snapshots, paced as they were recorded.

``paced`` yields the snapshots of a recording with their original spacing
divided by ``speed`` (0 = as fast as they can be taken), optionally shifted so
the first one is "now": a desk watching a live window sees the replay as if
it were live. The caller decides where they go (``suricate replay`` publishes
them to a broker; the GUI feeds its store).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator

from ..schema import Snapshot


def paced(
    snapshots: Iterable[Snapshot],
    speed: float = 1.0,
    retime: bool = True,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    wall: Callable[[], float] = time.time,
) -> Iterator[Snapshot]:
    """Yield each snapshot when its (scaled) moment comes."""
    if speed < 0:
        raise ValueError("speed must be >= 0 (0 = as fast as possible)")
    first_ts = None
    start = clock()
    shift = 0.0
    for snap in snapshots:
        if first_ts is None:
            first_ts = snap.ts
            shift = wall() - first_ts if retime else 0.0
        if speed > 0:
            due = start + (snap.ts - first_ts) / speed
            wait = due - clock()
            if wait > 0:
                sleep(wait)
        if retime:
            # Keep the recorded spacing, scaled, ending at "now".
            offset = (snap.ts - first_ts) / speed if speed > 0 else clock() - start
            snap.ts = first_ts + shift + offset
        yield snap
