"""``suricate graph``: the dependency graph of a recording, headless: its edges as a table or CSV, its clusters."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analytics.depgraph import DependencyGraph
    from .options import Subparsers

#: analytics.depgraph's TRANSFORMS and METHODS (tests/test_startup.py keeps them equal), repeated here
#: because importing analytics loads numpy, and `suricate --help` must not wait for it.
TRANSFORMS = ("rate", "diff")
METHODS = ("spearman", "pearson")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "graph",
        help="which series of a recording move together (correlation and clustering); prints the edges",
        description="Correlate every series (stream and key) of a recording, keep the links at least as strong "
        "as --threshold, cluster the series, and print the edges, strongest first. "
        "'series_b' follows 'series_a' by 'lag_seconds'.",
    )
    p.add_argument("recording", metavar="RECORDING", help="a recording folder (segment-*.parquet)")
    p.add_argument(
        "--csv",
        metavar="OUT",
        help="also write the edges as CSV to OUT ('-' prints CSV instead of the table)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=0.6,
        metavar="T",
        help="least strength |correlation| of an edge, in (0, 1] (default: %(default)s)",
    )
    p.add_argument(
        "--max-lag",
        type=int,
        default=1,
        metavar="BINS",
        help="links may lag by up to this many time bins (default: %(default)s)",
    )
    p.add_argument(
        "--resolution",
        type=float,
        metavar="SECONDS",
        help="time bin width (default: the recording's median interval)",
    )
    p.add_argument(
        "--transform",
        choices=TRANSFORMS,
        default="rate",
        help="correlate the per-bin activity (rate) or its change from bin to bin (diff)",
    )
    p.add_argument("--method", choices=METHODS, default="spearman", help="correlation (default: %(default)s)")
    p.add_argument(
        "--match",
        action="append",
        metavar="PATTERN",
        help="only series whose 'source.agg:key' name matches this shell pattern (repeatable), "
        "e.g. 'syscalls-by-process.*'",
    )
    p.add_argument(
        "--max-series",
        type=int,
        default=300,
        help="correlate at most this many series, the most active (default: %(default)s)",
    )
    p.add_argument("--since", type=float, metavar="EPOCH", help="only data at or after this time")
    p.add_argument("--until", type=float, metavar="EPOCH", help="only data at or before this time")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from ..analytics.activity import from_recording
    from ..analytics.depgraph import build_graph

    try:
        matrix = from_recording(args.recording, args.resolution, args.since, args.until, args.match)
        if not matrix.series:
            raise ValueError(f"no series matches {', '.join(args.match)}")
        graph = build_graph(
            matrix,
            threshold=args.threshold,
            max_lag=args.max_lag,
            transform=args.transform,
            method=args.method,
            max_series=args.max_series,
        )
    except (FileNotFoundError, ValueError, duckdb.Error) as exc:
        print(f"suricate graph: {exc}", file=sys.stderr)
        return 1
    if args.csv and args.csv != "-":
        try:
            graph.write_csv(args.csv)
        except OSError as exc:
            print(f"suricate graph: cannot write {args.csv}: {exc.strerror}", file=sys.stderr)
            return 1
    try:
        sys.stdout.write(graph.edges_csv()) if args.csv == "-" else print_table(graph)
        sys.stdout.flush()
    except BrokenPipeError:  # `suricate graph ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to say at exit
    return 0


def print_table(graph: DependencyGraph) -> None:
    from ..analytics.depgraph import CSV_FIELDS

    p = graph.params
    print(
        f"{len(graph.nodes)} series correlated ({graph.left_out} left out as idle or beyond --max-series), "
        f"{p['bins']} bins of {p['resolution']:g} s, {p['method']} on {p['transform']}, "
        f"lag up to {p['max_lag']} bin(s); {len(graph.edges)} edges with strength >= {graph.threshold:g}"
    )
    rows = [tuple(str(v) for v in row) for row in graph.edge_rows()]
    if rows:
        header = CSV_FIELDS
        widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(header)]
        print()
        print("  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip())
        for row in rows:
            print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    clusters = graph.clusters
    if clusters:
        print()
        for cid, members in clusters.items():
            print(f"cluster {cid}: " + ", ".join(graph.nodes[i].name for i in members))
