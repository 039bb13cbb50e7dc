"""Activity series: every (stream, key) of a recording or a live window as one column of a time × series matrix.

The dependency graph (``depgraph.py``) compares sources by how their activity moves over
time, so it first needs that activity on one time grid. ``ActivityMatrix`` is that grid:
``values[t, i]`` is what series ``i`` did during bin ``t`` (bins of ``resolution`` seconds).

What a series is, by the aggregation's kind:

* ``count``/``sum`` (additive): the events or the amount in the bin (the per-interval deltas
  added up; running totals, ``delta = False``, are differenced first), 0 where nothing came;
* histograms (``quantize``, ``hist``, ...): the number of events in all of a key's buckets;
* ``stats``: the ``count`` field, for the same reason;
* levels (``min``, ``max``, ``avg``, ``stddev``): the mean of the bin, carried forward over
  bins without a value.

Sources: a recording folder (DuckDB does the per-snapshot reduction over its Parquet
segments), an Arrow table in the recording's schema (another tool's file, flattened), or a
LiveStore window (its ``interval`` view, which already holds deltas).
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from ..schema import ADDITIVE_KINDS, BUCKET_KINDS, STATS_KINDS
from ..store.live import forward_fill
from .detectors.base import FloatArray

if TYPE_CHECKING:
    import pandas as pd
    from duckdb import DuckDBPyConnection

    from ..store.live import LiveStore, StreamId

#: Finest and coarsest bins a resolution is rounded into, seconds.
MIN_RESOLUTION = 0.05
MAX_RESOLUTION = 3600.0


@dataclass(frozen=True, slots=True)
class SeriesSpec:
    """One series: a key of a stream (``key`` is the key's parts joined by commas; "" for a keyless aggregation)."""

    host: str
    source: str
    agg: str
    kind: str
    key: str

    @property
    def stream(self) -> tuple[str, str, str]:
        return (self.host, self.source, self.agg)

    @property
    def label(self) -> str:
        """What a graph shows on the node: the key, or the aggregation when it has no key."""
        return self.key or self.agg

    def name(self, with_host: bool = False) -> str:
        """``source.agg:key`` (``host.source.agg:key`` when several hosts are in play)."""
        stream = f"{self.host}.{self.source}.{self.agg}" if with_host else f"{self.source}.{self.agg}"
        return f"{stream}:{self.key}" if self.key else stream


@dataclass
class ActivityMatrix:
    """Series on one time grid: ``values[t, i]`` for series ``i`` in the bin that ends at ``times[t]``.

    Bins are ``resolution`` seconds, open at their start and closed at their end, as a
    snapshot's interval is (its time is when the interval ended).
    """

    times: FloatArray
    values: FloatArray
    series: list[SeriesSpec]
    resolution: float

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.times), len(self.series)):
            raise ValueError(
                f"values are {self.values.shape}, expected {(len(self.times), len(self.series))}"
            )

    @property
    def names(self) -> list[str]:
        with_host = len({s.host for s in self.series}) > 1
        return [s.name(with_host) for s in self.series]

    def select(self, columns: npt.ArrayLike) -> ActivityMatrix:
        """The matrix with only these columns (indices or a boolean mask), values copied."""
        idx = (
            np.flatnonzero(columns)
            if np.asarray(columns).dtype == bool
            else np.asarray(columns, dtype=np.intp)
        )
        return ActivityMatrix(
            self.times.copy(), self.values[:, idx].copy(), [self.series[i] for i in idx], self.resolution
        )

    def match(self, patterns: list[str] | None) -> ActivityMatrix:
        """Only the series whose name matches one of the shell-style ``patterns`` (all when None or empty)."""
        if not patterns:
            return self
        names = self.names
        keep = [i for i, name in enumerate(names) if any(fnmatch.fnmatchcase(name, p) for p in patterns)]
        return self.select(keep)

    def frame(self) -> pd.DataFrame:
        """A pandas DataFrame: UTC time index, one column per series name."""
        import pandas as pd

        return pd.DataFrame(
            self.values, index=pd.to_datetime(self.times, unit="s", utc=True), columns=self.names
        )


SERIES_FIELDS = ("host", "source", "agg", "kind", "key")


