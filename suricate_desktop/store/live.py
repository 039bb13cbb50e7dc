"""Bounded numpy buffers of every live stream, for plots and the console to read.

The consumer thread writes (``LiveStore.ingest``), plots read on a timer
(``frame``, ``series``, ``buckets``), the way PlotJuggler's streamers fill
per-series buffers that plots only read. Each stream (host, source,
aggregation) is a ring of rows, one row per snapshot instant, and one column
per series (a key; a key and bucket; a key and stats field). Memory is bounded
by ``capacity`` rows and ``max_columns`` columns per stream, so a week-long
session holds the last ``capacity`` intervals and no more; and by
``max_streams`` streams and about ``max_bytes`` of buffers per store: anyone
who can publish can invent new host, source and aggregation names, so beyond
either cap the least recently updated streams are evicted (and counted,
``evicted_streams``), never the one being written.

Two views of every series:

* ``interval``: what happened in each interval (the delta);
* ``cumulative``: the running total since the stream started (for additive
  kinds; for min/max/avg it is the latest value itself).

Whichever form the producer sent (deltas or running totals), both views come
out right: the buffer stores what arrived and converts on read.
"""

from __future__ import annotations

import collections
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from ..schema import ADDITIVE_KINDS, BUCKET_KINDS, STATS_KINDS, Snapshot

if TYPE_CHECKING:
    import pandas as pd

StreamId = tuple[str, str, str]
#: A column's label: the key tuple, (key, low, high) for a bucket or (key, field) for a stats field.
Label = tuple[Any, ...]
#: How to sum a stream's columns into buckets: (edges, columns in edge order, start of each edge's run).
BucketMap = tuple[list[tuple[int, int]], npt.NDArray[np.intp], npt.NDArray[np.intp]]
_first = itemgetter(0)
_ONE_PART = {1}

VIEWS = ("interval", "cumulative")
INITIAL_ROWS = 64

#: Default caps of a store: streams, and bytes of buffers (approximate: arrays plus a per-stream and per-column
#: allowance for the Python objects around them).
MAX_STREAMS = 10_000
MAX_BYTES = 1 << 30
STREAM_OVERHEAD = 2_000
COLUMN_OVERHEAD = 300

#: While a reader waits, ingest hands it the lock once it has held it this long (seconds).
YIELD_AFTER = 0.002
YIELD_SECONDS = 0.0002


@dataclass(frozen=True, slots=True)
class StreamInfo:
    """What a reader needs to know about a stream before drawing it."""

    stream: StreamId
    kind: str
    delta: bool
    interval: float
    rows: int
    columns: int
    last_ts: float
    version: int


