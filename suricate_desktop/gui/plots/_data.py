"""The numbers behind the plots, with no Qt: windows, caches of new rows, top-N, bucket ladders, time bins.

Everything here takes and returns numpy arrays, so it is tested and timed
without a widget. The charts (``charts.py``, ``heatmap.py``) only turn these
into pyqtgraph items.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from ...schema import ADDITIVE_KINDS, BUCKET_KINDS, INT64_MAX, INT64_MIN, STATS_KINDS, bucket_label

#: Time windows offered in the toolbar: (label, seconds); None is everything the store holds.
WINDOWS: list[tuple[str, float | None]] = [
    ("1 min", 60.0),
    ("5 min", 300.0),
    ("15 min", 900.0),
    ("1 h", 3600.0),
    ("6 h", 21600.0),
    ("1 day", 86400.0),
    ("all", None),
]
DEFAULT_WINDOW = 300.0

#: Silence longer than this many intervals is a gap.
GAP_FACTOR = 2.5

#: Kinds of the bucket ladders: one row per power of two, or per linear step.
LOG2_KINDS = frozenset({"quantize", "hist"})
LINEAR_KINDS = frozenset({"lquantize", "lhist"})

#: At most this many filled-in ladder rows (a guard against absurd ranges).
MAX_LADDER_ROWS = 4096


def key_text(key) -> str:
    """``bash`` for ("bash",), ``bash,42`` for ("bash", 42), ``(no key)`` for ()."""
    return ",".join(map(str, key)) if key else "(no key)"


def fmt_number(value: float | None) -> str:
    """Short human form: 3, 0.25, 12.5k, 1.05M; integers below 100,000 in full."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    a = abs(value)
    if a == 0:
        return "0"
    if float(value).is_integer() and a < 100_000:
        return str(int(value))
    if a < 0.01:
        return f"{value:.2e}"
    if a < 100_000:
        return f"{value:.4g}"
    for unit, scale in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if a >= scale:
            return f"{value / scale:.3g}{unit}"
    return f"{value:.3g}"


def fmt_edge(value: int) -> str:
    """A bucket boundary on an axis: 0, 512, 4096, 65.5k, 1.05M."""
    if value == INT64_MIN:
        return "-∞"
    if value == INT64_MAX:
        return "∞"
    return fmt_number(value)


def fmt_time(ts: float, precise: bool = False) -> str:
    """Local wall time of an epoch timestamp, as the time axis shows it."""
    dt = datetime.fromtimestamp(ts).astimezone()
    return dt.strftime("%H:%M:%S.%f")[:-3] if precise else dt.strftime("%Y-%m-%d %H:%M:%S")