# -- the long form: one (series, time, value) row per snapshot and key ---------------------------------------------
_REDUCE_SQL = """
SELECT host, source, agg, kind, bool_and(delta) AS delta, key, epoch_us(ts) / 1e6 AS t, sum(value) AS v
FROM recording
WHERE (field IS NULL OR field = 'count')
  {where}
GROUP BY host, source, agg, kind, key, snapshot, ts
ORDER BY t
"""


def from_recording(
    folder: str | os.PathLike[str],
    resolution: float | None = None,
    since: float | None = None,
    until: float | None = None,
    patterns: list[str] | None = None,
) -> ActivityMatrix:
    """Every series of a recording folder between ``since`` and ``until`` (epoch seconds; None: all of it)."""
    from ..store.recording import connect

    return _from_connection(connect(folder), resolution, since, until, patterns)


def from_table(
    table: Any, resolution: float | None = None, patterns: list[str] | None = None
) -> ActivityMatrix:
    """Every series of an Arrow table in the recording schema (``store.recording.flatten`` of snapshots)."""
    import duckdb

    con = duckdb.connect(":memory:")
    con.register("recording", table)
    return _from_connection(con, resolution, None, None, patterns)


def _from_connection(
    con: DuckDBPyConnection,
    resolution: float | None,
    since: float | None,
    until: float | None,
    patterns: list[str] | None,
) -> ActivityMatrix:
    clauses: list[str] = []
    params: list[float] = []
    if since is not None:
        clauses.append("AND ts >= to_timestamp(?)")
        params.append(float(since))
    if until is not None:
        clauses.append("AND ts <= to_timestamp(?)")
        params.append(float(until))
    rows = con.execute(_REDUCE_SQL.format(where=" ".join(clauses)), params).df()
    median = con.execute("SELECT median(interval) FROM recording").fetchone()
    assert median is not None  # an aggregate without GROUP BY gives one row
    intervals = median[0]
    con.close()
    if rows.empty:
        raise ValueError("the recording holds no data" + (" in that span" if clauses else ""))
    by_series = rows.groupby(list(SERIES_FIELDS), sort=True)
    column = by_series.ngroup().to_numpy()
    firsts = by_series.agg(delta=("delta", "all")).reset_index()
    specs = [SeriesSpec(*r) for r in firsts[list(SERIES_FIELDS)].itertuples(index=False)]
    # buckets and stats were summed per key in SQL; a histogram's total is additive like a count
    matrix = bin_long(
        column,
        rows["t"].to_numpy(np.float64),
        rows["v"].to_numpy(np.float64),
        specs,
        firsts["delta"].to_numpy(bool),
        _resolution(resolution, intervals),
    )
    return matrix.match(patterns)


def from_store(
    store: LiveStore,
    streams: Iterable[Sequence[str]] | None = None,
    since: float | None = None,
    resolution: float | None = None,
    patterns: list[str] | None = None,
) -> ActivityMatrix:
    """Every series of a LiveStore's ``streams`` (all when None) from ``since`` (epoch seconds) on."""
    columns: list[npt.NDArray[np.intp]] = []
    times: list[FloatArray] = []
    values: list[FloatArray] = []
    specs: list[SeriesSpec] = []
    intervals: list[float] = []
    infos = {i.stream: i for i in store.streams()}
    # a stream given that the store does not hold is refused below
    wanted = list(infos) if streams is None else [cast("StreamId", tuple(s)) for s in streams]
    for stream in wanted:
        info = infos.get(stream)
        if info is None:
            raise KeyError(f"no stream {'.'.join(stream)}")
        host, source, agg = stream
        t, v, labels = store.matrix(stream, "interval", since=since)
        if not len(t) or not labels:
            continue
        intervals.append(info.interval)
        for key, cols in _columns_by_key(info.kind, labels).items():
            column_values = np.nansum(v[:, cols], axis=1) if len(cols) > 1 else v[:, cols[0]]
            present = ~np.isnan(column_values)
            if info.kind in ADDITIVE_KINDS:
                present &= column_values != 0
            specs.append(SeriesSpec(host, source, agg, info.kind, key))
            columns.append(np.full(int(present.sum()), len(specs) - 1, dtype=np.intp))
            times.append(t[present])
            values.append(column_values[present])
    if not specs:
        raise ValueError("the store holds no data" + (" in that window" if since is not None else ""))
    res = _resolution(resolution, float(np.median(intervals)) if intervals else None)
    # the interval view already holds deltas: every series is per interval
    matrix = bin_long(
        np.concatenate(columns),
        np.concatenate(times),
        np.concatenate(values),
        specs,
        np.ones(len(specs), dtype=bool),
        res,
        start=since,
    )
    return matrix.match(patterns)


