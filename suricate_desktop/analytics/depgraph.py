"""The dependency graph: which sources (processes, I/O, system calls) move together.

As in the 2013 "Learning application behavior" post: from a recording or a live window,
the interdependencies between data sources, found by correlation and clustering, drawn as a
graph whose edge weight is the strength of the link, clusters coloured.

How, from an ``ActivityMatrix`` (activity.py):

1. **Which series.** Those active (non-zero change) in at least ``min_active`` bins and not
   constant; of those, the ``max_series`` most active. Idle keys would only add noise (and
   an all-zero series has no correlation at all).
2. **Transform.** ``"rate"``: the per-bin activity itself (a delta is already a rate);
   ``"diff"``: its first difference, which keeps what changes together and drops shared
   slow trends (two counters both growing all day are not linked by that).
3. **Correlation.** Spearman (ranks, so a burst of 10^6 bytes does not outweigh the shape)
   or Pearson, for every pair at once: standardised columns, one matrix product. With
   ``max_lag`` > 0 the product is repeated for each shift of 1..max_lag bins, both ways, and
   a pair keeps the shift where its correlation is largest in magnitude: a process whose
   I/O shows a second after its system calls is still linked to them.
4. **The top series** (``max_nodes``, the window's "Top"; all by default): of the
   correlated series, the busiest, ranked as in step 1, so a graph of hundreds of series
   opens on the few that carry the activity, not on a hairball. (Ranking by link strength
   instead opens on whichever clique of short-lived processes started together: the bundled
   sample's 30 pyenv helpers, 430 links among 30 nodes.) The others stay in the graph's pool:
   another threshold or top count (``with_threshold``) costs no new correlation.
5. **Edges.** Pairs whose strength (the magnitude of that correlation) reaches
   ``threshold``; the sign (moving together, or one up when the other is down) and the lag
   are kept on the edge.
6. **Clusters.** Agglomerative clustering (average linkage, numpy: ``cluster``) on the
   distance 1 - strength, cut at 1 - ``threshold``: a cluster is a group whose average link
   is at least as strong as an edge. Clusters are numbered from 1 by size, largest first; a
   series alone in its cluster gets 0 (no cluster).

Everything is numpy over the whole matrix, with no SciPy or scikit-learn (their imports alone
took seconds, and held the interpreter's lock that the window needs to paint): a few hundred
series over a few thousand bins take well under a second (bench: ``bench/depgraph.py``).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from .activity import ActivityMatrix, SeriesSpec
from .detectors.base import LARGEST, FloatArray

#: The largest float: what an infinite value is taken as before a series is scaled (``_standardise``).
FLOAT_MAX = float(np.finfo(np.float64).max)

#: counts and indices (bins, lags, cluster ids)
IntArray = npt.NDArray[np.integer[Any]]

TRANSFORMS = ("rate", "diff")
METHODS = ("spearman", "pearson")
#: Fewer bins than this and correlations mean little; the graph refuses rather than mislead.
MIN_BINS = 8
#: Columns of the edges' CSV; ``series_b`` follows ``series_a`` by ``lag_seconds`` (0: together).
CSV_FIELDS = ("series_a", "series_b", "strength", "correlation", "lag_seconds", "cluster_a", "cluster_b")

Progress = Callable[[float, str], None]


@dataclass
class Node:
    name: str
    series: SeriesSpec
    cluster: int  # 1, 2, ... (1: the largest); 0: in no cluster
    activity: float  # total of the series over the span (events, bytes, ...)
    changes: int  # bins where its activity changed


@dataclass
class Edge:
    a: int  # node indices; ``a`` leads when the link has a lag
    b: int
    strength: float  # |correlation|, in [threshold, 1]
    correlation: float  # signed
    lag: float  # seconds (>= 0) by which ``b`` follows ``a``


@dataclass
class DependencyGraph:
    nodes: list[Node]
    edges: list[Edge]  # strongest first
    matrix: ActivityMatrix  # the activity of the nodes, column i for node i
    threshold: float
    params: dict[str, Any] = field(default_factory=dict)
    left_out: int = 0  # series left out as idle, constant or beyond max_series
    #: Every pair's correlation and lag (bins), kept so another threshold costs no new correlation.
    correlations: FloatArray | None = field(default=None, repr=False)
    lags: IntArray | None = field(default=None, repr=False)
    changes: IntArray | None = field(default=None, repr=False)
    #: Every correlated series (the nodes are the strongest of them), kept for ``with_threshold``.
    pool: Pool | None = field(default=None, repr=False)

    def with_threshold(self, threshold: float, max_nodes: int | str | None = "same") -> DependencyGraph:
        """The same correlations, cut at another ``threshold`` (and top ``max_nodes``: by default as before)."""
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], got {threshold}")
        top = self.params.get("max_nodes") if max_nodes == "same" else max_nodes
        if self.pool is not None:
            return _assemble(self.pool, threshold, {**self.params}, top if isinstance(top, int) else None)
        if self.correlations is None or self.lags is None or self.changes is None:
            raise ValueError("this graph keeps no correlations (build_graph's graphs do)")
        pool = Pool(self.matrix, self.correlations, self.lags, self.changes, self.left_out)
        return _assemble(pool, threshold, {**self.params}, top if isinstance(top, int) else None)

    @property
    def clusters(self) -> dict[int, list[int]]:
        """Cluster id -> node indices, for clusters of two or more."""
        out: dict[int, list[int]] = {}
        for i, node in enumerate(self.nodes):
            if node.cluster > 0:
                out.setdefault(node.cluster, []).append(i)
        return dict(sorted(out.items()))

    def index(self, name: str) -> int:
        for i, node in enumerate(self.nodes):
            if node.name == name:
                return i
        raise KeyError(f"no series {name!r} in the graph")

    def edge_between(self, a: str, b: str) -> Edge | None:
        pair = {self.index(a), self.index(b)}
        return next((e for e in self.edges if {e.a, e.b} == pair), None)

    def neighbours(self, i: int) -> list[int]:
        return sorted({e.b if e.a == i else e.a for e in self.edges if i in (e.a, e.b)})

    def series(self, i: int) -> tuple[FloatArray, FloatArray]:
        """(bin end times, activity) of node ``i``."""
        return self.matrix.times, self.matrix.values[:, i]

    def linked(self) -> list[int]:
        """Nodes with at least one edge."""
        return sorted({e.a for e in self.edges} | {e.b for e in self.edges})

    def edge_rows(self) -> list[tuple[str, str, float, float, float, int, int]]:
        """One row per edge, strongest first, in ``CSV_FIELDS`` order."""
        return [
            (
                self.nodes[e.a].name,
                self.nodes[e.b].name,
                round(e.strength, 4),
                round(e.correlation, 4),
                e.lag,
                self.nodes[e.a].cluster,
                self.nodes[e.b].cluster,
            )
            for e in self.edges
        ]

    def edges_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(CSV_FIELDS)
        writer.writerows(self.edge_rows())
        return out.getvalue()

    def write_csv(self, path: str | os.PathLike[str]) -> None:
        with open(path, "w", newline="", encoding="utf-8") as fh:
            fh.write(self.edges_csv())


@dataclass
class Pool:
    """The series correlated (columns of ``matrix``), every pair's correlation and lag (bins)."""

    matrix: ActivityMatrix
    correlations: FloatArray
    lags: IntArray
    changes: IntArray
    left_out: int  # idle, constant or beyond max_series: never correlated