class StreamBuffer:
    """The ring of one stream. Not thread-safe on its own: LiveStore locks."""

    def __init__(
        self, stream: StreamId, kind: str, delta: bool, interval: float, capacity: int, max_columns: int
    ):
        self.stream = stream
        self.kind = kind
        self.delta = delta
        self.interval = interval
        self.capacity = capacity
        self.max_columns = max_columns
        self.additive = kind in ADDITIVE_KINDS
        # A key absent from a delta snapshot of an additive kind had no events: 0.
        # Anywhere else absence means "no value": NaN.
        self.fill = 0.0 if (self.additive and delta) else np.nan
        # Rows are allocated as the stream grows (doubling up to ``capacity``): a short-lived
        # or young stream costs what it holds, not a full ring of empty rows.
        rows = min(capacity, INITIAL_ROWS)
        self.times = np.zeros(rows, dtype=np.float64)
        self.values = np.full((rows, 8), self.fill, dtype=np.float64)
        #: Column of each series: key tuple, (key, low, high) or (key, field).
        #: (A one-part scalar key is also found by its part alone: the fast path's lookup.)
        self.columns: dict[Label | str | int, int] = {}
        self.labels: list[Label] = []
        #: Sum of the deltas evicted from the ring, so cumulative views stay true.
        self.evicted = np.zeros(8, dtype=np.float64)
        self.head = -1  # index of the newest row
        self.count = 0
        self.version = 0
        self.dropped_columns = 0
        self.late = 0
        self.newest = 0.0  # time of the newest row, for lock-free readers (clock)
        self._bucket_maps: dict[Label | None, tuple[int, BucketMap]] = {}
        self.nbytes = 0
        self._count_bytes()

    def _count_bytes(self) -> None:
        """What this ring holds, roughly: its arrays plus the Python objects around the stream and each column."""
        self.nbytes = (
            self.times.nbytes
            + self.values.nbytes
            + self.evicted.nbytes
            + STREAM_OVERHEAD
            + COLUMN_OVERHEAD * len(self.labels)
        )

    # -- writing -----------------------------------------------------------------------------------------------------
    def add(self, snap: Snapshot) -> None:
        row = self._row_for(snap.ts)
        entries = snap.entries
        if self.kind in BUCKET_KINDS:
            self._add_buckets(row, entries)
        elif self.kind in STATS_KINDS:
            self._add_stats(row, entries)
        elif entries:
            self._add_scalars(row, entries)
        self.version += 1

    def _add_scalars(self, row: int, entries: list[list[Any]]) -> None:
        """Column lookups and the row write as C-level map/zip and one numpy assignment."""
        if len(entries) == 1:  # one record per message: no arrays to build for one value
            key, value = entries[0]
            col = self.columns.get(key[0] if len(key) == 1 else tuple(key))
            if col is None:
                col = self._new_column(tuple(key))
            if col >= 0:
                self.values[row, col] = value
            return
        keys: Sequence[Sequence[str | int]]
        values: Sequence[Any]
        keys, values = zip(*entries, strict=True)
        get = self.columns.get
        # One-part keys (the common case) are looked up by their part: no tuple built.
        lookup = map(_first, keys) if set(map(len, keys)) == _ONE_PART else map(tuple, keys)
        cols: Sequence[int | None] = list(map(get, lookup))
        if None in cols:
            cols, values = self._place(keys, values)
            if not cols:
                return
        self.values[row][np.array(cols, dtype=np.intp)] = np.array(values, dtype=np.float64)

    def _place(
        self, keys: Sequence[Sequence[str | int]], values: Sequence[Any]
    ) -> tuple[list[int], list[Any]]:
        """The slow path: make columns for new keys, leave out what does not fit."""
        cols: list[int] = []
        kept: list[Any] = []
        for key, value in zip(keys, values, strict=True):
            label = tuple(key)
            col = self.columns.get(label)
            if col is None:
                col = self._new_column(label)
            if col >= 0:
                cols.append(col)
                kept.append(value)
        return cols, kept

    def _add_buckets(self, row: int, entries: list[list[Any]]) -> None:
        get = self.columns.get
        values = self.values
        for key, buckets in entries:
            tkey = tuple(key)
            for (low, high), count in buckets:
                label = (tkey, low, high)
                col = get(label)
                if col is None:
                    col = self._new_column(label)
                    values = self.values
                if col >= 0:
                    values[row, col] = count

    def _add_stats(self, row: int, entries: list[list[Any]]) -> None:
        for key, stats in entries:
            tkey = tuple(key)
            for name in ("count", "average", "total"):
                label = (tkey, name)
                col = self.columns.get(label)
                if col is None:
                    col = self._new_column(label)
                if col >= 0:
                    self.values[row, col] = stats[name]

    def _row_for(self, ts: float) -> int:
        """The row for ``ts``: the newest row if it has the same instant, else a new one."""
        if self.count:
            newest = self.times[self.head]
            if ts == newest:
                return self.head
            if ts < newest:
                # Late data (a chunk or a slow producer): merge into the newest row
                # rather than reorder the ring.
                self.late += 1
                return self.head
        self.head = (self.head + 1) % self.capacity
        if self.head == len(self.times):  # not wrapped yet, so rows [0, count) are in order
            self._grow_rows()
        if self.count == self.capacity:
            if self.additive and self.delta:
                self.evicted += self.values[self.head]
        else:
            self.count += 1
        self.times[self.head] = ts
        self.values[self.head].fill(self.fill)
        self.newest = float(ts)
        return self.head

    def _grow_rows(self) -> None:
        rows = min(self.capacity, 2 * len(self.times))
        times = np.zeros(rows, dtype=np.float64)
        times[: self.count] = self.times[: self.count]
        values = np.full((rows, self.values.shape[1]), self.fill, dtype=np.float64)
        values[: self.count] = self.values[: self.count]
        self.times, self.values = times, values
        self._count_bytes()

    def _new_column(self, label: Label) -> int:
        ncols = len(self.labels)
        if ncols >= self.max_columns:
            self.dropped_columns += 1
            return -1
        if ncols == self.values.shape[1]:
            width = min(self.max_columns, ncols * 2)
            grown = np.full((self.values.shape[0], width), self.fill, dtype=np.float64)
            grown[:, :ncols] = self.values
            self.values = grown
            evicted = np.zeros(width, dtype=np.float64)
            evicted[:ncols] = self.evicted
            self.evicted = evicted
        self.columns[label] = ncols
        if len(label) == 1 and self.kind not in BUCKET_KINDS and self.kind not in STATS_KINDS:
            self.columns[label[0]] = ncols  # the scalar fast path's lookup
        self.labels.append(label)
        self._count_bytes()
        return ncols

    # -- reading (copies, never views of the ring) -------------------------------------------------------------------
    def ordered(self, last: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of the last ``last`` rows, oldest first, as copies."""
        n = self.count if last is None else min(last, self.count)
        start = (self.head - n + 1) % self.capacity
        idx = (np.arange(n) + start) % self.capacity
        return self.times[idx], self.values[idx, : len(self.labels)]

    def view(
        self, view: str, last: int | None = None, since: float | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) in the ``interval`` or ``cumulative`` view.

        ``last``: only the newest ``last`` rows; ``since``: only rows at or after that
        time. Where a view of the newest rows needs no older row (values as stored,
        deltas per interval, running totals as they are) only those rows are copied,
        so a reader polling for what is new pays for what is new.
        """
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; expected one of {VIEWS}")
        if since is not None:
            n = self.rows_since(since)
            last = n if last is None else min(last, n)
            if last == 0:
                return np.zeros(0), np.zeros((0, len(self.labels)))
        elif last == 0:
            last = None  # values[-0:] is everything: what ``last=0`` has always meant here
        needs_history = self.additive and (self.delta == (view == "cumulative"))
        if not needs_history:
            return self.ordered(last)
        if self.delta and last is not None and last < self.count:
            # Cumulative of deltas for the newest rows: what came before them, plus their own running sum.
            times, values = self.ordered(last)
            before = self._sum_before(last)
            return times, np.cumsum(np.nan_to_num(values), axis=0) + before
        times, values = self.ordered()
        if self.delta:
            values = np.cumsum(np.nan_to_num(values), axis=0) + self.evicted[: values.shape[1]]
        else:
            # Running totals: a key missing from a row still has its last total.
            totals = np.nan_to_num(forward_fill(values))
            # The first row's interval is its total when the stream started in
            # this ring; once rows were evicted its predecessor is unknown.
            first = np.zeros_like(totals[:1]) if self.count < self.capacity else totals[:1]
            values = np.diff(totals, axis=0, prepend=first)
        if last is not None:
            times, values = times[-last:], values[-last:]
        return times, values

    def rows_since(self, since: float) -> int:
        """How many of the newest rows are at or after ``since`` (rows are in time order)."""
        if not self.count:
            return 0
        start = (self.head - self.count + 1) % self.capacity
        times = self.times[(np.arange(self.count) + start) % self.capacity]
        return self.count - int(np.searchsorted(times, since, side="left"))

    def _sum_before(self, last: int) -> np.ndarray:
        """Evicted deltas plus every ring row older than the newest ``last``, per column (no copy of the ring)."""
        ncols = len(self.labels)
        total = self.evicted[:ncols].copy()
        older = self.count - last
        start = (self.head - self.count + 1) % self.capacity
        end = start + older
        for a, b in ((start, min(end, self.capacity)), (0, max(0, end - self.capacity))):
            if b > a:
                part = self.values[a:b, :ncols].sum(axis=0)
                if np.isnan(part).any():
                    part = np.nansum(self.values[a:b, :ncols], axis=0)
                total += part
        return total

    def bucket_map(self, key: Label | None) -> BucketMap:
        """(edges, columns in edge order, start of each edge's run): how to sum columns into buckets.

        Cached per key and column count: a heatmap polling thirty times a second
        does not rebuild it from the labels every frame.
        """
        cache = self._bucket_maps
        entry = cache.get(key)
        ncols = len(self.labels)
        if entry is not None and entry[0] == ncols:
            return entry[1]
        cols = [(lo, hi, col) for col, (k, lo, hi) in enumerate(self.labels) if key is None or k == key]
        cols.sort()
        edges: list[tuple[int, int]] = []
        starts = []
        for i, (lo, hi, _col) in enumerate(cols):
            if not edges or edges[-1] != (lo, hi):
                edges.append((lo, hi))
                starts.append(i)
        result: BucketMap = (
            edges,
            np.array([c for _, _, c in cols], dtype=np.intp),
            np.array(starts, dtype=np.intp),
        )
        cache[key] = (ncols, result)
        return result


class LiveStore:
    """Every live stream's buffer; thread-safe; the sink consumers hand batches to."""

    def __init__(
        self,
        capacity: int = 3600,
        max_columns: int = 2048,
        max_streams: int = MAX_STREAMS,
        max_bytes: int = MAX_BYTES,
    ):
        if max_streams < 1:
            raise ValueError("max_streams must be at least 1")
        self.capacity = capacity
        self.max_columns = max_columns
        self.max_streams = max_streams
        self.max_bytes = max_bytes
        #: Least recently updated first: ingest moves a stream to the end, eviction takes from the front.
        self._streams: collections.OrderedDict[StreamId, StreamBuffer] = collections.OrderedDict()
        self._clocks: dict[str, float] = {}  # host -> newest snapshot time (clock(host))
        self._host_streams: dict[str, int] = {}  # host -> streams held, so an evicted host's clock goes too
        self._newest = 0.0  # clock() of every stream
        self._bytes = 0
        #: Called (in the ingesting thread, under the store's lock) with each evicted stream: whoever keeps
        #: something per stream beside the store (the rules engine's plans) forgets it. Must be quick.
        self.evict_listeners: list[Callable[[StreamId], None]] = []
        self.evicted_streams = 0
        self._lock = threading.Lock()
        self._waiting: list[int] = []  # readers blocked on the lock (see _reading)
        self._subscribers: tuple[Callable[[list[Snapshot]], None], ...] = ()
        self.snapshots = 0
        self.records = 0

    def __call__(self, snapshots: Iterable[Snapshot]) -> None:
        self.ingest(snapshots)

    def subscribe(self, callback: Callable[[list[Snapshot]], None]) -> None:
        """Hand every batch, once stored, to ``callback`` too (in the ingesting thread, outside the lock).

        What else watches a source's streams (the workbench's rules engine) subscribes to
        the store the source already fills, so no source needs to know it is watched. The
        callback must be quick (queue the batch); it must not call back into ingest.
        """
        self._subscribers = (*self._subscribers, callback)

    def unsubscribe(self, callback: Callable[[list[Snapshot]], None]) -> None:
        self._subscribers = tuple(c for c in self._subscribers if c != callback)

    def ingest(self, snapshots: Iterable[Snapshot]) -> None:
        """Add a batch of snapshots (the consumer's or an in-process agent's).

        A batch can be large (the consumer hands up to 500 snapshots); when a reader
        (a plot, on the GUI thread) is waiting for the lock, the lock is handed over
        once it has been held ``YIELD_AFTER`` seconds rather than after the whole batch,
        so a plot's copy waits for a slice of the batch, not all of it.
        """
        streams = self._streams
        clocks = self._clocks
        waiting = self._waiting
        lock = self._lock
        n = records = 0
        subscribers = self._subscribers
        if subscribers and not isinstance(snapshots, list):
            snapshots = list(snapshots)
        lock.acquire()
        held = time.perf_counter()
        try:
            for snap in snapshots:
                stream = (snap.host, snap.source, snap.agg)
                buf = streams.get(stream)
                if buf is None or buf.kind != snap.kind:
                    buf = self._new_stream(snap)
                else:
                    streams.move_to_end(stream)
                before = buf.nbytes
                buf.add(snap)
                if buf.nbytes != before:
                    self._bytes += buf.nbytes - before
                    if self._bytes > self.max_bytes:
                        self._evict()
                if buf.newest > clocks.get(snap.host, 0.0):
                    clocks[snap.host] = buf.newest
                    if buf.newest > self._newest:
                        self._newest = buf.newest
                n += 1
                records += len(snap.entries)
                if waiting and time.perf_counter() - held >= YIELD_AFTER:
                    lock.release()
                    time.sleep(YIELD_SECONDS)  # lets the waiting reader take the lock (and the GIL)
                    lock.acquire()
                    held = time.perf_counter()
            self.snapshots += n
            self.records += records
        finally:
            lock.release()
        for callback in subscribers:
            callback(cast("list[Snapshot]", snapshots))  # made a list above whenever there are subscribers

    def _new_stream(self, snap: Snapshot) -> StreamBuffer:
        """A ring for ``snap``'s stream (replacing one of another kind), at the recent end; then the caps."""
        stream = snap.stream
        old = self._streams.pop(stream, None)
        if old is not None:
            self._bytes -= old.nbytes
        else:
            self._host_streams[snap.host] = self._host_streams.get(snap.host, 0) + 1
        buf = self._streams[stream] = StreamBuffer(
            stream, snap.kind, snap.delta, snap.interval, self.capacity, self.max_columns
        )
        self._bytes += buf.nbytes
        self._evict()
        return buf

    def _evict(self) -> None:
        """Drop the least recently updated streams while over a cap; the newest stream always stays."""
        streams = self._streams
        while len(streams) > 1 and (len(streams) > self.max_streams or self._bytes > self.max_bytes):
            stream, buf = streams.popitem(last=False)
            self._bytes -= buf.nbytes
            self.evicted_streams += 1
            host = stream[0]
            left = self._host_streams.get(host, 1) - 1
            if left > 0:
                self._host_streams[host] = left
            else:
                self._host_streams.pop(host, None)
                self._clocks.pop(host, None)
            for listener in self.evict_listeners:
                listener(stream)

    @contextmanager
    def _reading(self) -> Iterator[None]:
        """The lock, for a reader: one that has to wait says so, and ingest hands the lock over early."""
        lock = self._lock
        if not lock.acquire(blocking=False):
            self._waiting.append(1)  # list append/pop are atomic under the GIL, a counter's += is not
            try:
                lock.acquire()
            finally:
                self._waiting.pop()
        try:
            yield
        finally:
            lock.release()

    # -- reading -----------------------------------------------------------------------------------------------------
    def streams(self) -> list[StreamInfo]:
        with self._reading():
            return [
                StreamInfo(
                    b.stream,
                    b.kind,
                    b.delta,
                    b.interval,
                    b.count,
                    len(b.labels),
                    float(b.times[b.head]) if b.count else 0.0,
                    b.version,
                )
                for b in self._streams.values()
            ]

    def info(self, stream: StreamId) -> StreamInfo:
        return next(i for i in self.streams() if i.stream == stream)

    def labels(self, stream: StreamId) -> list[Label]:
        with self._reading():
            return list(self._buffer(stream).labels)

    def keys(self, stream: StreamId) -> list[Label]:
        """The distinct key tuples of a stream, in order of first appearance."""
        with self._reading():
            buf = self._buffer(stream)
            if buf.kind in BUCKET_KINDS or buf.kind in STATS_KINDS:
                return list(dict.fromkeys(label[0] for label in buf.labels))
            return list(buf.labels)

    def version(self, stream: StreamId) -> int:
        """A number that grows with every snapshot the stream takes in.

        Read without the lock (one attribute, atomic under the GIL): plots poll it
        every frame, and must not queue behind a consumer thread busy ingesting.
        """
        return self._buffer(stream).version

    def matrix(
        self, stream: StreamId, view: str = "interval", last: int | None = None, since: float | None = None
    ) -> tuple[np.ndarray, np.ndarray, list[Label]]:
        """(times, values[time, column], labels): the whole stream as arrays (copies).

        ``last`` keeps the newest ``last`` rows, ``since`` the rows at or after that time.
        """
        with self._reading():
            buf = self._buffer(stream)
            times, values = buf.view(view, last, since)
            return times, values, list(buf.labels)

    def series(
        self,
        stream: StreamId,
        key: Sequence[str | int],
        view: str = "interval",
        last: int | None = None,
        since: float | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of one scalar key, copies."""
        with self._reading():
            buf = self._buffer(stream)
            col = buf.columns.get(tuple(key))
            if col is None:
                raise KeyError(f"{_name(stream)} has no key {tuple(key)!r}")
            times, values = buf.view(view, last, since)
            return times, values[:, col].copy()

    def buckets(
        self,
        stream: StreamId,
        key: Sequence[str | int] | None = None,
        view: str = "interval",
        last: int | None = None,
        since: float | None = None,
    ) -> tuple[np.ndarray, list[tuple[int, int]], np.ndarray]:
        """(times, edges[(low, high)], counts[time, bucket]) for a heatmap or histogram.

        ``key=None`` sums over every key. Buckets are sorted by their low edge.
        """
        with self._reading():
            buf = self._buffer(stream)
            if buf.kind not in BUCKET_KINDS:
                raise ValueError(f"{_name(stream)} is a {buf.kind} stream, not a histogram")
            times, values = buf.view(view, last, since)
            edges, cols, starts = buf.bucket_map(None if key is None else tuple(key))
        if not edges or not len(times):
            return times, edges, np.zeros((len(times), len(edges)), dtype=np.float64)
        counts = np.add.reduceat(np.nan_to_num(values[:, cols]), starts, axis=1)
        return times, edges, counts

    def frame(
        self, stream: StreamId, view: str = "interval", last: int | None = None, since: float | None = None
    ) -> pd.DataFrame:
        """A pandas DataFrame (a copy): time index, one column per series."""
        import pandas as pd

        times, values, labels = self.matrix(stream, view, last, since)
        index = pd.to_datetime(times, unit="s", utc=True)
        columns = [label_text(label) for label in labels]
        return pd.DataFrame(values, index=index, columns=columns)

    def clock(self, host: str | None = None) -> float:
        """The newest snapshot time of ``host``'s streams (of every stream when None); 0.0 when none.

        The store's own "now": a time window or a silence is measured against it, not
        against the wall clock, so a recording replayed at its original timestamps
        (or a host whose clock is off) looks the same as it did live.
        """
        # Without the lock, like version(): one read, kept up to date by ingest.
        if host is None:
            return self._newest
        return self._clocks.get(host, 0.0)

    def gaps(
        self, stream: StreamId, factor: float = 2.5, since: float | None = None, until: float | None = None
    ) -> list[tuple[float, float]]:
        """Silences of a stream: (start, end) spans with no snapshot for more than ``factor`` intervals.

        ``until`` (e.g. ``clock(host)``) also reports a silence that is still going on
        at the end; ``since`` only looks at rows from that time on.
        """
        with self._reading():
            buf = self._buffer(stream)
            times, _ = buf.ordered(buf.rows_since(since) if since is not None else None)
            interval = buf.interval
        return find_gaps(times, interval, factor, until)

    def stats(self) -> dict[str, int]:
        with self._reading():
            return {
                "streams": len(self._streams),
                "snapshots": self.snapshots,
                "records": self.records,
                "late": sum(b.late for b in self._streams.values()),
                "dropped_columns": sum(b.dropped_columns for b in self._streams.values()),
                "evicted_streams": self.evicted_streams,
                "bytes": self._bytes,
            }

    def clear(self) -> None:
        with self._reading():
            self._streams.clear()
            self._clocks.clear()
            self._host_streams.clear()
            self._newest = 0.0
            self._bytes = 0

    def _buffer(self, stream: StreamId) -> StreamBuffer:
        try:
            return self._streams[cast(StreamId, tuple(stream))]
        except KeyError:
            raise KeyError(f"no stream {_name(stream)}") from None


def find_gaps(
    times: np.ndarray, interval: float, factor: float = 2.5, until: float | None = None
) -> list[tuple[float, float]]:
    """(start, end) spans of ``times`` (sorted) with no row for more than ``factor`` × ``interval``.

    An ``interval`` of 0 (a producer that does not say) is taken as the median spacing.
    ``until`` adds the silence from the last row to then, if it is long enough.
    """
    times = np.asarray(times, dtype=np.float64)
    if interval <= 0:
        steps = np.diff(times)
        interval = float(np.median(steps)) if len(steps) else 0.0
        if interval <= 0:
            return []
    limit = factor * interval
    out = []
    if len(times) > 1:
        steps = np.diff(times)
        for i in np.flatnonzero(steps > limit):
            out.append((float(times[i]), float(times[i + 1])))
    if until is not None and len(times) and until - times[-1] > limit:
        out.append((float(times[-1]), float(until)))
    return out


def forward_fill(values: np.ndarray) -> np.ndarray:
    """Each NaN replaced by the last non-NaN value above it in its column (NaN until the first one)."""
    if values.size == 0:
        return values
    rows = np.where(np.isnan(values), 0, np.arange(values.shape[0])[:, None])
    np.maximum.accumulate(rows, axis=0, out=rows)
    return values[rows, np.arange(values.shape[1])]


def _name(stream: StreamId) -> str:
    return ".".join(stream)


def label_text(label: tuple[Any, ...]) -> str:
    """A column's name, as stores show it and rules match it: ``bash`` for a key, ``bash,42`` for a two-part
    key, ``bash [4..7]`` for a bucket, ``bash average`` for a statistic."""
    if label and isinstance(label[0], tuple):
        key = ",".join(str(p) for p in label[0])
        if len(label) == 3:
            from ..schema import bucket_label

            return f"{key} [{bucket_label(label[1], label[2])}]"
        return f"{key} {label[1]}"
    return ",".join(str(p) for p in label)
