"""The dependency graph's cost: correlating, clustering and laying out a few hundred series.

Synthetic activity: ``--series`` series over ``--bins`` time bins, in groups of five that
follow a shared bursty load (so there are real links and clusters to find), the rest
independent. Timed separately: ``build_graph`` (Spearman ranks, the lagged correlation
matrices, agglomerative clustering, edges), ``with_threshold`` (another threshold from the
kept correlations: what moving the window's threshold costs) and the spring layout of the
linked nodes (what the window's worker does after them). Also the real bundled recording
read with DuckDB (``from_recording``). Median of ``--repeat`` runs. No assertion: figures only.

Usage: python bench/depgraph.py [--series 100 300 500] [--bins 3600] [--max-lag 1] [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from suricate_desktop.analytics.activity import ActivityMatrix, SeriesSpec, from_recording  # noqa: E402
from suricate_desktop.analytics.depgraph import build_graph  # noqa: E402
from suricate_desktop.analytics.graph_layout import spring_layout  # noqa: E402
from suricate_desktop.gui.depgraph.job import POOL_SERIES, TOP_SERIES, lay_out  # noqa: E402


def synthetic(n: int, bins: int, seed: int = 0) -> ActivityMatrix:
    rng = np.random.default_rng(seed)
    values = rng.poisson(20, (bins, n)).astype(float)
    for start in range(0, n // 2, 5):  # half the series in linked groups of five
        load = np.repeat(rng.choice([0.2, 1, 3, 6], bins // 4 + 1), 4)[:bins]
        values[:, start : start + 5] += 50 * load[:, None] + rng.normal(0, 10, (bins, min(5, n - start)))
    specs = [SeriesSpec("h", "syscalls-by-process", "calls", "count", f"p{i:04d}") for i in range(n)]
    return ActivityMatrix(np.arange(bins, dtype=float), values, specs, 1.0)


def timed(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, nargs="+", default=[100, 300, 500])
    parser.add_argument("--bins", type=int, default=3600)
    parser.add_argument("--max-lag", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"{'series':>6} {'bins':>6} {'edges':>6} {'build_graph':>12} {'rethreshold':>12} {'layout':>9}")
    for n in args.series:
        matrix = synthetic(n, args.bins)
        build, graph = timed(
            lambda: build_graph(matrix, threshold=0.6, max_lag=args.max_lag, max_series=n), args.repeat
        )
        rethreshold, _ = timed(lambda: graph.with_threshold(0.8), args.repeat)
        linked = graph.linked()
        where = {node: i for i, node in enumerate(linked)}
        pairs = np.array([(where[e.a], where[e.b]) for e in graph.edges]).reshape(-1, 2)
        layout, _ = timed(
            lambda: spring_layout(len(linked), pairs, [e.strength for e in graph.edges]),
            max(1, args.repeat // 2),
        )
        print(
            f"{n:>6} {args.bins:>6} {len(graph.edges):>6} {build * 1e3:>10.1f}ms {rethreshold * 1e3:>10.1f}ms "
            f"{layout * 1e3:>7.0f}ms"
        )
    demo = ROOT / "resources" / "recordings" / "bpftrace-demo"
    read, matrix = timed(lambda: from_recording(demo), args.repeat)
    build, graph = timed(lambda: build_graph(matrix), args.repeat)
    print(
        f"bundled recording: read {matrix.values.shape[1]} series × {matrix.values.shape[0]} bins in "
        f"{read * 1e3:.0f} ms, graph of {len(graph.nodes)} series in {build * 1e3:.0f} ms"
    )
    # what the window computes by default: the 300 busiest correlated, the top 30 drawn, links >= 0.6
    window, top = timed(
        lambda: build_graph(matrix, max_series=POOL_SERIES, max_nodes=TOP_SERIES), args.repeat
    )
    shown, _ = timed(lambda: lay_out(top, "spring", False), args.repeat)
    retop, _ = timed(lambda: top.with_threshold(0.6, 10), args.repeat)
    print(
        f"the window's defaults: top {len(top.nodes)} series, {len(top.edges)} links >= 0.6, "
        f"{len(top.clusters)} clusters: graph {window * 1e3:.0f} ms, layout {shown * 1e3:.0f} ms, "
        f"another top or threshold {retop * 1e3:.1f} ms; read + graph + layout "
        f"{(read + window + shown) * 1e3:.0f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
