"""Bounded numpy buffers of every live stream, for plots and the console to read.

The consumer thread writes (``LiveStore.ingest``), plots read on a timer
(``frame``, ``series``, ``buckets``), the way PlotJuggler's streamers fill
per-series buffers that plots only read. Each stream (host, source,
aggregation) is a ring of rows, one row per snapshot instant, and one column
per series (a key; a key and bucket; a key and stats field). Memory is bounded
by ``capacity`` rows and ``max_columns`` columns per stream, so a week-long
session holds the last ``capacity`` intervals and no more.

Two views of every series:

* ``interval``: what happened in each interval (the delta);
* ``cumulative``: the running total since the stream started (for additive
  kinds; for min/max/avg it is the latest value itself).

Whichever form the producer sent (deltas or running totals), both views come
out right: the buffer stores what arrived and converts on read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from operator import itemgetter
from typing import Iterable

import numpy as np

from ..schema import ADDITIVE_KINDS, BUCKET_KINDS, STATS_KINDS, Snapshot

StreamId = tuple[str, str, str]
_first = itemgetter(0)
_ONE_PART = {1}

VIEWS = ("interval", "cumulative")


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

    def __init__(self, stream: StreamId, kind: str, delta: bool, interval: float, capacity: int, max_columns: int):
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
        self.times = np.zeros(capacity, dtype=np.float64)
        self.values = np.full((capacity, 8), self.fill, dtype=np.float64)
        #: Column of each series: key tuple, (key, low, high) or (key, field).
        self.columns: dict[tuple, int] = {}
        self.labels: list[tuple] = []
        #: Sum of the deltas evicted from the ring, so cumulative views stay true.
        self.evicted = np.zeros(8, dtype=np.float64)
        self.head = -1  # index of the newest row
        self.count = 0
        self.version = 0
        self.dropped_columns = 0
        self.late = 0

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

    def _add_scalars(self, row: int, entries: list) -> None:
        """Column lookups and the row write as C-level map/zip and one numpy assignment."""
        keys, values = zip(*entries)
        get = self.columns.get
        # One-part keys (the common case) are looked up by their part: no tuple built.
        lookup = map(_first, keys) if set(map(len, keys)) == _ONE_PART else map(tuple, keys)
        cols = list(map(get, lookup))
        if None in cols:
            cols, values = self._place(keys, values)
            if not cols:
                return
        self.values[row][np.array(cols, dtype=np.intp)] = np.array(values, dtype=np.float64)

    def _place(self, keys, values) -> tuple[list[int], list]:
        """The slow path: make columns for new keys, leave out what does not fit."""
        cols, kept = [], []
        for key, value in zip(keys, values):
            label = tuple(key)
            col = self.columns.get(label)
            if col is None:
                col = self._new_column(label)
            if col >= 0:
                cols.append(col)
                kept.append(value)
        return cols, kept

    def _add_buckets(self, row: int, entries: list) -> None:
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

    def _add_stats(self, row: int, entries: list) -> None:
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
        if self.count == self.capacity:
            if self.additive and self.delta:
                self.evicted += self.values[self.head]
        else:
            self.count += 1
        self.times[self.head] = ts
        self.values[self.head].fill(self.fill)
        return self.head

    def _new_column(self, label: tuple) -> int:
        ncols = len(self.labels)
        if ncols >= self.max_columns:
            self.dropped_columns += 1
            return -1
        if ncols == self.values.shape[1]:
            width = min(self.max_columns, ncols * 2)
            grown = np.full((self.capacity, width), self.fill, dtype=np.float64)
            grown[:, :ncols] = self.values
            self.values = grown
            evicted = np.zeros(width, dtype=np.float64)
            evicted[:ncols] = self.evicted
            self.evicted = evicted
        self.columns[label] = ncols
        if len(label) == 1 and self.kind not in BUCKET_KINDS and self.kind not in STATS_KINDS:
            self.columns[label[0]] = ncols  # the scalar fast path's lookup
        self.labels.append(label)
        return ncols

    # -- reading (copies, never views of the ring) -------------------------------------------------------------------
    def ordered(self, last: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) of the last ``last`` rows, oldest first, as copies."""
        n = self.count if last is None else min(last, self.count)
        start = (self.head - n + 1) % self.capacity
        idx = (np.arange(n) + start) % self.capacity
        return self.times[idx], self.values[idx, : len(self.labels)]

    def view(self, view: str, last: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(times, values) in the ``interval`` or ``cumulative`` view."""
        if view not in VIEWS:
            raise ValueError(f"unknown view {view!r}; expected one of {VIEWS}")
        times, values = self.ordered()
        if self.additive:
            if self.delta and view == "cumulative":
                values = np.cumsum(np.nan_to_num(values), axis=0) + self.evicted[: values.shape[1]]
            elif not self.delta and view == "interval":
                # Running totals: a key missing from a row still has its last total.
                totals = np.nan_to_num(_forward_fill(values))
                # The first row's interval is its total when the stream started in
                # this ring; once rows were evicted its predecessor is unknown.
                first = np.zeros_like(totals[:1]) if self.count < self.capacity else totals[:1]
                values = np.diff(totals, axis=0, prepend=first)
        if last is not None:
            times, values = times[-last:], values[-last:]
        return times, values


class LiveStore:
    """Every live stream's buffer; thread-safe; the sink consumers hand batches to."""

    def __init__(self, capacity: int = 3600, max_columns: int = 2048):
        self.capacity = capacity
        self.max_columns = max_columns
        self._streams: dict[StreamId, StreamBuffer] = {}
        self._lock = threading.Lock()
        self.snapshots = 0
        self.records = 0

    def __call__(self, snapshots: Iterable[Snapshot]) -> None:
        self.ingest(snapshots)

    def ingest(self, snapshots: Iterable[Snapshot]) -> None:
        """Add a batch of snapshots (the consumer's or an in-process agent's)."""
        streams = self._streams
        n = records = 0
        with self._lock:
            for snap in snapshots:
                buf = streams.get((snap.host, snap.source, snap.agg))
                if buf is None or buf.kind != snap.kind:
                    buf = StreamBuffer(snap.stream, snap.kind, snap.delta, snap.interval, self.capacity, self.max_columns)
                    streams[snap.stream] = buf
                buf.add(snap)
                n += 1
                records += len(snap.entries)
            self.snapshots += n
            self.records += records

    # -- reading -----------------------------------------------------------------------------------------------------
    def streams(self) -> list[StreamInfo]:
        with self._lock:
            return [
                StreamInfo(b.stream, b.kind, b.delta, b.interval, b.count, len(b.labels),
                           float(b.times[b.head]) if b.count else 0.0, b.version)
                for b in self._streams.values()
            ]

    def info(self, stream: StreamId) -> StreamInfo:
        return next(i for i in self.streams() if i.stream == stream)

    def labels(self, stream: StreamId) -> list[tuple]:
        with self._lock:
            return list(self._buffer(stream).labels)

    def keys(self, stream: StreamId) -> list[tuple]:
        """The distinct key tuples of a stream, in order of first appearance."""
        with self._lock:
            buf = self._buffer(stream)
            if buf.kind in BUCKET_KINDS or buf.kind in STATS_KINDS:
                return list(dict.fromkeys(label[0] for label in buf.labels))
            return list(buf.labels)

    def version(self, stream: StreamId) -> int:
        with self._lock:
            return self._buffer(stream).version

    def matrix(self, stream: StreamId, view: str = "interval", last: int | None = None):
        """(times, values[time, column], labels): the whole stream as arrays (copies)."""
        with self._lock:
            buf = self._buffer(stream)
            times, values = buf.view(view, last)
            return times, values, list(buf.labels)

    def series(self, stream: StreamId, key: tuple, view: str = "interval", last: int | None = None):
        """(times, values) of one scalar key, copies."""
        with self._lock:
            buf = self._buffer(stream)
            col = buf.columns.get(tuple(key))
            if col is None:
                raise KeyError(f"{_name(stream)} has no key {tuple(key)!r}")
            times, values = buf.view(view, last)
            return times, values[:, col].copy()

    def buckets(self, stream: StreamId, key: tuple | None = None, view: str = "interval", last: int | None = None):
        """(times, edges[(low, high)], counts[time, bucket]) for a heatmap or histogram.

        ``key=None`` sums over every key. Buckets are sorted by their low edge.
        """
        with self._lock:
            buf = self._buffer(stream)
            if buf.kind not in BUCKET_KINDS:
                raise ValueError(f"{_name(stream)} is a {buf.kind} stream, not a histogram")
            times, values = buf.view(view, last)
            labels = list(buf.labels)
        edges = sorted({(lo, hi) for (k, lo, hi) in labels if key is None or k == tuple(key)})
        pos = {edge: i for i, edge in enumerate(edges)}
        counts = np.zeros((len(times), len(edges)), dtype=np.float64)
        for col, (k, lo, hi) in enumerate(labels):
            if key is None or k == tuple(key):
                counts[:, pos[(lo, hi)]] += np.nan_to_num(values[:, col])
        return times, edges, counts

    def frame(self, stream: StreamId, view: str = "interval", last: int | None = None):
        """A pandas DataFrame (a copy): time index, one column per series."""
        import pandas as pd

        times, values, labels = self.matrix(stream, view, last)
        index = pd.to_datetime(times, unit="s", utc=True)
        columns = [_label_text(label) for label in labels]
        return pd.DataFrame(values, index=index, columns=columns)

    def stats(self) -> dict:
        with self._lock:
            return {
                "streams": len(self._streams),
                "snapshots": self.snapshots,
                "records": self.records,
                "late": sum(b.late for b in self._streams.values()),
                "dropped_columns": sum(b.dropped_columns for b in self._streams.values()),
            }

    def clear(self) -> None:
        with self._lock:
            self._streams.clear()

    def _buffer(self, stream: StreamId) -> StreamBuffer:
        try:
            return self._streams[tuple(stream)]
        except KeyError:
            raise KeyError(f"no stream {_name(stream)}") from None


def _forward_fill(values: np.ndarray) -> np.ndarray:
    """Replace each NaN by the last non-NaN value above it in its column."""
    if values.size == 0:
        return values
    rows = np.where(np.isnan(values), 0, np.arange(values.shape[0])[:, None])
    np.maximum.accumulate(rows, axis=0, out=rows)
    return values[rows, np.arange(values.shape[1])]


def _name(stream: StreamId) -> str:
    return ".".join(stream)


def _label_text(label: tuple) -> str:
    """Column name: ``bash`` for a key, ``bash,42`` for a two-part key, ``bash [4..7]`` for a bucket."""
    if label and isinstance(label[0], tuple):
        key = ",".join(str(p) for p in label[0])
        if len(label) == 3:
            from ..schema import bucket_label

            return f"{key} [{bucket_label(label[1], label[2])}]"
        return f"{key} {label[1]}"
    return ",".join(str(p) for p in label)