def iso_utc(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


# -- rows in a window, fetched a little at a time --------------------------------------------------------------------
Fetch = Callable[[float], tuple]


class RowCache:
    """The rows of one stream inside a time window, kept current by fetching only what is new.

    ``fetch(since)`` returns ``(times, values[row, col], signature, extra)`` for the
    rows at or after ``since``. Each ``update`` asks for the rows since the newest
    one held (inclusive: a late chunk may have merged into it), so a plot polling
    thirty times a second copies a row or two, not the whole ring. Whenever the
    signature changes (new columns, new buckets), the start moves back, or the
    stream was replaced, everything in the window is fetched again.
    """

    def __init__(self, max_rows: int):
        self.max_rows = max_rows
        self.reset()

    def reset(self) -> None:
        self.times = np.zeros(0)
        self.values = np.zeros((0, 0))
        self.signature = None
        self.extra = None
        self.start = math.inf
        self._cap = 0
        self._lo = 0  # the first row in the window; rows before it are dropped, not yet moved
        self._n = 0  # one past the last row

    def update(self, fetch: Fetch, start: float) -> None:
        if self._n > self._lo and start >= self.start:
            newest = self.times[-1]
            times, values, signature, extra = fetch(newest)
            if signature == self.signature and len(times) and times[0] == newest:
                self._append(times, values, replace_last=True)
                self.extra = extra
                self._trim(start)
                return
        times, values, signature, extra = fetch(start if math.isfinite(start) else -math.inf)
        self.signature, self.extra, self.start = signature, extra, start
        self._lo = self._n = 0
        self._cap = 0
        self._append(times, values, replace_last=False)
        self._trim(start)

    # A growable buffer (capacity doubles), so appending a row does not copy the window, and the rows that
    # leave the window are only skipped (``_lo``): moved out when the buffer is next full, not at every row.
    def _append(self, times: np.ndarray, values: np.ndarray, replace_last: bool) -> None:
        n = self._n - (1 if replace_last else 0)
        need = n + len(times)
        width = values.shape[1] if values.ndim == 2 else 0
        if need > self._cap or self._buf_v.shape[1] != width:
            live = max(0, n - self._lo)
            cap = max(64, (live + len(times)) * 2)
            bt = np.zeros(cap)
            bv = np.zeros((cap, width))
            if live and self._cap:
                bt[:live] = self._buf_t[self._lo : n]
                bv[:live] = self._buf_v[self._lo : n]
            self._buf_t, self._buf_v, self._cap = bt, bv, cap
            self._lo, n = 0, live
            need = n + len(times)
        self._buf_t[n:need] = times
        self._buf_v[n:need] = values
        self._n = need
        self._view()

    def _trim(self, start: float) -> None:
        self.start = start
        lo = self._lo
        first = (
            lo + int(np.searchsorted(self._buf_t[lo : self._n], start, side="left"))
            if math.isfinite(start)
            else lo
        )
        first = max(first, self._n - self.max_rows)
        if first > lo:
            self._lo = first
            self._view()

    def _view(self) -> None:
        self.times = self._buf_t[self._lo : self._n]
        self.values = self._buf_v[self._lo : self._n]

    _buf_t = np.zeros(0)
    _buf_v = np.zeros((0, 0))


# -- columns to keys ---------------------------------------------------------------------------------------------------
class KeyProjection:
    """Turns a stream's columns into one value per key: the key itself (scalars), a stats field, or the sum of a
    key's buckets (so a histogram stream can be drawn as counts per key over time)."""

    def __init__(self, kind: str, field: str = "average"):
        self.kind = kind
        self.field = field
        self._ncols = -1
        self.keys: list[tuple] = []
        self._cols = np.zeros(0, dtype=np.intp)
        self._starts: npt.NDArray[np.intp] | None = np.zeros(0, dtype=np.intp)
        self._identity = True

    def prepare(self, labels: list[tuple]) -> None:
        if len(labels) == self._ncols:
            return
        self._ncols = len(labels)
        if self.kind in BUCKET_KINDS:
            order: dict[tuple, list[int]] = {}
            for col, (key, _lo, _hi) in enumerate(labels):
                order.setdefault(key, []).append(col)
            self.keys = list(order)
            cols = [c for key in self.keys for c in order[key]]
            starts = np.cumsum([0] + [len(order[k]) for k in self.keys[:-1]]) if self.keys else np.zeros(0)
            self._cols, self._starts, self._identity = (
                np.array(cols, np.intp),
                np.array(starts, np.intp),
                False,
            )
        elif self.kind in STATS_KINDS:
            picked = [(label[0], col) for col, label in enumerate(labels) if label[1] == self.field]
            self.keys = [k for k, _ in picked]
            self._cols = np.array([c for _, c in picked], np.intp)
            self._identity = False
            self._starts = None
        else:
            self.keys = [tuple(label) for label in labels]
            self._identity = True

    def __call__(self, values: np.ndarray) -> np.ndarray:
        if self._identity:
            return values
        if self._starts is None:
            return values[:, self._cols]
        if not len(self._cols):
            return np.zeros((values.shape[0], 0))
        return np.add.reduceat(np.nan_to_num(values[:, self._cols]), self._starts, axis=1)


def rank_keys(values: np.ndarray, kind: str, view: str) -> np.ndarray:
    """A score per column for "top N by recent total": what each key did inside the window.

    Per-interval values (and levels such as min/max/avg) add up over the window; a
    cumulative view of an additive kind scores by its growth inside the window.
    """
    if not values.size:
        return np.zeros(values.shape[1] if values.ndim == 2 else 0)
    if view == "cumulative" and kind in ADDITIVE_KINDS and values.shape[0] > 1:
        with np.errstate(invalid="ignore"):
            grow = np.nanmax(values, axis=0) - np.nanmin(values, axis=0)
        score = np.where(grow > 0, grow, np.abs(np.nan_to_num(values[-1])) * 1e-9)
        return np.nan_to_num(score)
    return np.nansum(np.abs(values), axis=0)


def top_columns(
    score: np.ndarray, n: int, current: list[int] | tuple = (), keep_within: float = 0.8
) -> list[int]:
    """Indices of the ``n`` best scores, best first.

    With ``current`` (the columns shown now), a shown column stays while its score is
    at least ``keep_within`` of the n-th best: two keys of about the same size do not
    swap places in and out of the plot (and its legend) every frame.
    """
    if not len(score) or n <= 0:
        return []
    order = [int(i) for i in np.argsort(-score, kind="stable")]
    if not len(current):
        return order[:n]
    nth = score[order[min(n, len(order)) - 1]]
    keep = [c for c in current if 0 <= c < len(score) and score[c] > 0 and score[c] >= keep_within * nth][:n]
    kept = set(keep)
    chosen = keep + [c for c in order if c not in kept][: n - len(keep)]
    return sorted(chosen, key=lambda c: (-score[c], c))


# -- bucket ladders ----------------------------------------------------------------------------------------------------
def _log2_rung(lo: int, hi: int) -> int | None:
    if lo == 0 and hi == 0:
        return 0
    if lo > 0 and lo & (lo - 1) == 0 and hi == 2 * lo - 1:
        return lo.bit_length()
    if hi < 0 and (-hi) & (-hi - 1) == 0 and lo == 2 * hi + 1:
        return -(-hi).bit_length()
    return None


def _log2_edge(rung: int) -> tuple[int, int]:
    if rung == 0:
        return (0, 0)
    if rung > 0:
        return (1 << (rung - 1), (1 << rung) - 1)
    return (-((1 << -rung) - 1), -(1 << (-rung - 1)))


def bucket_ladder(kind: str, edges: list[tuple[int, int]]) -> tuple[list[tuple[int, int]], np.ndarray, str]:
    """(rows, row of each edge, scale): every bucket from the lowest seen to the highest, none skipped.

    A heatmap whose rows were only the buckets that happened to have counts would
    squeeze empty ranges away and bend its y axis; like DTrace's own output and
    Gregg's heatmaps, rows are the full ladder: powers of two for quantize/hist
    (scale ``log2``), linear steps for lquantize/lhist (``linear``), with the
    open-ended under- and overflow buckets at the ends. Anything that is not a
    clean ladder (llquantize, odd producers) keeps the buckets seen (``buckets``).
    """
    edges = [(int(lo), int(hi)) for lo, hi in edges]
    under = [e for e in edges if e[0] == INT64_MIN]
    over = [e for e in edges if e[1] == INT64_MAX and e[0] != INT64_MIN]
    inner = [e for e in edges if e[0] != INT64_MIN and e[1] != INT64_MAX]
    rows: list[tuple[int, int]] | None = None
    scale = "buckets"
    if inner and kind in LOG2_KINDS:
        maybe = [_log2_rung(lo, hi) for lo, hi in inner]
        rungs = [r for r in maybe if r is not None]
        if len(rungs) == len(maybe) and max(rungs) - min(rungs) < MAX_LADDER_ROWS:
            rows = [_log2_edge(r) for r in range(min(rungs), max(rungs) + 1)]
            scale = "log2"
    elif inner and kind in LINEAR_KINDS:
        widths = {hi - lo + 1 for lo, hi in inner}
        if len(widths) == 1:
            step = widths.pop()
            base = min(lo for lo, _ in inner)
            top = max(lo for lo, _ in inner)
            if (
                step > 0
                and all((lo - base) % step == 0 for lo, _ in inner)
                and (top - base) // step < MAX_LADDER_ROWS
            ):
                rows = [(lo, lo + step - 1) for lo in range(base, top + 1, step)]
                scale = "linear"
    if rows is None:
        rows = sorted(inner)
    rows = sorted(under) + rows + sorted(over)
    pos = {edge: i for i, edge in enumerate(rows)}
    if any(e not in pos for e in edges):  # overlapping oddities: fall back to what was seen
        rows, scale = sorted(set(edges)), "buckets"
        pos = {edge: i for i, edge in enumerate(rows)}
    return rows, np.array([pos[e] for e in edges], dtype=np.intp), scale


def spread(counts: np.ndarray, index: np.ndarray, nrows: int) -> np.ndarray:
    """counts[row, edge] placed on the ladder: out[row, ladder_row]."""
    out = np.zeros((counts.shape[0], nrows))
    if counts.size:
        out[:, index] = counts
    return out


# -- time bins for a heatmap -----------------------------------------------------------------------------------------
def time_bins(times: np.ndarray, interval: float, lo: float, hi: float, max_cols: int):
    """(origin, width, ncols, column of each row): uniform time columns across [lo, hi].

    A column is one interval wide, or a whole number of intervals when the window
    holds more intervals than ``max_cols`` (the plot's width in pixels): the
    decimation that keeps a day-long heatmap as cheap as a minute-long one.
    Columns are aligned to the snapshots' own phase, so a column covers exactly
    the intervals it sums and does not shift as new data arrives. A snapshot at
    ``t`` covers ``[t - interval, t]``.
    """
    if interval <= 0:
        steps = np.diff(times)
        interval = float(np.median(steps)) if len(steps) else 1.0
        interval = interval if interval > 0 else 1.0
    span = max(hi - lo, interval)
    width = interval * max(1, math.ceil(span / interval / max(1, max_cols)))
    phase = float(times[-1]) % width if len(times) else 0.0
    origin = phase + math.floor((lo - phase) / width) * width
    ncols = max(1, math.ceil((hi - origin) / width - 1e-9))
    cols = (
        np.floor((times - interval / 2 - origin) / width).astype(np.intp)
        if len(times)
        else np.zeros(0, np.intp)
    )
    return origin, width, ncols, cols


def bin_rows(counts: np.ndarray, cols: np.ndarray, ncols: int) -> tuple[np.ndarray, np.ndarray]:
    """(image[col, row] of summed counts, filled[col]): rows added into their columns; empty columns stay unfilled."""
    img = np.zeros((ncols, counts.shape[1]))
    filled = np.zeros(ncols, dtype=bool)
    keep = (cols >= 0) & (cols < ncols)
    if keep.any():
        c = cols[keep]
        if len(c) < 2 or (c[1:] >= c[:-1]).all():  # rows in time order (as the cache keeps them): no sort
            first = np.flatnonzero(np.diff(c, prepend=-1))
            uniq = c[first]
        else:
            uniq, first = np.unique(c, return_index=True)
        img[uniq] = np.add.reduceat(counts[keep], first, axis=0)
        filled[uniq] = True
    return img, filled


def edge_text(edge: tuple[int, int]) -> str:
    return bucket_label(*edge)


def decimate(times: np.ndarray, values: np.ndarray, lo: float, hi: float, width_px: int):
    """(x, y[point, column], rows per point): what a curve needs to look right ``width_px`` pixels wide.

    The rows inside [lo, hi] (plus one on each side, so lines run to the edges:
    clip to view), and when there are more than two per pixel, the minimum and
    maximum of each pixel's rows (peak decimation, every column in one numpy
    call): spikes survive, a day of one-second intervals costs what a few
    minutes do.
    """
    n = len(times)
    i0 = max(0, int(np.searchsorted(times, lo, side="left")) - 1) if math.isfinite(lo) else 0
    i1 = min(n, int(np.searchsorted(times, hi, side="right")) + 1) if math.isfinite(hi) else n
    t, v = times[i0:i1], values[i0:i1]
    width_px = max(16, int(width_px))
    if len(t) <= 2 * width_px:
        return t, v, 1
    k = math.ceil(len(t) / width_px)
    starts = np.arange(0, len(t), k)
    y = np.empty((2 * len(starts), v.shape[1]))
    _peaks(v, k, y)
    ends = np.minimum(starts + k - 1, len(t) - 1)
    x = np.empty(2 * len(starts))
    x[0::2] = t[starts]
    x[1::2] = t[ends]
    return x, y, k


def _peaks(v: np.ndarray, k: int, out: np.ndarray) -> None:
    """out[0::2], out[1::2] = the minimum and maximum (NaN ignored) of each run of ``k`` rows of ``v``.

    The whole runs as a (runs, k, columns) view: for a few rows a run (a window a few times
    wider than the plot, the usual case) ``k`` element-wise ``fmin``/``fmax`` calls, a third of
    ``reduceat``'s time; else one reduction over the run's axis."""
    n, m = len(v), len(v) // k
    lo, hi = out[0 : 2 * m : 2], out[1 : 2 * m : 2]
    if m:
        runs = v[: m * k].reshape(m, k, v.shape[1])
        if k <= 8:
            np.fmin(runs[:, 0], runs[:, min(1, k - 1)], out=lo)
            np.fmax(runs[:, 0], runs[:, min(1, k - 1)], out=hi)
            for i in range(2, k):
                np.fmin(lo, runs[:, i], out=lo)
                np.fmax(hi, runs[:, i], out=hi)
        else:
            np.fmin.reduce(runs, axis=1, out=lo)
            np.fmax.reduce(runs, axis=1, out=hi)
    if m * k < n:  # the last, shorter run
        out[2 * m] = np.fmin.reduce(v[m * k :], axis=0)
        out[2 * m + 1] = np.fmax.reduce(v[m * k :], axis=0)
