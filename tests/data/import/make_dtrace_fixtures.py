"""Write the dtrace(1) text fixtures of tests/test_importers.py from the documented default layout.

DTrace does not run on Linux, so these files are written (not captured) by
this script, following ../shared/docs/tracing-languages.md section 2 (from
illumos dtrace.c and dt_consume.c): ``printa(@a)`` without a format prints an
empty line, then the rows; string keys ``"  %-50s"``, 32-bit integer keys
``" %8d"``, values ``" %16lld"``; rows sorted by value, ascending; a histogram
prints its key columns, then ``"\\n%16s %41s %-9s\\n"`` (value, Distribution,
count), one row ``"%16s |" + 40-character bar + " %-9lld\\n"`` per bucket from
one zero row before the first non-zero bucket to one after the last, then an
empty line; ``printf("%Y\\n", walltimestamp)`` prints ``2026 Nov 27 21:47:52``.

Run ``python tests/data/import/make_dtrace_fixtures.py`` to write them again.
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent


def printa_scalar(rows):
    """rows: [(key parts, value)], key parts str or int."""
    out = ["\n"]
    for key, value in sorted(rows, key=lambda r: r[1]):
        cols = "".join(f"  {k:<50}" if isinstance(k, str) else f" {k:8d}" for k in key)
        out.append(f"{cols} {value:16d}\n")
    return "".join(out)


def quantize_rows(buckets):
    """buckets: {power-of-two label: count} -> rows from one zero row before to one after."""
    labels = sorted(buckets)
    lo, hi = labels[0], labels[-1]
    seq = [0] + [1 << i for i in range(0, 63)]
    below = [v for v in seq if v < lo]
    above = [v for v in seq if v > hi]
    rows = ([below[-1]] if below else []) + [v for v in seq if lo <= v <= hi] + ([above[0]] if above else [])
    return [(v, buckets.get(v, 0)) for v in rows]


def histogram(key_cols, rows):
    total = sum(c for _, c in rows) or 1
    out = [key_cols, "\n", f"{'value':>16} {'------------- Distribution -------------':>41} {'count':<9}\n"]
    for label, count in rows:
        bar = "@" * round(40 * count / total)
        out.append(f"{label:>16} |{bar:<40} {count:<9}\n")
    out.append("\n")
    return "".join(out)


def printa_quantize(per_key):
    """per_key: [(key parts, {label: count})]; an empty key list for an aggregation without keys."""
    out = ["\n"]
    for key, buckets in per_key:
        cols = "".join(f"  {k:<50}" if isinstance(k, str) else f" {k:8d}" for k in key)
        out.append(histogram(cols, quantize_rows(buckets)))
    return "".join(out)


def timestamped():
    """``tick-1s { printf("%Y\\n", walltimestamp); printa(@calls); printa(@lat); trunc(@calls); trunc(@lat); }``"""
    ticks = [
        (
            "2026 Nov 27 21:47:52",
            [(["bash"], 12), (["sshd"], 3), (["Web Content"], 40)],
            {1024: 3, 2048: 5, 8192: 1},
        ),
        ("2026 Nov 27 21:47:53", [(["bash"], 7), (["dtrace"], 120)], {512: 2, 1024: 9}),
        ("2026 Nov 27 21:47:54", [(["sshd"], 1)], {4096: 4}),
    ]
    out = []
    for stamp, calls, lat in ticks:
        out.append(stamp + "\n")
        out.append(printa_scalar(calls))
        out.append(printa_quantize([([], lat)]))
    return "".join(out)


def plain():
    """``dtrace -q -n 'syscall:::entry { @[execname] = count(); } tick-1s { printa(@); trunc(@); }'``, Ctrl-C."""
    dumps = [
        [(["bash"], 5), (["sshd"], 2)],
        [(["bash"], 9)],
        [(["bash"], 1), (["cron"], 4), (["sshd"], 6)],
        [(["sshd"], 3)],
    ]
    # SIGINT adds one empty line; dtrace prints nothing more (every aggregation was printed by printa).
    return "".join(printa_scalar(d) for d in dumps) + "\n"


def keyed_quantize():
    """``tick-1s { printa(@size); trunc(@size); }`` with ``@size[execname, pid] = quantize(arg2)``."""
    dumps = [
        [(["bash", 4242], {4: 2, 8: 1}), (["sshd", 101], {512: 7})],
        [(["bash", 4242], {8: 5}), (["cron", 7], {64: 1, 128: 2})],
    ]
    return "".join(printa_quantize(d) for d in dumps)


if __name__ == "__main__":
    (HERE / "dtrace-timestamped.txt").write_text(timestamped())
    (HERE / "dtrace-plain.txt").write_text(plain())
    (HERE / "dtrace-keyed-quantize.txt").write_text(keyed_quantize())
