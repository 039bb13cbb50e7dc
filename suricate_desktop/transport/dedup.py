"""Which snapshots a consumer has already handed over, in bounded memory.

A snapshot's identity is (host, source, aggregation, run, seq): the agent numbers
every snapshot of a run (``AgentRunner``). The same snapshot can arrive twice:
the broker redelivers what was not acked when a connection dropped, and the
agent's publisher re-sends what the broker had not confirmed (those copies
arrive as new messages, not flagged as redelivered). So every delivery is
checked, not only redelivered ones.

Per stream (host, source, aggregation, run) this keeps the highest seq seen and
a bitmap of the ``window`` seqs below it (a Python int used as a bit set, at
most (``window`` + ``SLACK``) / 8 bytes), as an anti-replay window does. A copy arrives within
a few thousand messages of its original (the broker's and the publisher's
in-flight windows), far inside the window. A seq below the window cannot be
told apart from a late original: it is kept (never drop what is not known to
be a copy) and counted in ``unchecked``. At most ``max_streams`` streams are
remembered; the one used longest ago is forgotten first (counted in
``evicted``). Worst case: ``max_streams`` × 9 KiB of bitmaps with the defaults
(4,096 streams: 36 MiB), as many as the streams that publish.

Snapshots without a run (the 2012 sender's, imports) have no identity and are
never taken for copies.
"""

from __future__ import annotations

import collections
from collections.abc import Iterable

from ..schema import Snapshot

#: (host, source, aggregation, run, seq)
SnapshotId = tuple[str, str, str, str, int]

DEFAULT_WINDOW = 65_536
DEFAULT_MAX_STREAMS = 4_096
#: Bits a bitmap may grow past the window before it is trimmed (one mask per ``SLACK`` seqs, not per message).
SLACK = 8_192


class SeenIds:
    """``seen(snapshot)``: True for a copy of one already seen (and remembers it otherwise)."""

    def __init__(self, window: int = DEFAULT_WINDOW, max_streams: int = DEFAULT_MAX_STREAMS):
        self.window = window
        self.max_streams = max_streams
        self._mask = (1 << window) - 1
        #: stream -> [highest seq, bitmap: bit i set = seq (highest - i) seen]
        self._streams: collections.OrderedDict[tuple[str, str, str, str], list[int]] = (
            collections.OrderedDict()
        )
        self.evicted = 0
        self.unchecked = 0

    def __len__(self) -> int:
        return len(self._streams)

    def seen(self, snap: Snapshot) -> bool:
        if not snap.run:
            return False
        return self.seen_id(snap.host, snap.source, snap.agg, snap.run, snap.seq)

    def seen_id(self, host: str, source: str, agg: str, run: str, seq: int) -> bool:
        key = (host, source, agg, run)
        streams = self._streams
        state = streams.get(key)
        if state is None:
            if len(streams) >= self.max_streams:
                streams.popitem(last=False)
                self.evicted += 1
            streams[key] = [seq, 1]
            return False
        streams.move_to_end(key)
        top, bits = state
        if seq > top:
            shift = seq - top
            if shift >= self.window:
                state[1] = 1
            else:
                bits = (bits << shift) | 1
                state[1] = bits & self._mask if bits.bit_length() > self.window + SLACK else bits
            state[0] = seq
            return False
        offset = top - seq
        if offset >= self.window:
            self.unchecked += 1
            return False
        bit = 1 << offset
        if bits & bit:
            return True
        state[1] = bits | bit
        return False

    def forget(self, snap: Snapshot) -> None:
        """Unmark a snapshot taken but never handed over (its connection dropped first): its copy is the one."""
        state = self._streams.get((snap.host, snap.source, snap.agg, snap.run)) if snap.run else None
        if state is not None and 0 <= state[0] - snap.seq < self.window:
            state[1] &= ~(1 << (state[0] - snap.seq))

    def remember(self, ids: Iterable[SnapshotId]) -> int:
        """Mark ids as seen (those a recording already holds); how many were new."""
        fresh = 0
        for host, source, agg, run, seq in ids:
            if run and not self.seen_id(host, source, agg, run, seq):
                fresh += 1
        return fresh
