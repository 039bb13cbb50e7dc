"""``suricate query``: SQL over a recording with DuckDB (the table is ``recording``)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import Subparsers


def register(sub: Subparsers) -> None:
    p = sub.add_parser("query", help="run SQL over a recording (DuckDB; the table is 'recording')")
    p.add_argument("recording", metavar="DIR")
    p.add_argument(
        "sql",
        nargs="?",
        default="SELECT host, source, agg, kind, count(*) AS rows, min(ts) AS first, max(ts) AS last "
        "FROM recording GROUP BY ALL ORDER BY ALL",
        help="SQL text (default: a summary of the streams)",
    )
    p.add_argument("--csv", action="store_true", help="print CSV instead of a table")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import duckdb

    from ..store.recording import connect, segments

    try:
        if not segments(args.recording):
            print(
                f"suricate query: {args.recording} holds no segments yet (nothing recorded)", file=sys.stderr
            )
            return 1
        con = connect(args.recording)
        if con.execute("SELECT count(*) FROM recording").fetchall() == [(0,)]:
            print(
                f"suricate query: {args.recording} holds no entries (only intervals in which nothing happened)",
                file=sys.stderr,
            )
            return 1
        result = con.sql(args.sql)
    except (FileNotFoundError, duckdb.Error) as exc:
        print(f"suricate query: {exc}", file=sys.stderr)
        return 1
    if result is None:
        return 0
    if args.csv:
        result.to_df().to_csv(sys.stdout, index=False)
    else:
        result.show(max_rows=100, max_width=200)
    return 0
