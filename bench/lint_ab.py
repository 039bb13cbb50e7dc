"""Compare lint times of two versions of the code, interleaved run by run in one session.

    python bench/lint_ab.py REV [--runs 21] [--lines 2000]

On a shared machine two benchmarks run one after the other meet different loads;
here two worker processes, one on the code of git revision ``REV`` (checked out
into a temporary folder) and one on the working tree, take turns: each run lints
the same 2,000-line script (bench/lint.py's) cold and as typed in one worker, then
in the other.  Prints, per scenario, the best and median wall time (perf_counter)
and the best CPU time of the process (process_time: what a busy machine inflates
least), and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parent.parent

#: runs in each worker: reads "cold LANG" / "typed LANG" lines, answers "wall cpu" in seconds
WORKER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import bench.lint as B
from suricate_desktop.lang import lint_cache
try:
    from suricate_desktop.lang.d import memo
except ImportError:  # a revision before the D front end
    memo = None
from suricate_desktop.lang.lint import lint
lines_n = int(sys.argv[2])
texts = {lang: B.build_script(lang, lines_n) for lang in ("d", "bpftrace")}
edits = [0]
for cmd in sys.stdin:
    what, lang = cmd.split()
    text = texts[lang]
    if what == "cold":
        lint_cache.LINE_CACHE.clear()
        if memo is not None:
            memo.forget()
    else:
        edits[0] += 1
        rows = text.split("\n")
        k = len(rows) // 2
        rows[k] += f" /* {edits[0]} */"
        text = "\n".join(rows)
    w0, c0 = time.perf_counter(), time.process_time()
    lint(text, lang)
    print(time.perf_counter() - w0, time.process_time() - c0, flush=True)
"""


def checkout(rev: str, into: str) -> None:
    """The files the bench needs, as they are at ``rev``."""
    tar = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "suricate_desktop", "bench", "tests/corpus"],
        check=True,
        capture_output=True,
    ).stdout
    path = pathlib.Path(into) / "src.tar"
    path.write_bytes(tar)
    with tarfile.open(path) as t:
        t.extractall(into, filter="data")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rev", help="the 'before' revision (the working tree is 'after')")
    ap.add_argument("--runs", type=int, default=21)
    ap.add_argument("--lines", type=int, default=2000)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        checkout(args.rev, tmp)
        workers = {
            name: subprocess.Popen(
                [sys.executable, "-c", WORKER, root, str(args.lines)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                text=True,
            )
            for name, root in (("before", tmp), ("after", str(ROOT)))
        }
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        keys = [(lang, what) for lang in ("d", "bpftrace") for what in ("cold", "typed")]
        times: dict[tuple[str, str, str], list[tuple[float, float]]] = {}
        for _ in range(args.runs):
            for lang, what in keys:
                for name, proc in workers.items():
                    assert proc.stdin is not None and proc.stdout is not None
                    proc.stdin.write(f"{what} {lang}\n")
                    proc.stdin.flush()
                    wall, cpu = map(float, proc.stdout.readline().split())
                    times.setdefault((lang, what, name), []).append((wall, cpu))
        print(f"load average after:  {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for proc in workers.values():
            assert proc.stdin is not None
            proc.stdin.close()
            proc.wait()
    print(f"{'':22s} {'best wall':>10s} {'median wall':>12s} {'best cpu':>10s}   (ms, {args.runs} runs)")
    for lang, what in keys:
        for name in ("before", "after"):
            rows = times[(lang, what, name)]
            walls = [w for w, _ in rows]
            print(
                f"{lang:8s} {what:5s} {name:7s} {min(walls) * 1000:10.2f} "
                f"{statistics.median(walls) * 1000:12.2f} {min(c for _, c in rows) * 1000:10.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