class Cancelled(Exception):
    """Raised through ``build_graph`` by a progress callback that wants it to stop."""


def build_graph(
    matrix: ActivityMatrix,
    threshold: float = 0.6,
    max_lag: int = 1,
    transform: str = "rate",
    method: str = "spearman",
    min_active: int = 5,
    max_series: int = 300,
    progress: Progress | None = None,
    max_nodes: int | None = None,
) -> DependencyGraph:
    """Correlate, threshold and cluster the series of ``matrix``; see the module's docstring.

    ``max_nodes``: keep the graph to that many series, those with the most link strength.

    ``progress(fraction, what)`` is called between steps (and per lag); it may raise
    ``Cancelled`` to stop the work.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold}")
    if transform not in TRANSFORMS:
        raise ValueError(f"unknown transform {transform!r}; expected one of {TRANSFORMS}")
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {METHODS}")
    report = progress or (lambda fraction, what: None)
    report(0.0, "choosing series")
    bins = len(matrix.times) - (transform == "diff")
    if bins < MIN_BINS:
        raise ValueError(
            f"{bins} time bins are too few to correlate (at least {MIN_BINS} are needed); "
            "take a longer span or a finer resolution"
        )
    keep, active = choose_series(matrix.values, min_active, max_series)
    if not len(keep):
        raise ValueError(
            f"none of the {len(matrix.series)} series changes in {min_active} intervals or more: "
            "nothing moves enough to correlate"
        )
    picked = matrix.select(keep)
    x = picked.values if transform == "rate" else np.diff(picked.values, axis=0)
    max_lag = max(0, min(int(max_lag), len(x) // 4))
    if method == "spearman":
        report(0.05, "ranking")
        x = _ranks(x)
    corr, lag = lagged_correlation(x, max_lag, lambda f: report(0.1 + 0.7 * f, "correlating"))
    report(0.8, "clustering")
    params = {
        "threshold": threshold,
        "max_lag": max_lag,
        "transform": transform,
        "method": method,
        "min_active": min_active,
        "max_series": max_series,
        "resolution": matrix.resolution,
        "bins": len(matrix.times),
    }
    pool = Pool(picked, corr, lag, active, len(matrix.series) - len(keep))
    graph = _assemble(pool, threshold, params, max_nodes)
    report(1.0, "done")
    return graph


def busiest(matrix: ActivityMatrix, changes: IntArray, count: int) -> IntArray:
    """Indices (sorted) of the ``count`` busiest series: most active bins, then the larger total."""
    n = len(changes)
    if count >= n:
        return np.arange(n)
    totals = np.abs(np.nan_to_num(matrix.values)).sum(axis=0)
    order = np.lexsort((np.arange(n), -totals, -np.asarray(changes)))
    return np.sort(order[: max(count, 0)])


def _assemble(pool: Pool, threshold: float, params: dict[str, Any], max_nodes: int | None) -> DependencyGraph:
    """Nodes, edges and clusters at ``threshold`` from the pool's correlations (none recomputed)."""
    keep = busiest(pool.matrix, pool.changes, max_nodes if max_nodes else len(pool.changes))
    picked = pool.matrix.select(keep)
    corr = pool.correlations[np.ix_(keep, keep)]
    lag = pool.lags[np.ix_(keep, keep)]
    changes = pool.changes[keep]
    left_out = pool.left_out + len(pool.changes) - len(keep)
    strength = np.abs(corr)
    clusters = cluster(strength, threshold)
    iu, ju = np.triu_indices(len(picked.series), k=1)
    linked = strength[iu, ju] >= threshold
    order = np.argsort(-strength[iu, ju][linked], kind="stable")
    ia, ib = iu[linked][order], ju[linked][order]
    edges = []
    for a, b in zip(ia.tolist(), ib.tolist(), strict=True):
        if lag[a, b] < 0:  # the leader first
            a, b = b, a
        edges.append(
            Edge(a, b, float(strength[a, b]), float(corr[a, b]), float(lag[a, b] * picked.resolution))
        )
    names = picked.names
    with np.errstate(over="ignore"):  # a series of 1e308s: its total is the largest float, not infinity
        totals = np.clip(np.nansum(picked.values, axis=0), -FLOAT_MAX, FLOAT_MAX)
    nodes = [
        Node(names[i], picked.series[i], int(clusters[i]), float(totals[i]), int(changes[i]))
        for i in range(len(picked.series))
    ]
    return DependencyGraph(
        nodes,
        edges,
        picked,
        threshold,
        {**params, "threshold": threshold, "max_nodes": max_nodes},
        left_out,
        corr,
        lag,
        changes,
        pool,
    )