def _columns_by_key(kind: str, labels: list[tuple[Any, ...]]) -> dict[str, list[int]]:
    """Columns of a stream's matrix that make up each key's series (all buckets; a stats' count field)."""
    out: dict[str, list[int]] = {}
    for col, label in enumerate(labels):
        if kind in BUCKET_KINDS:
            key = label[0]
        elif kind in STATS_KINDS:
            if label[1] != "count":
                continue
            key = label[0]
        else:
            key = label
        out.setdefault(",".join(str(p) for p in key), []).append(col)
    return out


def _resolution(asked: float | None, median_interval: float | None) -> float:
    res = asked if asked else (median_interval or 1.0)
    return float(min(max(res, MIN_RESOLUTION), MAX_RESOLUTION))


def bin_long(
    column: npt.NDArray[np.intp],
    t: FloatArray,
    v: FloatArray,
    specs: list[SeriesSpec],
    delta: npt.ArrayLike,
    resolution: float,
    start: float | None = None,
) -> ActivityMatrix:
    """The matrix from long rows (series ``column``, time ``t``, value ``v``), all vectorised.

    A row falls into the bin its time ends or is in (a snapshot's time is the end of its interval).
    Additive series add up in a bin; running totals keep the bin's largest and are then
    differenced; levels average and are carried forward over empty bins. Columns come out
    sorted by (host, source, aggregation, kind, key).
    """
    # series in one order whatever their source: host, source, aggregation, kind, key
    order = sorted(
        range(len(specs)),
        key=lambda i: (specs[i].host, specs[i].source, specs[i].agg, specs[i].kind, specs[i].key),
    )
    rank = np.empty(len(specs), dtype=np.intp)
    rank[order] = np.arange(len(specs))
    column, specs, delta = rank[column], [specs[i] for i in order], np.asarray(delta)[order]
    # bin k is (t0 + k·res, t0 + (k+1)·res]: a snapshot's time is the end of its interval
    first = float(np.min(t))
    t0 = (
        np.ceil(first / resolution) * resolution - resolution
        if start is None
        else min(
            np.floor(float(start) / resolution) * resolution,
            np.ceil(first / resolution) * resolution - resolution,
        )
    )
    row = np.maximum(np.ceil((t - t0) / resolution - 1e-9).astype(np.intp) - 1, 0)
    nbins, nseries = int(row.max()) + 1, len(specs)
    additive = np.array([s.kind in ADDITIVE_KINDS for s in specs], dtype=bool)
    sums = np.zeros((nbins, nseries))
    counts = np.zeros((nbins, nseries))
    np.add.at(sums, (row, column), v)
    np.add.at(counts, (row, column), 1)
    totals = np.full((nbins, nseries), -np.inf)
    np.maximum.at(totals, (row, column), v)
    values = np.zeros((nbins, nseries))
    rate = additive & delta
    values[:, rate] = sums[:, rate]
    running = additive & ~delta
    if running.any():
        tot = np.where(counts[:, running] > 0, totals[:, running], np.nan)
        tot = forward_fill(tot)
        first_row = np.nan_to_num(tot[:1])  # the first bin's own delta is unknown: count from it
        values[:, running] = np.maximum(np.diff(np.nan_to_num(tot), axis=0, prepend=first_row), 0)
    level = ~additive
    if level.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums[:, level] / counts[:, level]
        mean = forward_fill(mean)
        values[:, level] = np.where(np.isnan(mean), _first_valid(mean), mean)
    times = t0 + (np.arange(nbins) + 1) * resolution
    return ActivityMatrix(times, values, list(specs), resolution)


def _first_valid(values: FloatArray) -> FloatArray:
    """Each column's first non-NaN value (0 for an all-NaN column), as a row to fill the start with."""
    ok = ~np.isnan(values)
    first = np.argmax(ok, axis=0)
    out = values[first, np.arange(values.shape[1])]
    return np.where(ok.any(axis=0), out, 0.0)[None, :]
