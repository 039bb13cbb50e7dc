"""``suricate import``: other tools' files (dtrace(1) text, bpftrace JSON logs, CSV) as a recording."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .options import Subparsers

log = logging.getLogger("suricate.import")

FORMATS = ("auto", "dtrace", "bpftrace-json", "csv")


def register(sub: Subparsers) -> None:
    p = sub.add_parser(
        "import",
        help="turn dtrace(1) output, bpftrace -f json logs or CSV files into a recording",
        description="Read files written by other tools and write their snapshots as a recording folder (Parquet "
        "segments), to open in the workbench, query with 'suricate query' or replay with 'suricate replay'. "
        "dtrace(1) text: the default printa layout, ticks at printed %Y or ISO times, else --interval apart. "
        "bpftrace: -f json output, ticks at time() records. CSV: long (ts,host,source,agg,key,value[,kind]) "
        "or wide (timestamp,col1,col2,...). The source of each file's streams is its name without extension.",
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="files to import")
    p.add_argument(
        "--out", required=True, metavar="DIR", help="recording folder (created; appended to if it exists)"
    )
    p.add_argument(
        "--format", choices=FORMATS, default="auto", help="file format (default: auto, from the content)"
    )
    p.add_argument(
        "--interval",
        type=float,
        default=1.0,
        help="seconds between ticks when a file has no timestamps (default: 1)",
    )
    p.add_argument(
        "--start",
        type=float,
        metavar="EPOCH",
        help="time of the first tick of a file without timestamps (default: the last tick at the file's "
        "modification time)",
    )
    # the importers' DEFAULT_HOST (tests/test_startup.py checks it), written out: they load pyarrow
    p.add_argument("--host", help="host of the streams (default: imported; CSV: its host column)")
    p.add_argument("--source", help="source of the streams (default: each file's name without extension)")
    p.add_argument(
        "--script",
        metavar="SCRIPT",
        help="the D (.d) or bpftrace (.bt) script that produced the output: gives aggregation names, "
        "kinds and keys (a .d script applies to dtrace files only, a .bt script to bpftrace logs only)",
    )
    p.add_argument(
        "--aggs",
        metavar="NAMES",
        help="dtrace(1): aggregation names in the order each tick prints them, comma-separated",
    )
    p.add_argument(
        "--kind",
        action="append",
        default=[],
        metavar="AGG=KIND",
        help="kind of an aggregation the file does not tell (e.g. bytes=sum); for CSV (wide, or long "
        "without a kind column): KIND alone (default: count)",
    )
    p.add_argument(
        "--cumulative",
        action="store_true",
        help="values are running totals (dtrace without trunc(); bpftrace without clear(), which is "
        "otherwise guessed)",
    )
    p.add_argument(
        "--segment-seconds",
        type=float,
        default=10.0,
        help="seconds of recorded time per segment (default: 10)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..agent.importers import DEFAULT_HOST, import_bpftrace_json, import_dtrace_text, sniff_format
    from ..schema import KINDS
    from ..store.importers import import_csv, write_recording

    if args.interval <= 0:
        print("suricate import: --interval must be > 0", file=sys.stderr)
        return 2
    kinds: dict[str, str] = {}
    csv_kind = "count"
    for item in args.kind:
        name, sep, kind = item.partition("=")
        if not sep:
            name, kind = "", name
        if kind not in KINDS:
            print(f"suricate import: unknown kind {kind!r} in --kind {item}", file=sys.stderr)
            return 2
        if name:
            kinds[name] = kind
            kinds["@" + name.lstrip("@")] = kind
        else:
            csv_kind = kind
    script = None
    # a .d script explains dtrace(1) output, a .bt script bpftrace logs; another name explains both
    script_lang = (
        {".d": "dtrace", ".bt": "bpftrace-json"}.get(Path(args.script).suffix) if args.script else None
    )
    if args.script:
        try:
            script = Path(args.script).read_text()
        except OSError as exc:
            print(f"suricate import: cannot read {args.script}: {exc.strerror}", file=sys.stderr)
            return 2
    snaps = []
    for name in args.files:
        path = Path(name)
        try:
            fmt = sniff_format(path) if args.format == "auto" else args.format
            if fmt == "dtrace":
                got = import_dtrace_text(
                    path,
                    host=args.host or DEFAULT_HOST,
                    source=args.source,
                    interval=args.interval,
                    start=args.start,
                    script=script if script_lang in (None, fmt) else None,
                    kinds=kinds or None,
                    delta=not args.cumulative,
                    aggs=[a.strip() for a in args.aggs.split(",") if a.strip()] if args.aggs else None,
                )
            elif fmt == "bpftrace-json":
                got = import_bpftrace_json(
                    path,
                    host=args.host or DEFAULT_HOST,
                    source=args.source,
                    interval=args.interval,
                    start=args.start,
                    script=script if script_lang in (None, fmt) else None,
                    kinds=kinds or None,
                    cumulative=True if args.cumulative else None,
                )
            else:
                got = import_csv(
                    path, host=args.host, source=args.source, kind=csv_kind, delta=not args.cumulative
                )
        except OSError as exc:
            print(f"suricate import: cannot read {path}: {exc.strerror or exc}", file=sys.stderr)
            return 2
        except (ValueError, KeyError, TypeError) as exc:
            print(f"suricate import: {path}: {exc}", file=sys.stderr)
            return 1
        streams = len({s.stream for s in got})
        log.info("import: %s (%s): %d snapshots in %d streams", path, fmt, len(got), streams)
        if not got:
            print(f"suricate import: {path}: no snapshots found (is it {fmt}?)", file=sys.stderr)
        snaps.extend(got)
    if not snaps:
        return 1
    meta = {"imported_from": [str(Path(f).resolve()) for f in args.files], "format": args.format}
    try:
        stats = write_recording(snaps, args.out, meta=meta, segment_seconds=args.segment_seconds)
    except OSError as exc:
        print(f"suricate import: cannot write {args.out}: {exc}", file=sys.stderr)
        return 1
    log.info("import: %d snapshots in %d segments -> %s", stats["snapshots"], stats["segments"], args.out)
    return 0