def choose_series(values: FloatArray, min_active: int, max_series: int) -> tuple[IntArray, IntArray]:
    """(indices of the series worth correlating, each one's active bins): changing, and the most active first."""
    changes = np.diff(values, axis=0) != 0
    active = changes.sum(axis=0) if len(values) > 1 else np.zeros(values.shape[1], dtype=np.intp)
    candidates = np.flatnonzero(active >= max(1, min_active))
    # most active first, then the larger total: a ranking that does not depend on the order of the keys
    totals = np.minimum(np.abs(values[:, candidates]), LARGEST).sum(axis=0)  # 1e308s would overflow
    order = np.lexsort((-totals, -active[candidates]))
    chosen = np.sort(candidates[order[:max_series]])
    return chosen, active[chosen]


def lagged_correlation(
    x: FloatArray, max_lag: int, progress: Callable[[float], None] | None = None
) -> tuple[FloatArray, IntArray]:
    """(corr, lag): for each pair, the correlation of largest magnitude over shifts -max_lag..max_lag bins.

    ``lag[i, j]`` > 0 means series ``j`` follows series ``i`` by that many bins. A column
    that does not vary over a shifted window correlates 0 with everything there.
    """
    n = x.shape[1]
    best = _correlate(x, x)
    np.fill_diagonal(best, 1.0)
    lag = np.zeros((n, n), dtype=np.int64)
    for shift in range(1, max_lag + 1):
        if progress:
            progress(shift / (max_lag + 1))
        # c[i, j] = corr(x_i(t - shift), x_j(t)): j follows i by `shift`
        c = _correlate(x[:-shift], x[shift:])
        for cand, sign in ((c, 1), (c.T, -1)):
            better = np.abs(cand) > np.abs(best) + 1e-12
            np.fill_diagonal(better, False)
            best = np.where(better, cand, best)
            lag = np.where(better, sign * shift, lag)
    if progress:
        progress(1.0)
    return best, lag


def _correlate(a: FloatArray, b: FloatArray) -> FloatArray:
    """Pearson correlation of every column of ``a`` with every column of ``b`` (same rows)."""
    za, zb = _standardise(a), _standardise(b)
    return cast(FloatArray, np.clip(za.T @ zb / len(a), -1.0, 1.0))


def _standardise(x: FloatArray) -> FloatArray:
    """Each column centred and scaled to unit spread (0 where it does not vary). Why it is first divided
    by its largest magnitude (an infinity taken as the largest float): a series holding 1e308, which a
    snapshot may carry, overflowed its mean and spread to infinity, and lost every edge."""
    x = np.nan_to_num(x, nan=np.nan, posinf=FLOAT_MAX, neginf=-FLOAT_MAX)
    top = np.max(np.abs(x), axis=0) if len(x) else np.ones(x.shape[1])
    x = x / np.where(top > 0.0, top, 1.0)
    centred = x - x.mean(axis=0)
    std = centred.std(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        z = centred / std
    z[:, std < 1e-12] = 0.0
    return cast(FloatArray, z)


def _ranks(x: FloatArray) -> FloatArray:
    """Average ranks (from 1) down each column, ties sharing their mean rank, as SciPy's ``rankdata``
    gives them; a column holding NaN is all NaN. Sorting and two running maxima, no Python loop."""
    rows, cols = x.shape
    if rows == 0:
        return np.zeros_like(x, dtype=np.float64)
    order = np.argsort(x, axis=0, kind="stable")
    ordered = np.take_along_axis(x, order, axis=0)
    starts = np.ones((rows, cols), dtype=bool)
    starts[1:] = ordered[1:] != ordered[:-1]
    index = np.arange(rows)[:, None]
    first = np.maximum.accumulate(np.where(starts, index, 0), axis=0)  # where each tie group starts
    ends = np.ones((rows, cols), dtype=bool)
    ends[:-1] = starts[1:]
    last = np.minimum.accumulate(np.where(ends, index, rows - 1)[::-1], axis=0)[::-1]  # where it ends
    ranks = np.empty((rows, cols), dtype=np.float64)
    np.put_along_axis(ranks, order, (first + last) / 2.0 + 1.0, axis=0)
    ranks[:, np.isnan(x).any(axis=0)] = np.nan
    return ranks


def cluster(strength: FloatArray, threshold: float) -> IntArray:
    """Cluster ids per series (1 = the largest cluster; 0 = alone) from link strengths in [0, 1].

    Average linkage (UPGMA) on the distance 1 - strength: the two closest clusters merge while
    their average distance is under 1 - ``threshold``. n - 1 merges at most, each a numpy
    ``argmin`` over the n × n distances and a weighted row update: milliseconds for hundreds.
    """
    n = len(strength)
    if n < 2:
        return np.zeros(n, dtype=np.int64)
    distance = 1.0 - np.asarray(strength, dtype=np.float64)
    distance = np.where(np.isnan(distance), np.inf, distance)
    np.fill_diagonal(distance, np.inf)
    cut = 1.0 - threshold + 1e-9
    sizes = np.ones(n)
    labels = np.arange(n)
    for _ in range(n - 1):
        flat = int(np.argmin(distance))
        i, j = divmod(flat, n)
        if not distance[i, j] < cut:
            break
        i, j = min(i, j), max(i, j)  # j joins i
        merged = (distance[i] * sizes[i] + distance[j] * sizes[j]) / (sizes[i] + sizes[j])
        distance[i, :] = merged
        distance[:, i] = merged
        distance[i, i] = np.inf
        distance[j, :] = np.inf
        distance[:, j] = np.inf
        sizes[i] += sizes[j]
        labels[labels == j] = i
    ids, sizes_out = np.unique(labels, return_counts=True)
    numbered = np.zeros(n, dtype=np.int64)
    groups = [(size, label) for label, size in zip(ids, sizes_out, strict=True) if size > 1]
    for new, (_size, label) in enumerate(sorted(groups, key=lambda g: (-g[0], g[1]))):
        numbered[labels == label] = new + 1
    return numbered
